/* libcore.so.1: a bundled library that needs another bundled library
 * (libvutil.so.1) living in a different directory of the tree. The text it
 * returns names its word size, so a library of the wrong class cannot pass
 * unnoticed. */
#include <stdio.h>

int util_value(void);

const char *core_describe(void) {
  static char text[64];
  snprintf(text, sizeof text, "core %d-bit, util %d", (int)(sizeof(void *) * 8), util_value());
  return text;
}
