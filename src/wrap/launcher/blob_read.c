/* Finding the configuration: the trailer is the last bytes of the file,
 * so two reads at known offsets get everything. */
#include "arena.h"
#include "blob.h"
#include "blob_format.h"
#include "fail.h"
#include "sys.h"
#include "text.h"

static unsigned long get_le(const unsigned char* p, int size) {
  unsigned long v = 0;
  for (int i = 0; i < size; ++i) v |= (unsigned long)p[i] << (8 * i);
  return v;
}

/* pread() until `n` bytes are in; 0, or -errno (-EIO when the file ends
 * early: it shrank after we measured it). */
static long read_at(int fd, unsigned char* buf, size_t n, long offset) {
  while (n) {
    long got = sys_pread(fd, buf, n, offset);
    if (got == -EINTR) continue;
    if (got < 0) return got;
    if (got == 0) return -EIO;
    buf += got;
    n -= (size_t)got;
    offset += got;
  }
  return 0;
}

unsigned char* blob_read(struct context* c, const char* execfn, size_t* size_out) {
  struct error_buffer eb;
  int fd = sys_open_read("/proc/self/exe");
  if (fd < 0 && execfn) fd = sys_open_read(execfn);
  if (fd < 0) fail(c, "cannot open its own executable", error_text(-fd, &eb));
  struct stat st;
  int r = sys_fstat(fd, &st);
  if (r < 0) fail(c, "cannot stat its own executable", error_text(-r, &eb));
  long file_size = (long)st.st_size;
  unsigned char trailer[SHELF_BLOB_TRAILER_SIZE];
  if (file_size < SHELF_BLOB_TRAILER_SIZE ||
      read_at(fd, trailer, sizeof trailer, file_size - SHELF_BLOB_TRAILER_SIZE) != 0 ||
      memcmp(trailer + 16, SHELF_BLOB_MAGIC, SHELF_BLOB_MAGIC_SIZE) != 0)
    fail(c, "no wrapper configuration in this file (make wrappers with `shelf wrap --binary`)", NULL);
  unsigned long size = get_le(trailer, 8);
  if (get_le(trailer + 8, 4) != SHELF_BLOB_VERSION) fail(c, "wrapper configuration has an unknown version", NULL);
  if (size > SHELF_BLOB_MAX_RECORDS_SIZE || size > (unsigned long)file_size - SHELF_BLOB_TRAILER_SIZE)
    fail(c, "wrapper configuration is larger than the file", NULL);
  unsigned char* records = arena_alloc(c, size);
  long e = read_at(fd, records, size, file_size - SHELF_BLOB_TRAILER_SIZE - (long)size);
  if (e < 0) fail(c, "cannot read the wrapper configuration", error_text((int)-e, &eb));
  sys_close(fd);
  *size_out = size;
  return records;
}
