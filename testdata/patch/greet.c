// The library of the patch fixtures: one versioned function.
#include <stdio.h>

void pgreet(const char *who) { printf("hello, %s, from libpgreet\n", who); }
