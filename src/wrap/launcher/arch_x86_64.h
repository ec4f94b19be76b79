/* x86-64 half of arch.h: the system call instruction and the entry point.
 * Included by arch.h only. */
#ifndef SHELF_LAUNCHER_ARCH_X86_64_H
#define SHELF_LAUNCHER_ARCH_X86_64_H

/* `syscall`: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; the
 * kernel returns -errno or the result in rax and overwrites rcx and r11.
 * "memory" because the kernel reads and writes the buffers we pass. */
static inline long arch_syscall(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

/* The kernel starts us with rsp pointing at argc, then argv, envp and the
 * auxiliary vector. The ABI wants rsp 16-byte aligned before a call and a
 * zero frame pointer marking the outermost frame. */
#define ARCH_START_ASM                  \
  ".text\n"                             \
  ".global _start\n"                    \
  ".type _start, @function\n"           \
  "_start:\n"                           \
  "  xor %ebp, %ebp\n"                  \
  "  mov %rsp, %rdi\n"                  \
  "  and $-16, %rsp\n"                  \
  "  call launcher_start\n"             \
  "  hlt\n"

#endif
