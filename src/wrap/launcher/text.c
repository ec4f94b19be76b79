/* Plain byte loops: the values are short (paths, flags, one variable), so
 * nothing faster pays for its size. Built with
 * -fno-tree-loop-distribute-patterns so GCC does not turn these loops back
 * into calls to themselves. */
#include "text.h"

void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  unsigned char* d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; --n, ++x, ++y)
    if (*x != *y) return *x - *y;
  return 0;
}

size_t text_len(const char* s) {
  const char* p = s;
  while (*p) ++p;
  return (size_t)(p - s);
}

int text_eq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

const char* text_chr(const char* s, char c) {
  for (; *s; ++s)
    if (*s == c) return s;
  return NULL;
}

/* Naive search: lists and components are paths, short and varied. Only
 * starts that leave room for the whole needle are tried. */
char* text_str(char* hay, const char* needle) {
  size_t n = text_len(needle), h = text_len(hay);
  if (n > h) return NULL;
  for (char* last = hay + (h - n); hay <= last; ++hay)
    if (memcmp(hay, needle, n) == 0) return hay;
  return NULL;
}
