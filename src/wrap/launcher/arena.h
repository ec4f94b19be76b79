/* The launcher's memory: handed out in order and, but for the last piece,
 * never given back (the process ends in execve a moment later). It starts
 * in a block on launcher_start's stack; larger needs (a huge environment,
 * a long configuration) get blocks from mmap, which costs far more than
 * stack pages the kernel has mapped already (a new mapping: ~0.15 ms per
 * launch on the development machine). */
#ifndef SHELF_LAUNCHER_ARENA_H
#define SHELF_LAUNCHER_ARENA_H

#include <stddef.h>

#include "context.h"

#define ARENA_ALIGN 16u

/* `n` bytes aligned for any object; exits with "out of memory" (127) when
 * the kernel has none. */
void* arena_alloc(struct context* c, size_t n);

/* Takes back `p` (`n` bytes, as asked of arena_alloc) when it is the most
 * recent allocation; does nothing otherwise. */
void arena_release_last(struct context* c, const void* p, size_t n);

/* `a + b`, or exits with "out of memory" when it does not fit in size_t
 * (sizes derived from caller-controlled lengths). */
size_t arena_add(const struct context* c, size_t a, size_t b);

#endif
