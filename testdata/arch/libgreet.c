/* A small shared library with symbol versions: `greet` exists in two
   versions (GREET_1.0 kept for old programs, GREET_2.0 the default), so
   programs linked against it carry a DT_VERNEED naming a non-glibc version
   and the library carries a DT_VERDEF with a parent link. */
const char *greet_v1(void) { return "hello from libgreet (GREET_1.0)"; }
const char *greet_v2(void) { return "hello from libgreet (GREET_2.0)"; }
__asm__(".symver greet_v1, greet@GREET_1.0");
__asm__(".symver greet_v2, greet@@GREET_2.0");

int greet_count(void) { return 2; }
