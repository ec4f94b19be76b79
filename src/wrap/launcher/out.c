#include "out.h"

#include "sys.h"
#include "text.h"

static void drain(struct out* o) {
  size_t at = 0;
  while (at < o->used && !o->failed) {
    long n = sys_write(1, o->buffer + at, o->used - at);
    if (n == -EINTR) continue;
    if (n <= 0)
      o->failed = 1;
    else
      at += (size_t)n;
  }
  o->used = 0;
}

void out_bytes(struct out* o, const char* s, size_t n) {
  while (n) {
    if (o->used == sizeof o->buffer) drain(o);
    size_t room = sizeof o->buffer - o->used;
    size_t take = n < room ? n : room;
    memcpy(o->buffer + o->used, s, take);
    o->used += take;
    s += take;
    n -= take;
  }
}

void out_text(struct out* o, const char* s) { out_bytes(o, s, text_len(s)); }

void out_char(struct out* o, char c) { out_bytes(o, &c, 1); }

int out_flush(struct out* o) {
  drain(o);
  return o->failed ? -1 : 0;
}
