// libcurl, opened on first use (store/lazy_library.h says why). Every
// curl_* function fetch.cc calls is defined here with the prototype of
// <curl/curl.h> (a mismatch is a compile error: the header declares the
// same extern "C" functions) and forwards to the real one, looked up once.
// shelf does not link libcurl; a function missing here is an undefined
// reference at link time, never a silent fallback.
//
// The SONAME comes from CMake (SHELF_LIBCURL_SONAME), read from the library
// the build found.
#include <curl/curl.h>

#include <cstdarg>

#include "store/lazy_library.h"

#ifndef SHELF_LIBCURL_SONAME
#error "SHELF_LIBCURL_SONAME must be defined by the build (src/recipe/CMakeLists.txt)"
#endif

namespace {

shelf::store::LazyLibrary& libcurl() {
  static shelf::store::LazyLibrary library(SHELF_LIBCURL_SONAME);
  return library;
}

// Any function pointer: what a CURLOPTTYPE_FUNCTIONPOINT option takes.
using AnyFunction = void (*)();

}  // namespace

// `real`: the library's own `name`, looked up on the first call.
#define SHELF_REAL(name) static auto* const real = libcurl().function<decltype(name)>(#name)

extern "C" {

CURLcode curl_global_init(long flags) {
  SHELF_REAL(curl_global_init);
  return real(flags);
}

CURL* curl_easy_init(void) {
  SHELF_REAL(curl_easy_init);
  return real();
}

// Variadic: the one argument after `option` is read as the type the
// option's number range says (curl.h's CURLOPTTYPE_*: long, object or
// string pointer, function pointer, curl_off_t, blob pointer) and passed
// on as that type. (Parenthesised: curl.h defines curl_easy_setopt as a
// function-like macro too.)
CURLcode(curl_easy_setopt)(CURL* curl, CURLoption option, ...) {
  SHELF_REAL(curl_easy_setopt);
  va_list args;
  va_start(args, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = real(curl, option, va_arg(args, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    rc = real(curl, option, va_arg(args, void*));
  else if (option < CURLOPTTYPE_OFF_T)
    rc = real(curl, option, va_arg(args, AnyFunction));
  else if (option < CURLOPTTYPE_BLOB)
    rc = real(curl, option, va_arg(args, curl_off_t));
  else
    rc = real(curl, option, va_arg(args, void*));  // struct curl_blob*
  va_end(args);
  return rc;
}

CURLcode curl_easy_perform(CURL* curl) {
  SHELF_REAL(curl_easy_perform);
  return real(curl);
}

void curl_easy_cleanup(CURL* curl) {
  SHELF_REAL(curl_easy_cleanup);
  real(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  SHELF_REAL(curl_easy_strerror);
  return real(code);
}

}  // extern "C"
