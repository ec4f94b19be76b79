/* --prefix and --suffix: one component added to a separated list, exactly
 * as makeWrapper's generated bash does it (tests/wrap/list_property_test
 * checks both wrapper kinds against a model of it). */
#include "arena.h"
#include "fail.h"
#include "steps.h"
#include "text.h"

static char* concat3(struct context* c, const char* x, const char* y, const char* z) {
  size_t lx = text_len(x), ly = text_len(y), lz = text_len(z);
  char* out = arena_alloc(c, arena_add(c, arena_add(c, lx, ly), arena_add(c, lz, 1)));
  memcpy(out, x, lx);
  memcpy(out + lx, y, ly);
  memcpy(out + lx + ly, z, lz + 1);
  return out;
}

/* makeWrapper's addValue(): surround a non-empty value with separators,
 * move (prefix) or look for (suffix) the component, strip one separator
 * at each end. */
void add_list_value(struct context* c, struct environ* env, int prefix, const char* var, const char* sep,
                    const char* value) {
  const char* current = env_get(env, var);
  char* list = (current && *current) ? concat3(c, sep, current, sep) : concat3(c, "", "", "");
  char* item = concat3(c, sep, value, sep);
  char* found = text_str(list, item);
  char* next;
  if (prefix) {
    if (found) {
      /* Replace the first "<sep>value<sep>" by "<sep>". */
      size_t sl = text_len(sep), il = text_len(item);
      memmove(found + sl, found + il, text_len(found + il) + 1);
    }
    next = concat3(c, value, list, "");
  } else {
    next = found ? list : concat3(c, list, value, "");
  }
  size_t sl = text_len(sep), nl = text_len(next);
  char* start = next;
  if (nl >= sl && memcmp(start, sep, sl) == 0) {
    start += sl;
    nl -= sl;
  }
  if (nl >= sl && memcmp(start + nl - sl, sep, sl) == 0) start[nl - sl] = '\0';
  int r = env_set(c, env, var, start, 1);
  struct error_buffer eb;
  if (r < 0) fail(c, "cannot set an environment variable", error_text(-r, &eb));
}
