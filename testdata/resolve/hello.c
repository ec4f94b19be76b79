/* Needs nothing but libc. */
int main(void) { return 0; }
