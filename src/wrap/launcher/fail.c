#include "fail.h"

#include "sys.h"
#include "text.h"

#define MAX_PARTS 8

void say(const struct context* c, const char* const* parts) {
  struct iovec iov[MAX_PARTS + 3];
  int n = 0;
  iov[n++] = (struct iovec){(void*)c->name, text_len(c->name)};
  iov[n++] = (struct iovec){(void*)": ", 2};
  for (; *parts && n < MAX_PARTS + 2; ++parts) iov[n++] = (struct iovec){(void*)*parts, text_len(*parts)};
  iov[n++] = (struct iovec){(void*)"\n", 1};
  /* Nothing to do if stderr is gone: the exit status still tells. */
  (void)sys_writev(2, iov, n);
}

void fail(const struct context* c, const char* what, const char* detail) {
  const char* parts[] = {what, detail ? ": " : "", detail ? detail : "", NULL};
  say(c, parts);
  sys_exit(127);
}
