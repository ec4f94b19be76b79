/* The compiled wrapper: a static program that reads the configuration
 * appended to its own file (blob_format.h), applies the steps in order and
 * execv()s the target. Linked statically so it runs where no libc is
 * visible (a bubblewrap sandbox with only the store). Kept tiny: two
 * reads of its own file, no allocation beyond the argument vector and the
 * values it builds.
 *
 * `WRAPPER --shelf-wrapper-show` prints the configuration and exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob_format.h"

struct step {
  unsigned kind;
  unsigned count;
  const char* fields[3];
};

static const char* self_name = "shelf-wrapper";

static void die(const char* what, const char* detail) {
  fprintf(stderr, "%s: %s%s%s\n", self_name, what, detail ? ": " : "", detail ? detail : "");
  exit(127);
}

static uint64_t get_le(const unsigned char* p, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void* checked_malloc(size_t n) {
  void* p = malloc(n ? n : 1);
  if (!p) die("out of memory", NULL);
  return p;
}

/* Reads the records area of our own executable into a NUL-padded buffer. */
static unsigned char* read_blob(size_t* size_out) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const char* execfn = (const char*)getauxval(AT_EXECFN);
    if (execfn) fd = open(execfn, O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) die("cannot open its own executable", strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) die("cannot stat its own executable", strerror(errno));
  unsigned char trailer[SHELF_BLOB_TRAILER_SIZE];
  if (st.st_size < SHELF_BLOB_TRAILER_SIZE ||
      pread(fd, trailer, sizeof trailer, st.st_size - SHELF_BLOB_TRAILER_SIZE) != SHELF_BLOB_TRAILER_SIZE ||
      memcmp(trailer + 16, SHELF_BLOB_MAGIC, SHELF_BLOB_MAGIC_SIZE) != 0)
    die("no wrapper configuration in this file (make wrappers with `shelf wrap --binary`)", NULL);
  uint64_t size = get_le(trailer, 8);
  if (get_le(trailer + 8, 4) != SHELF_BLOB_VERSION) die("wrapper configuration has an unknown version", NULL);
  if (size > SHELF_BLOB_MAX_RECORDS_SIZE || size > (uint64_t)st.st_size - SHELF_BLOB_TRAILER_SIZE)
    die("wrapper configuration is larger than the file", NULL);
  /* One spare byte per possible field so every value can be NUL-ended in place. */
  unsigned char* blob = checked_malloc(size + size / 4 + 16);
  off_t at = st.st_size - SHELF_BLOB_TRAILER_SIZE - (off_t)size;
  if (pread(fd, blob, size, at) != (ssize_t)size) die("cannot read the wrapper configuration", strerror(errno));
  close(fd);
  *size_out = size;
  return blob;
}

/* Splits the records into steps, copying fields so each ends in NUL. */
static struct step* parse_steps(const unsigned char* blob, size_t size, size_t* count_out) {
  struct step* steps = checked_malloc(sizeof(struct step) * (size / 8 + 1));
  char* strings = checked_malloc(size + size / 4 + 16);
  size_t n = 0, at = 0, used = 0;
  while (at < size) {
    if (size - at < 8) die("wrapper configuration is truncated", NULL);
    unsigned kind = (unsigned)get_le(blob + at, 4);
    unsigned count = (unsigned)get_le(blob + at + 4, 4);
    int expected = shelf_step_field_count(kind);
    if (expected < 0 || count != (unsigned)expected) die("wrapper configuration has a malformed record", NULL);
    at += 8;
    steps[n].kind = kind;
    steps[n].count = count;
    for (unsigned i = 0; i < count; ++i) {
      if (size - at < 4) die("wrapper configuration is truncated", NULL);
      uint64_t len = get_le(blob + at, 4);
      at += 4;
      if (size - at < len) die("wrapper configuration is truncated", NULL);
      memcpy(strings + used, blob + at, len);
      strings[used + len] = '\0';
      steps[n].fields[i] = strings + used;
      used += len + 1;
      at += len;
    }
    ++n;
  }
  if (n == 0 || steps[0].kind != SHELF_STEP_TARGET) die("wrapper configuration names no target", NULL);
  *count_out = n;
  return steps;
}

static void print_quoted(const char* s) {
  putchar('\'');
  for (; *s; ++s) {
    if (*s == '\'')
      fputs("'\\''", stdout);
    else
      putchar(*s);
  }
  putchar('\'');
}

/* Same text as shelf::wrap::describe(). */
static void show(const struct step* steps, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    fputs(shelf_step_flag(steps[i].kind), stdout);
    for (unsigned f = 0; f < steps[i].count; ++f) {
      putchar(' ');
      print_quoted(steps[i].fields[f]);
    }
    putchar('\n');
  }
}

static char* concat3(const char* a, const char* b, const char* c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char* out = checked_malloc(la + lb + lc + 1);
  memcpy(out, a, la);
  memcpy(out + la, b, lb);
  memcpy(out + la + lb, c, lc + 1);
  return out;
}

