/* What the parts of the launcher share, passed explicitly instead of
 * kept in globals: the launcher has no writable globals at all, so its
 * file is one read-only, executable segment and everything it writes is
 * on the stack the kernel has already set up. Each extra segment (a data
 * page to copy, a .bss mapping) measurably slowed every launch, and so
 * does every fresh page: the launcher keeps what it touches small. */
#ifndef SHELF_LAUNCHER_CONTEXT_H
#define SHELF_LAUNCHER_CONTEXT_H

#include <stddef.h>

struct context {
  const char* name;    /* prefix of every message: argv[0], or "shelf-wrapper" */
  unsigned char* free; /* memory (arena.h): next byte to hand out */
  size_t left;         /* bytes left after `free` */
  char* scratch;       /* list_value.c's working space, reused by each step */
  size_t scratch_size;
  size_t scratch_growth; /* how much more the --prefix/--suffix steps can need */
};

#endif
