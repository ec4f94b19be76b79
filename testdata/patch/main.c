// The program of the patch fixtures: prints through its library and libc, so
// a run shows that the interpreter, RUNPATH and NEEDED entries still work.
#include <stdio.h>
#include <string.h>

void pgreet(const char *who);

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    puts("patch-fixture 1.0");
    return 0;
  }
  pgreet(argc > 1 ? argv[1] : "world");
  return 0;
}
