// A shared library opened on first use rather than at start-up. libarchive
// and libcurl pull some 35 libraries (gnutls, krb5, ldap, libxml2, ICU…)
// that only `store import` and `shelf build` need; linking them would map
// them into every `shelf patch` and `shelf --version` as well. The shims
// (archive_shim.cc here, recipe/curl_shim.cc) define the library's own
// functions, each forwarding to the symbol looked up here, so the code that
// calls them is written against the library's headers as if it were linked.
//
// The library is opened by SONAME (found the way the dynamic loader finds
// any NEEDED library), RTLD_NOW | RTLD_LOCAL, once, from any thread, and
// stays open. A library or symbol that cannot be found throws store::Error
// with the SONAME as subject and dlerror()'s text, one line:
//   libarchive.so.13: cannot load the library (libarchive.so.13: cannot open shared object file: …)
#pragma once

#include <atomic>
#include <mutex>
#include <string>

namespace shelf::store {

class LazyLibrary {
 public:
  explicit LazyLibrary(std::string soname) : soname_(std::move(soname)) {}
  LazyLibrary(const LazyLibrary&) = delete;
  LazyLibrary& operator=(const LazyLibrary&) = delete;

  const std::string& soname() const { return soname_; }

  // The dlopen() handle; opens the library on the first call. A failed
  // open is not remembered: the next call tries again.
  void* handle();

  // The address of `name` in the library (opening it first if needed).
  void* symbol(const char* name);

  // symbol() as a pointer to function type F, e.g.
  //   static auto* real = lib.function<decltype(archive_read_new)>("archive_read_new");
  template <class F>
  F* function(const char* name) {
    return reinterpret_cast<F*>(symbol(name));
  }

 private:
  std::string soname_;
  std::mutex mutex_;
  std::atomic<void*> handle_{nullptr};
};

}  // namespace shelf::store