/* makeWrapper's addValue(): surround a non-empty value with separators,
 * move (prefix) or look for (suffix) the component, strip one separator
 * at each end. */
static void add_value(int prefix, const char* var, const char* sep, const char* value) {
  const char* current = getenv(var);
  char* list = (current && *current) ? concat3(sep, current, sep) : concat3("", "", "");
  char* item = concat3(sep, value, sep);
  char* found = strstr(list, item);
  char* next;
  if (prefix) {
    if (found) {
      /* Replace the first "<sep>value<sep>" by "<sep>". */
      size_t sl = strlen(sep), il = strlen(item);
      memmove(found + sl, found + il, strlen(found + il) + 1);
    }
    next = concat3(value, list, "");
  } else {
    next = found ? concat3(list, "", "") : concat3(list, value, "");
  }
  size_t sl = strlen(sep), nl = strlen(next);
  char* start = next;
  if (nl >= sl && memcmp(start, sep, sl) == 0) {
    start += sl;
    nl -= sl;
  }
  if (nl >= sl && memcmp(start + nl - sl, sep, sl) == 0) start[nl - sl] = '\0';
  if (setenv(var, start, 1) != 0) die("cannot set an environment variable", strerror(errno));
  free(list);
  free(item);
  free(next);
}

/* argv[0] without a slash, looked up in PATH the way execvp would. */
static const char* resolve_in_path(const char* name, const char* path) {
  if (strchr(name, '/') || !path) return name;
  size_t nl = strlen(name);
  for (const char* dir = path;; ) {
    const char* end = strchr(dir, ':');
    size_t dl = end ? (size_t)(end - dir) : strlen(dir);
    char* candidate = checked_malloc(dl + nl + 3);
    if (dl == 0) {
      candidate[0] = '.';
      dl = 1;
    } else {
      memcpy(candidate, dir, dl);
    }
    candidate[dl] = '/';
    memcpy(candidate + dl + 1, name, nl + 1);
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) return candidate;
    free(candidate);
    if (!end) break;
    dir = end + 1;
  }
  return name;
}

int main(int argc, char** argv) {
  if (argc > 0 && argv[0]) self_name = argv[0];
  size_t blob_size, n;
  unsigned char* blob = read_blob(&blob_size);
  struct step* steps = parse_steps(blob, blob_size, &n);
  free(blob);
  const char* target = steps[0].fields[0];

  if (argc == 2 && strcmp(argv[1], SHELF_WRAPPER_SHOW_OPTION) == 0) {
    fputs("target ", stdout);
    print_quoted(target);
    putchar('\n');
    show(steps + 1, n - 1);
    return fflush(stdout) == 0 ? 0 : 1;
  }

  /* PATH as the caller had it, for --resolve-argv0. */
  char* caller_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
  size_t before = 0, after = 0;
  for (size_t i = 1; i < n; ++i) {
    if (steps[i].kind == SHELF_STEP_ADD_FLAG) ++before;
    if (steps[i].kind == SHELF_STEP_APPEND_FLAG) ++after;
  }
  int caller_args = argc > 1 ? argc - 1 : 0;
  char** args = checked_malloc(sizeof(char*) * (before + (size_t)caller_args + after + 2));
  const char* argv0 = target;
  size_t b = 1, a = 0;
  const char** appended = checked_malloc(sizeof(char*) * (after + 1));

  for (size_t i = 1; i < n; ++i) {
    const struct step* s = &steps[i];
    const char* const* f = s->fields;
    switch (s->kind) {
      case SHELF_STEP_SET:
        if (setenv(f[0], f[1], 1) != 0) die("cannot set an environment variable", f[0]);
        break;
      case SHELF_STEP_SET_DEFAULT:
        if (setenv(f[0], f[1], 0) != 0) die("cannot set an environment variable", f[0]);
        break;
      case SHELF_STEP_UNSET:
        unsetenv(f[0]);
        break;
      case SHELF_STEP_PREFIX:
      case SHELF_STEP_SUFFIX:
        add_value(s->kind == SHELF_STEP_PREFIX, f[0], f[1], f[2]);
        break;
      case SHELF_STEP_CHDIR:
        if (chdir(f[0]) != 0) {
          fprintf(stderr, "%s: cannot change directory to %s: %s\n", self_name, f[0], strerror(errno));
          exit(127);
        }
        break;
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
        argv0 = argc > 0 ? resolve_in_path(argv[0], caller_path) : target;
        break;
      default:
        die("wrapper configuration has a step this launcher cannot run", shelf_step_flag(s->kind));
    }
  }
  args[0] = (char*)argv0;
  for (int i = 1; i < argc; ++i) args[b++] = argv[i];
  for (size_t i = 0; i < a; ++i) args[b++] = (char*)appended[i];
  args[b] = NULL;
  execv(target, args);
  int e = errno;
  fprintf(stderr, "%s: cannot execute %s: %s\n", self_name, target, strerror(e));
  return e == ENOENT ? 127 : 126;
}
