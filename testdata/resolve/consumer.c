/* Like libGL needing GCC_3.4 from libgcc_s: uses the newer symbol. */
int gx_base(void);
int gx_new(void);
int consume(void) { return gx_base() + gx_new(); }
