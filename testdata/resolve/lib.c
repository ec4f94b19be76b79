/* A library function whose value tells which copy was loaded. */
#ifndef FUNC
#define FUNC value
#endif
#ifndef VALUE
#define VALUE 0
#endif
int FUNC(void) { return VALUE; }
