/* A game-like i386 program: its engine is a bundled library, it walks its
 * own stack with libgcc_s (_Unwind_Backtrace, version GCC_3.3) and it reads
 * its data relative to the working directory, as many shipped games do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

const char *engine_name(void);

static _Unwind_Reason_Code count_frame(struct _Unwind_Context *context, void *arg) {
  (void)context;
  ++*(int *)arg;
  return _URC_NO_REASON;
}

int main(void) {
  int frames = 0;
  _Unwind_Backtrace(count_frame, &frames);
  char level[256] = "";
  FILE *f = fopen("data/level1.txt", "r");
  if (!f) {
    fprintf(stderr, "game-demo: cannot open data/level1.txt (run me from my data directory)\n");
    return 1;
  }
  if (!fgets(level, sizeof level, f)) level[0] = '\0';
  fclose(f);
  level[strcspn(level, "\n")] = '\0';
  const char *mode = getenv("GAME_MODE");
  printf("game-demo: engine %s, stack walk %s, level '%s', mode %s\n", engine_name(),
         frames > 0 ? "ok" : "failed", level, mode ? mode : "(unset)");
  return 0;
}
