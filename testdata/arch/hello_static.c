/* The static fixture program: no interpreter, no NEEDED. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello from a static program\n");
  for (int i = 1; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
