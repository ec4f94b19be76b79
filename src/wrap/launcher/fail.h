/* The launcher's messages on stderr: one line, prefixed with the name it
 * was run as (argv[0]), as the libc launcher printed them. */
#ifndef SHELF_LAUNCHER_FAIL_H
#define SHELF_LAUNCHER_FAIL_H

#include "context.h"

/* Writes "NAME: " followed by the NULL-ended `parts` and a newline, in one
 * write so concurrent output does not split the line. */
void say(const struct context* c, const char* const* parts);

/* "NAME: what" or "NAME: what: detail", then exit status 127. */
__attribute__((noreturn)) void fail(const struct context* c, const char* what, const char* detail);

/* strerror(): glibc's text for `err` (a positive errno value). `buf`
 * receives "Unknown error N" for a number glibc has no text for. */
struct error_buffer {
  char text[32];
};
const char* error_text(int err, struct error_buffer* buf);

#endif
