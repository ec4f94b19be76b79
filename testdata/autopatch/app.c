/* A vendor program: prints its name and what its bundled libraries say. */
#include <stdio.h>

const char *core_describe(void);

int main(void) {
  printf("%s: %s\n", NAME, core_describe());
  return 0;
}
