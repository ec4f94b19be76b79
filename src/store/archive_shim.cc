// libarchive, opened on first use (lazy_library.h says why). Every
// archive_* function the store calls is defined here with the prototype of
// <archive.h>/<archive_entry.h> (a mismatch is a compile error: the
// headers declare the same extern "C" functions) and forwards to the real
// one, looked up once. shelf does not link libarchive; a function missing
// here is an undefined reference at link time, never a silent fallback.
//
// The SONAME comes from CMake (SHELF_LIBARCHIVE_SONAME), read from the
// library the build found.
#include <archive.h>
#include <archive_entry.h>

#include <cstdarg>
#include <cstdio>

#include "store/lazy_library.h"

#ifndef SHELF_LIBARCHIVE_SONAME
#error "SHELF_LIBARCHIVE_SONAME must be defined by the build (src/store/CMakeLists.txt)"
#endif

namespace {

shelf::store::LazyLibrary& libarchive() {
  static shelf::store::LazyLibrary library(SHELF_LIBARCHIVE_SONAME);
  return library;
}

}  // namespace

// `real`: the library's own `name`, looked up on the first call.
#define SHELF_REAL(name) static auto* const real = libarchive().function<decltype(name)>(#name)

extern "C" {

struct archive* archive_read_new(void) {
  SHELF_REAL(archive_read_new);
  return real();
}

int archive_read_free(struct archive* a) {
  SHELF_REAL(archive_read_free);
  return real(a);
}

int archive_read_support_filter_bzip2(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_bzip2);
  return real(a);
}

int archive_read_support_filter_compress(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_compress);
  return real(a);
}

int archive_read_support_filter_gzip(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_gzip);
  return real(a);
}

int archive_read_support_filter_lz4(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_lz4);
  return real(a);
}

int archive_read_support_filter_lzip(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_lzip);
  return real(a);
}

int archive_read_support_filter_lzma(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_lzma);
  return real(a);
}

int archive_read_support_filter_xz(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_xz);
  return real(a);
}

int archive_read_support_filter_zstd(struct archive* a) {
  SHELF_REAL(archive_read_support_filter_zstd);
  return real(a);
}

int archive_read_support_format_7zip(struct archive* a) {
  SHELF_REAL(archive_read_support_format_7zip);
  return real(a);
}

int archive_read_support_format_ar(struct archive* a) {
  SHELF_REAL(archive_read_support_format_ar);
  return real(a);
}

int archive_read_support_format_cpio(struct archive* a) {
  SHELF_REAL(archive_read_support_format_cpio);
  return real(a);
}

int archive_read_support_format_gnutar(struct archive* a) {
  SHELF_REAL(archive_read_support_format_gnutar);
  return real(a);
}

int archive_read_support_format_tar(struct archive* a) {
  SHELF_REAL(archive_read_support_format_tar);
  return real(a);
}

int archive_read_support_format_zip(struct archive* a) {
  SHELF_REAL(archive_read_support_format_zip);
  return real(a);
}

int archive_read_open(struct archive* a, void* client_data, archive_open_callback* open,
                      archive_read_callback* read, archive_close_callback* close) {
  SHELF_REAL(archive_read_open);
  return real(a, client_data, open, read, close);
}

int archive_read_open_filename(struct archive* a, const char* filename, size_t block_size) {
  SHELF_REAL(archive_read_open_filename);
  return real(a, filename, block_size);
}

int archive_read_next_header(struct archive* a, struct archive_entry** entry) {
  SHELF_REAL(archive_read_next_header);
  return real(a, entry);
}

la_int64_t archive_read_header_position(struct archive* a) {
  SHELF_REAL(archive_read_header_position);
  return real(a);
}

la_ssize_t archive_read_data(struct archive* a, void* buffer, size_t size) {
  SHELF_REAL(archive_read_data);
  return real(a, buffer, size);
}

int archive_read_data_block(struct archive* a, const void** buffer, size_t* size, la_int64_t* offset) {
  SHELF_REAL(archive_read_data_block);
  return real(a, buffer, size, offset);
}

const char* archive_error_string(struct archive* a) {
  SHELF_REAL(archive_error_string);
  return real(a);
}

// Variadic: the message is formatted here and passed on as "%s".
void archive_set_error(struct archive* a, int err, const char* fmt, ...) {
  SHELF_REAL(archive_set_error);
  char message[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(message, sizeof message, fmt, args);
  va_end(args);
  real(a, err, "%s", message);
}

__LA_MODE_T archive_entry_filetype(struct archive_entry* e) {
  SHELF_REAL(archive_entry_filetype);
  return real(e);
}

__LA_MODE_T archive_entry_perm(struct archive_entry* e) {
  SHELF_REAL(archive_entry_perm);
  return real(e);
}

const char* archive_entry_pathname(struct archive_entry* e) {
  SHELF_REAL(archive_entry_pathname);
  return real(e);
}

const char* archive_entry_hardlink(struct archive_entry* e) {
  SHELF_REAL(archive_entry_hardlink);
  return real(e);
}

const char* archive_entry_symlink(struct archive_entry* e) {
  SHELF_REAL(archive_entry_symlink);
  return real(e);
}

la_int64_t archive_entry_size(struct archive_entry* e) {
  SHELF_REAL(archive_entry_size);
  return real(e);
}

int archive_entry_size_is_set(struct archive_entry* e) {
  SHELF_REAL(archive_entry_size_is_set);
  return real(e);
}

}  // extern "C"
