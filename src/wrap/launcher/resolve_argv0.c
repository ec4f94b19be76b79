/* --resolve-argv0: the name the wrapper was called by, as a path. */
#include "arena.h"
#include "steps.h"
#include "sys.h"
#include "text.h"

/* argv[0] without a slash, looked up in PATH the way execvp would. */
const char* resolve_in_path(struct context* c, const char* name, const char* path) {
  if (text_chr(name, '/') || !path) return name;
  size_t nl = text_len(name);
  for (const char* dir = path;;) {
    const char* end = text_chr(dir, ':');
    size_t dl = end ? (size_t)(end - dir) : text_len(dir);
    char* candidate = arena_alloc(c, arena_add(c, dl, arena_add(c, nl, 3)));
    if (dl == 0) {
      candidate[0] = '.';
      dl = 1;
    } else {
      memcpy(candidate, dir, dl);
    }
    candidate[dl] = '/';
    memcpy(candidate + dl + 1, name, nl + 1);
    struct stat st;
    if (sys_stat(candidate, &st) == 0 && sys_is_regular(st.st_mode) && sys_access_exec(candidate) == 0)
      return candidate;
    if (!end) break;
    dir = end + 1;
  }
  return name;
}
