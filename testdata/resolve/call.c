/* A program that prints what one library function returns. */
#include <stdio.h>
#ifndef FUNC
#define FUNC value
#endif
int FUNC(void);
int main(void) {
  printf("%d\n", FUNC());
  return 0;
}
