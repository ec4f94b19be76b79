/* The system calls the launcher makes, typed. Each returns what the kernel
 * returns: the result, or -errno on failure (there is no errno variable:
 * no libc). */
#ifndef SHELF_LAUNCHER_SYS_H
#define SHELF_LAUNCHER_SYS_H

#include <asm/errno.h>
#include <linux/mman.h>
#include <linux/auxvec.h>
#include <linux/fcntl.h>
#include <linux/resource.h>
#include <linux/uio.h>
#include <stddef.h>

#include "arch.h"

#define SYS_X_OK 1 /* access(2)'s X_OK: not in the kernel's headers */

static inline int sys_is_regular(unsigned mode) { return (mode & 0170000) == 0100000; }

static inline int sys_open_read(const char* path) {
  return (int)arch_syscall(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0);
}

static inline long sys_pread(int fd, void* buf, size_t n, long offset) {
  return arch_syscall(__NR_pread64, fd, (long)buf, (long)n, offset, 0, 0);
}

static inline int sys_close(int fd) { return (int)arch_syscall(__NR_close, fd, 0, 0, 0, 0, 0); }

static inline int sys_fstat(int fd, struct stat* st) {
  return (int)arch_syscall(__NR_fstat, fd, (long)st, 0, 0, 0, 0);
}

/* stat(2): follows symbolic links. */
static inline int sys_stat(const char* path, struct stat* st) {
  return (int)arch_syscall(__NR_newfstatat, AT_FDCWD, (long)path, (long)st, 0, 0, 0);
}

/* access(path, X_OK): with the real user and group ids, as access(2). */
static inline int sys_access_exec(const char* path) {
  return (int)arch_syscall(__NR_faccessat, AT_FDCWD, (long)path, SYS_X_OK, 0, 0, 0);
}

static inline int sys_chdir(const char* path) { return (int)arch_syscall(__NR_chdir, (long)path, 0, 0, 0, 0, 0); }

static inline long sys_write(int fd, const void* buf, size_t n) {
  return arch_syscall(__NR_write, fd, (long)buf, (long)n, 0, 0, 0);
}

static inline long sys_writev(int fd, const struct iovec* iov, int count) {
  return arch_syscall(__NR_writev, fd, (long)iov, count, 0, 0, 0);
}

/* The soft limit on the stack's size (RLIMIT_STACK), or 0 when unknown. */
static inline unsigned long sys_stack_limit(void) {
  struct {
    unsigned long long cur, max;
  } limit;
  if (arch_syscall(__NR_prlimit64, 0, RLIMIT_STACK, 0, (long)&limit, 0, 0) < 0) return 0;
  return limit.cur > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)limit.cur;
}

/* Fresh zeroed memory, or NULL. */
static inline void* sys_map(size_t n) {
  long p = arch_syscall(__NR_mmap, 0, (long)n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return (p < 0 && p > -4096) ? (void*)0 : (void*)p;
}

/* Returns only on failure. */
static inline int sys_execve(const char* path, char* const* argv, char* const* envp) {
  return (int)arch_syscall(__NR_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

__attribute__((noreturn)) static inline void sys_exit(int status) {
  for (;;) arch_syscall(__NR_exit_group, status, 0, 0, 0, 0, 0);
}

#endif
