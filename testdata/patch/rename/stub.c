/* Link-time stand-in for the renamed library: it defines the new names
 * (with the same SONAME and versions) so the program can be linked against
 * them; at run time the program gets the real library, renamed. */
int new_counter = 0;
int new_fn(int x) { return x; }
void bump(void) {}
int lib_report(char *buf, unsigned long size) { return buf && size ? 0 : 0; }
