/* Enough versioned symbols that the last ones sit past DT_HASH's bucket
   count (3 for this many symbols), where a 4-byte read of s390x's 8-byte
   nchain would end the symbol table. */
int sysv_one(void) { return 1; }
int sysv_two(void) { return 2; }
int sysv_three(void) { return 3; }
int sysv_four(void) { return 4; }
int sysv_five(void) { return 5; }
int sysv_six(void) { return 6; }
int sysv_seven(void) { return 7; }
