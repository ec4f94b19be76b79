#include "arena.h"

#include "fail.h"
#include "sys.h"

#define MIN_BLOCK (1024u * 1024u)

size_t arena_add(const struct context* c, size_t a, size_t b) {
  if (a > (size_t)-1 - b) fail(c, "out of memory", NULL);
  return a + b;
}

static size_t rounded(const struct context* c, size_t n) {
  if (n == 0) n = 1;
  return arena_add(c, n, ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

void arena_release_last(struct context* c, const void* p, size_t n) {
  n = rounded(c, n);
  if ((const unsigned char*)p + n == c->free) {
    c->free -= n;
    c->left += n;
  }
}

void* arena_alloc(struct context* c, size_t n) {
  n = rounded(c, n);
  if (n > c->left) {
    size_t block = n > MIN_BLOCK ? n : MIN_BLOCK;
    unsigned char* p = sys_map(block);
    if (!p) fail(c, "out of memory", NULL);
    c->free = p;
    c->left = block;
  }
  void* out = c->free;
  c->free += n;
  c->left -= n;
  return out;
}
