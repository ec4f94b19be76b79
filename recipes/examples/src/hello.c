/* A vendor's program: prints what its bundled library says. */
#include <stdio.h>

const char *vendor_greeting(void);
int vendor_version(void);

int main(int argc, char **argv) {
  printf("hello-vendor: %s (libvendor %d)", vendor_greeting(), vendor_version());
  for (int i = 1; i < argc; ++i) printf(" [%s]", argv[i]);
  printf("\n");
  return 0;
}
