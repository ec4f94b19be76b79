/* Buffered standard output, for --shelf-wrapper-show (the only thing the
 * launcher prints on stdout). The buffer lives in the caller's frame, so
 * it is small (launcher.c: the stack may be limited). */
#ifndef SHELF_LAUNCHER_OUT_H
#define SHELF_LAUNCHER_OUT_H

#include <stddef.h>

struct out {
  char buffer[1024];
  size_t used;
  int failed;
};

void out_bytes(struct out* o, const char* s, size_t n);
void out_text(struct out* o, const char* s);
void out_char(struct out* o, char c);
/* Writes what is buffered; 0 when every write so far succeeded, as
 * fflush(stdout) == 0. */
int out_flush(struct out* o);

#endif
