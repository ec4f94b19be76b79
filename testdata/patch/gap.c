// A 256 MiB zero-initialised array (.bss): the file stays small while its
// highest address lies far above its end, as in large vendor libraries whose
// loadable segments are far apart. A segment added at the end of such a file
// must not be padded out to "offset == address" (tests/patch/growth_test.cc).
// GAP_NAME differs between the library and the program, so neither
// interposes the other's array.
char GAP_NAME[256 << 20];
