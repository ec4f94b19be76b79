/* Two libraries that need each other. */
#ifdef SIDE_A
int cyc_b(void);
int cyc_a(void) { return 1; }
int cyc_a_calls_b(void) { return cyc_b(); }
#else
int cyc_a(void);
int cyc_b(void) { return cyc_a() + 1; }
#endif
