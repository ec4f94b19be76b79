/* The vendor's bundled library (libvendor.so.1). */
const char *vendor_greeting(void) { return "greetings from the vendor library"; }
int vendor_version(void) { return 1; }
