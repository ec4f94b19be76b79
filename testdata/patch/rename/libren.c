/* The library whose symbols are renamed (old_fn -> new_fn, old_counter ->
 * new_counter). Its own calls go through the PLT to exported functions and
 * its data access through a GLOB_DAT slot, so a renamed symbol that moves in
 * .dynsym must have every relocation naming it follow. The f* functions
 * give .dynsym enough entries that renaming reorders the hash buckets. */
#include <stdio.h>

#define F(n) \
  __attribute__((noinline)) int f##n(void) { return n * 11 + 1; }
F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)
F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29)

int old_counter = 7;

__attribute__((noinline)) int old_fn(int x) { return x * 3 + old_counter; }

void bump(void) { old_counter += 100; }

/* Writes what the library computes through its own PLT and GOT slots. */
int lib_report(char *buf, unsigned long size) {
  int (*const fs[])(void) = {f0,  f1,  f2,  f3,  f4,  f5,  f6,  f7,  f8,  f9,  f10, f11, f12, f13, f14,
                             f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29};
  int n = snprintf(buf, size, "lib: fn(5)=%d counter=%d f:", old_fn(5), old_counter);
  for (unsigned i = 0; i < sizeof fs / sizeof fs[0] && n > 0 && (unsigned long)n < size; ++i)
    n += snprintf(buf + n, size - (unsigned long)n, " %d", fs[i]());
  return n;
}
