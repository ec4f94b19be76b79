/* Splitting the records area into steps. Two passes: the first checks
 * every record and counts them (reporting the first problem in file
 * order), the second fills exactly that many steps. */
#include "arena.h"
#include "blob.h"
#include "blob_format.h"
#include "fail.h"
#include "text.h"

static unsigned get_u32(const unsigned char* p) {
  return (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 | (unsigned)p[3] << 24;
}

__attribute__((noreturn)) static void truncated(const struct context* c) {
  fail(c, "wrapper configuration is truncated", NULL);
}

/* Number of records; exits on the first malformed or truncated one. All
 * arithmetic compares what is left (`size - at`) so nothing overflows. */
static size_t check(const struct context* c, const unsigned char* blob, size_t size) {
  size_t at = 0, n = 0;
  while (at < size) {
    if (size - at < 8) truncated(c);
    unsigned kind = get_u32(blob + at);
    unsigned count = get_u32(blob + at + 4);
    int expected = shelf_step_field_count(kind);
    if (expected < 0 || count != (unsigned)expected) fail(c, "wrapper configuration has a malformed record", NULL);
    at += 8;
    for (unsigned i = 0; i < count; ++i) {
      if (size - at < 4) truncated(c);
      size_t len = get_u32(blob + at);
      at += 4;
      if (size - at < len) truncated(c);
      at += len;
    }
    ++n;
  }
  if (n == 0 || get_u32(blob) != SHELF_STEP_TARGET) fail(c, "wrapper configuration names no target", NULL);
  return n;
}

struct step* blob_parse(struct context* c, unsigned char* blob, size_t size, size_t* count_out) {
  size_t n = check(c, blob, size);
  struct step* steps = arena_alloc(c, n * sizeof *steps); /* n <= size / 8: no overflow */
  size_t at = 0;
  for (size_t s = 0; s < n; ++s) {
    steps[s].kind = get_u32(blob + at);
    steps[s].count = get_u32(blob + at + 4);
    at += 8;
    for (unsigned i = 0; i < steps[s].count; ++i) {
      size_t len = get_u32(blob + at);
      /* The value moves over its 4-byte length, leaving room for a NUL
       * inside the record: no copy of the configuration needed. */
      memmove(blob + at, blob + at + 4, len);
      blob[at + len] = '\0';
      steps[s].fields[i] = (const char*)blob + at;
      at += 4 + len;
    }
  }
  *count_out = n;
  return steps;
}
