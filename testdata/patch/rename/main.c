/* Built twice: with FN=old_fn COUNTER=old_counter against the real library
 * (the reference output) and with the new names against the stub (to run
 * against the renamed library). Both print the same text when renaming
 * works. */
#include <stdio.h>

extern int FN(int);
extern int COUNTER;
void bump(void);
int lib_report(char *buf, unsigned long size);

int main(void) {
  char buf[512];
  printf("fn(2)=%d counter=%d\n", FN(2), COUNTER);
  bump();
  printf("after bump: counter=%d fn(1)=%d\n", COUNTER, FN(1));
  lib_report(buf, sizeof buf);
  printf("%s\n", buf);
  return 0;
}
