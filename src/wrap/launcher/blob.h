/* The configuration appended to the launcher's own file (blob_format.h):
 * read, checked and split into steps. The bytes are untrusted (anyone can
 * truncate or edit a wrapper): every length is checked against what is
 * there, and any problem ends the launcher with one line on stderr and
 * status 127. */
#ifndef SHELF_LAUNCHER_BLOB_H
#define SHELF_LAUNCHER_BLOB_H

#include <stddef.h>

#include "context.h"

struct step {
  unsigned kind;           /* enum shelf_step_kind */
  unsigned count;          /* shelf_step_field_count(kind) */
  const char* fields[3];   /* NUL-ended; a value's bytes up to its first NUL */
};

/* The records area of our own executable. Opens /proc/self/exe, or
 * `execfn` (the path the kernel ran, AT_EXECFN; may be NULL) when /proc is
 * not mounted. `*size` receives the area's length. */
unsigned char* blob_read(struct context* c, const char* execfn, size_t* size);

/* Splits the records area into steps, rewriting it in place so each field
 * ends in NUL. The first step is always the target. */
struct step* blob_parse(struct context* c, unsigned char* records, size_t size, size_t* count);

#endif
