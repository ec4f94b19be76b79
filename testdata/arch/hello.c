/* The dynamic fixture program: calls into libgreet and echoes its
   arguments, so a run under qemu shows loader, library and argv all work. */
#include <stdio.h>

extern const char *greet(void);
extern int greet_count(void);

int main(int argc, char **argv) {
  printf("%s; %d versions\n", greet(), greet_count());
  for (int i = 1; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
