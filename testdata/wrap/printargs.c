/* Test fixture for wrappers: prints what it was started with, one item per
 * line, every value in hex so any byte (newlines, quotes, non-UTF-8)
 * comes through unambiguously:
 *   argv <index> <hex>
 *   cwd <hex>
 *   env <hex of NAME=VALUE>
 *   pid <decimal>  ppid <decimal>   (to check the wrapper exec'd, no extra process)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

static void hex(const char* s) {
  for (; *s; ++s) printf("%02x", (unsigned char)*s);
}

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    printf("argv %d ", i);
    hex(argv[i]);
    putchar('\n');
  }
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) {
    fputs("cwd ", stdout);
    hex(cwd);
    putchar('\n');
  }
  for (char** e = environ; *e; ++e) {
    fputs("env ", stdout);
    hex(*e);
    putchar('\n');
  }
  printf("pid %d\nppid %d\n", (int)getpid(), (int)getppid());
  return 0;
}
