/* AArch64 half of arch.h: the system call instruction and the entry point.
 * Included by arch.h only. */
#ifndef SHELF_LAUNCHER_ARCH_AARCH64_H
#define SHELF_LAUNCHER_ARCH_AARCH64_H

/* `svc 0`: number in x8, arguments in x0-x5, result (or -errno) in x0.
 * "memory" because the kernel reads and writes the buffers we pass. */
static inline long arch_syscall(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}

/* The kernel starts us with sp (16-byte aligned) pointing at argc, then
 * argv, envp and the auxiliary vector. Zero frame pointer and link
 * register mark the outermost frame. */
#define ARCH_START_ASM                  \
  ".text\n"                             \
  ".global _start\n"                    \
  ".type _start, %function\n"           \
  "_start:\n"                           \
  "  mov x29, #0\n"                     \
  "  mov x30, #0\n"                     \
  "  mov x0, sp\n"                      \
  "  bl launcher_start\n"               \
  "  brk #0\n"

#endif
