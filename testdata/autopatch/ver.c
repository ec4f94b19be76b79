/* libver.so.1: built twice, with ver-old.map (VER_1.0 only) and
 * ver-new.map (VER_1.0 and VER_2.0), for the missing-version cases. */
int ver_one(void) { return 1; }
#ifdef NEW
int ver_two(void) { return 2; }
#endif
