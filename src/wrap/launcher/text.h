/* The string and memory functions the launcher needs (there is no libc).
 * memcpy, memmove, memset and memcmp keep their standard names because
 * the compiler may emit calls to them on its own. */
#ifndef SHELF_LAUNCHER_TEXT_H
#define SHELF_LAUNCHER_TEXT_H

#include <stddef.h>

void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);

size_t text_len(const char* s);
int text_eq(const char* a, const char* b);
/* First `c` in `s`, or NULL; as strchr for c != '\0'. */
const char* text_chr(const char* s, char c);
/* First occurrence of `needle` in `hay`, or NULL; `hay` itself for an
 * empty needle, as strstr. */
char* text_str(char* hay, const char* needle);

#endif
