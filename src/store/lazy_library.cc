#include "store/lazy_library.h"

#include <dlfcn.h>

#include "store/error.h"

namespace shelf::store {

namespace {

// dlerror()'s text (thread-local in glibc), or `fallback` when it has none.
std::string dl_error(const char* fallback) {
  const char* text = dlerror();
  std::string message = text ? text : fallback;
  for (char& c : message)
    if (c == '\n') c = ' ';  // the CLI prints one line per error
  return message;
}

}  // namespace

void* LazyLibrary::handle() {
  if (void* h = handle_.load(std::memory_order_acquire)) return h;
  std::lock_guard<std::mutex> lock(mutex_);
  if (void* h = handle_.load(std::memory_order_relaxed)) return h;
  void* h = dlopen(soname_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) throw Error(soname_, "cannot load the library (" + dl_error("unknown dlopen error") + ")");
  handle_.store(h, std::memory_order_release);
  return h;
}

void* LazyLibrary::symbol(const char* name) {
  void* h = handle();
  dlerror();  // clear a stale error: a symbol's address may be null
  void* address = dlsym(h, name);
  if (!address) throw Error(soname_, std::string("no symbol ") + name + " (" + dl_error("null address") + ")");
  return address;
}

}  // namespace shelf::store
