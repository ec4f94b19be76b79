/* The launcher's memory: handed out in order and never given back (the
 * process ends in execve a moment later). It starts in a block on
 * launcher_start's stack; larger needs (a huge environment, a long
 * configuration) get blocks from mmap. */
#ifndef SHELF_LAUNCHER_ARENA_H
#define SHELF_LAUNCHER_ARENA_H

#include <stddef.h>

#include "context.h"

#define ARENA_ALIGN 16u

/* `n` bytes aligned for any object; exits with "out of memory" (127) when
 * the kernel has none. */
void* arena_alloc(struct context* c, size_t n);

/* `a + b`, or exits with "out of memory" when it does not fit in size_t
 * (sizes derived from caller-controlled lengths). */
size_t arena_add(const struct context* c, size_t a, size_t b);

#endif
