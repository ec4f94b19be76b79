/* A libgcc_s-like library: gx_base in GCCX_3.0, gx_new (newer builds only)
   in GCCX_3.4. */
int gx_base(void) { return 30; }
#ifdef NEW
int gx_new(void) { return 34; }
#endif
