/* The compiled wrapper: a program that reads the configuration appended
 * to its own file (blob_format.h), applies the steps in order and
 * execve()s the target.
 *
 * Freestanding: no libc, its own _start, system calls made directly
 * (arch.h). A libc's start-up (relocations, TLS, stdio, locale) was most
 * of what a wrapper cost on top of the program it starts; this one makes
 * six system calls before execve. Static with no interpreter, so it
 * also runs where no libc is visible (a bubblewrap sandbox with only the
 * store). Behaves as the glibc-linked launcher it replaces: same steps,
 * same environment rules (environ.h), same messages and exit statuses.
 *
 * `WRAPPER --shelf-wrapper-show` prints the configuration and exits. */
#include "arch.h"
#include "arena.h"
#include "blob.h"
#include "blob_format.h"
#include "environ.h"
#include "fail.h"
#include "steps.h"
#include "sys.h"
#include "text.h"

__asm__(ARCH_START_ASM);

static unsigned long auxv_value(const unsigned long* auxv, unsigned long type) {
  for (; auxv[0] != AT_NULL; auxv += 2)
    if (auxv[0] == type) return auxv[1];
  return 0;
}

static int run(struct context* c, int argc, char** argv, char** envp, const unsigned long* auxv) {
  size_t blob_size, n;
  unsigned char* blob = blob_read(c, (const char*)auxv_value(auxv, AT_EXECFN), &blob_size);
  struct step* steps = blob_parse(c, blob, blob_size, &n);
  const char* target = steps[0].fields[0];

  if (argc == 2 && text_eq(argv[1], SHELF_WRAPPER_SHOW_OPTION)) return show_configuration(steps, n);

  c->scratch_growth = list_value_growth(c, steps, n);
  /* Each step adds at most one variable. */
  struct environ env;
  env_init(c, &env, envp, n);
  if (auxv_value(auxv, AT_SECURE)) env_drop_unsafe(&env);
  /* PATH as the caller had it, for --resolve-argv0 (the string itself is
   * never changed: setting PATH makes a new entry). */
  const char* caller_path = env_get(&env, "PATH");
  size_t before = 0, after = 0;
  for (size_t i = 1; i < n; ++i) {
    if (steps[i].kind == SHELF_STEP_ADD_FLAG) ++before;
    if (steps[i].kind == SHELF_STEP_APPEND_FLAG) ++after;
  }
  size_t caller_args = argc > 1 ? (size_t)argc - 1 : 0;
  char** args = arena_alloc(c, arena_add(c, arena_add(c, before, after), arena_add(c, caller_args, 2)) * sizeof(char*));
  const char** appended = arena_alloc(c, (after + 1) * sizeof(char*));
  const char* argv0 = target;
  size_t b = 1, a = 0;

  for (size_t i = 1; i < n; ++i) {
    const struct step* s = &steps[i];
    const char* const* f = s->fields;
    switch (s->kind) {
      case SHELF_STEP_SET:
        if (env_set(c, &env, f[0], f[1], 1) != 0) fail(c, "cannot set an environment variable", f[0]);
        break;
      case SHELF_STEP_SET_DEFAULT:
        if (env_set(c, &env, f[0], f[1], 0) != 0) fail(c, "cannot set an environment variable", f[0]);
        break;
      case SHELF_STEP_UNSET:
        env_unset(&env, f[0]);
        break;
      case SHELF_STEP_PREFIX:
      case SHELF_STEP_SUFFIX:
        add_list_value(c, &env, s->kind == SHELF_STEP_PREFIX, f[0], f[1], f[2]);
        break;
      case SHELF_STEP_CHDIR: {
        int r = sys_chdir(f[0]);
        if (r < 0) {
          struct error_buffer eb;
          const char* parts[] = {"cannot change directory to ", f[0], ": ", error_text(-r, &eb), NULL};
          say(c, parts);
          sys_exit(127);
        }
        break;
      }
      case SHELF_STEP_ADD_FLAG:
        args[b++] = (char*)f[0];
        break;
      case SHELF_STEP_APPEND_FLAG:
        appended[a++] = f[0];
        break;
      case SHELF_STEP_ARGV0:
        argv0 = f[0];
        break;
      case SHELF_STEP_INHERIT_ARGV0:
        argv0 = argc > 0 ? argv[0] : target;
        break;
      case SHELF_STEP_RESOLVE_ARGV0:
        argv0 = argc > 0 ? resolve_in_path(c, argv[0], caller_path) : target;
        break;
      default:
        fail(c, "wrapper configuration has a step this launcher cannot run", shelf_step_flag(s->kind));
    }
  }
  args[0] = (char*)argv0;
  for (int i = 1; i < argc; ++i) args[b++] = argv[i];
  for (size_t i = 0; i < a; ++i) args[b++] = (char*)appended[i];
  args[b] = NULL;
  int e = -sys_execve(target, args, env.entries);
  struct error_buffer eb;
  const char* parts[] = {"cannot execute ", target, ": ", error_text(e, &eb), NULL};
  say(c, parts);
  return e == ENOENT ? 127 : 126;
}

/* The first memory block is on the stack: only the pages used cost
 * anything (the benchmark's wrapper uses 1.2 KB, eight Nix-style
 * --prefix PATH components 3 KB), while a block from mmap costs a new
 * mapping (~0.15 ms a launch on the development machine). It takes what
 * the stack limit leaves, up to MAX_FIRST_BLOCK, so the launcher runs
 * under any limit a libc program runs under; with no room (or no way to
 * tell) everything comes from mmap. */
#define MAX_FIRST_BLOCK (64u * 1024u)
/* Left for the launcher's own frames below the block (they use ~1.5 KB). */
#define FRAME_MARGIN (4u * 1024u)

static size_t first_block_size(const long* sp, const unsigned long* auxv) {
  /* The kernel copies the program's path (AT_EXECFN) first, at the top
   * of the stack: from there down to sp is what the stack already uses. */
  const char* execfn = (const char*)auxv_value(auxv, AT_EXECFN);
  unsigned long limit = sys_stack_limit();
  if (!execfn || !limit) return 0;
  unsigned long top = ((unsigned long)(execfn + text_len(execfn)) + 4096) & ~4095ul;
  unsigned long used = top - (unsigned long)sp;
  if (limit <= used + FRAME_MARGIN) return 0;
  unsigned long room = limit - used - FRAME_MARGIN;
  return room < MAX_FIRST_BLOCK ? room : MAX_FIRST_BLOCK;
}

/* Called by _start with the initial stack: argc, argv[], NULL, envp[],
 * NULL, auxv pairs. */
__attribute__((noreturn, used)) void launcher_start(long* sp);
void launcher_start(long* sp) {
  int argc = (int)sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;
  char** end = envp;
  while (*end) ++end;
  const unsigned long* auxv = (const unsigned long*)(end + 1);
  size_t size = first_block_size(sp, auxv);
  unsigned char block[size + ARENA_ALIGN];
  unsigned char* aligned = block + (-(unsigned long)block & (ARENA_ALIGN - 1));
  struct context c = {argc > 0 && argv[0] ? argv[0] : "shelf-wrapper", aligned, size, NULL, 0, 0};
  sys_exit(run(&c, argc, argv, envp, auxv));
}
