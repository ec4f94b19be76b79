/* Needs ver_two@VER_2.0 from libver.so.1 and core_describe from libcore. */
#include <stdio.h>

int ver_two(void);
const char *core_describe(void);

int main(void) {
  printf("ver %d, %s\n", ver_two(), core_describe());
  return 0;
}
