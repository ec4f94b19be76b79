/* A library with no dependencies and no SONAME: its dynamic table has no
   string entry at all (testdata/patch/edge_cases.py removes DT_STRSZ). */
int shelf_edge_answer(void) { return 42; }
