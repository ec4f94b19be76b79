/* The only machine-dependent part of the launcher: how to make a system
 * call and where the program starts. The launcher links no libc (a libc's
 * start-up is most of what a wrapper costs), so it talks to the kernel
 * itself. System call numbers and `struct stat` come from the kernel's
 * own headers for the target (Debian: linux-libc-dev, and the
 * linux-libc-dev-*-cross packages for cross compilers).
 *
 * Only 64-bit architectures whose kernels have newfstatat are here: the
 * launcher is built for the machine shelf runs on, and the 32-bit ones
 * would need their own stat and mmap calls. */
#ifndef SHELF_LAUNCHER_ARCH_H
#define SHELF_LAUNCHER_ARCH_H

#include <asm/stat.h>
#include <asm/unistd.h>

#if defined(__x86_64__) && !defined(__ILP32__)
#include "arch_x86_64.h"
#elif defined(__aarch64__) && !defined(__ILP32__)
#include "arch_aarch64.h"
#else
#error "shelf-launcher: no system call glue for this architecture (add an arch_*.h)"
#endif

#endif
