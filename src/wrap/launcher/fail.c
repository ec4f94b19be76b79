#include "fail.h"

#include "sys.h"
#include "text.h"

#define MAX_PARTS 8

static int is_control(unsigned char ch) { return ch < 0x20 || ch == 0x7f; }

static int has_control(const char* s) {
  for (; *s; ++s)
    if (is_control((unsigned char)*s)) return 1;
  return 0;
}

/* A part with control bytes (a path from a damaged configuration, a
 * file name holding a newline) is shown with C escapes, as shelf shows
 * such names (src/cli/diagnostics.cc), so a message stays one line and
 * sends no escape sequence to a terminal. Such parts are rare: they go
 * out piece by piece through a small buffer, everything else in one
 * writev. */
struct escaped {
  char buffer[256];
  size_t used;
};

static void flush_escaped(struct escaped* e) {
  size_t at = 0;
  while (at < e->used) {
    long n = sys_write(2, e->buffer + at, e->used - at);
    if (n == -EINTR) continue;
    if (n <= 0) break;
    at += (size_t)n;
  }
  e->used = 0;
}

static void put_escaped(struct escaped* e, const char* s) {
  static const char hex[] = "0123456789abcdef";
  for (; *s; ++s) {
    if (e->used + 4 > sizeof e->buffer) flush_escaped(e);
    unsigned char ch = (unsigned char)*s;
    if (!is_control(ch)) {
      e->buffer[e->used++] = (char)ch;
      continue;
    }
    e->buffer[e->used++] = '\\';
    if (ch == '\n') {
      e->buffer[e->used++] = 'n';
    } else if (ch == '\t') {
      e->buffer[e->used++] = 't';
    } else if (ch == '\r') {
      e->buffer[e->used++] = 'r';
    } else {
      e->buffer[e->used++] = 'x';
      e->buffer[e->used++] = hex[ch >> 4];
      e->buffer[e->used++] = hex[ch & 15];
    }
  }
}

void say(const struct context* c, const char* const* parts) {
  int plain = !has_control(c->name);
  int count = 0;
  for (; parts[count] && count < MAX_PARTS; ++count)
    if (has_control(parts[count])) plain = 0;
  if (!plain) {
    struct escaped e;
    e.used = 0;
    put_escaped(&e, c->name);
    put_escaped(&e, ": ");
    for (int i = 0; i < count; ++i) put_escaped(&e, parts[i]);
    if (e.used == sizeof e.buffer) flush_escaped(&e);
    e.buffer[e.used++] = '\n';
    flush_escaped(&e);
    return;
  }
  struct iovec iov[MAX_PARTS + 3];
  int n = 0;
  iov[n++] = (struct iovec){(void*)c->name, text_len(c->name)};
  iov[n++] = (struct iovec){(void*)": ", 2};
  for (int i = 0; i < count; ++i) iov[n++] = (struct iovec){(void*)parts[i], text_len(parts[i])};
  iov[n++] = (struct iovec){(void*)"\n", 1};
  /* Nothing to do if stderr is gone: the exit status still tells. */
  (void)sys_writev(2, iov, n);
}

void fail(const struct context* c, const char* what, const char* detail) {
  const char* parts[] = {what, detail ? ": " : "", detail ? detail : "", NULL};
  say(c, parts);
  sys_exit(127);
}
