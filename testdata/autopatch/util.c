/* libvutil.so.1: the bottom of the bundled chain; VALUE differs per build so
 * the output shows which copy was loaded. */
int util_value(void) { return VALUE; }
