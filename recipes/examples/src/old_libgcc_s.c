/* What old games ship as lib/libgcc_s.so.1: a libgcc_s from before GCC 3.3.
 * It defines _Unwind_Backtrace only at version GCC_3.0, so a program built
 * against a newer libgcc_s (needing GCC_3.3) fails to load with
 * "version `GCC_3.3' not found" while this copy is found first. */
typedef int (*trace_fn)(void *, void *);
int _Unwind_Backtrace(trace_fn fn, void *arg) {
  (void)fn;
  (void)arg;
  return 5; /* _URC_END_OF_STACK */
}
