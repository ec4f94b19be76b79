/* A static program: autopatch must leave it alone. */
#include <stdio.h>

int main(void) {
  puts("static");
  return 0;
}
