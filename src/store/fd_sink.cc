#include "store/fd_sink.h"

#include <unistd.h>

#include <cerrno>

#include "store/error.h"

namespace shelf::store {

FdSink::~FdSink() {
  try {
    flush();
  } catch (...) {
  }
}

void FdSink::write(std::string_view data) {
  if (data.size() >= kCapacity) {
    flush();
    return write_all(data);
  }
  if (buffer_.size() + data.size() > kCapacity) flush();
  buffer_.append(data);
}

void FdSink::flush() {
  std::string pending;
  pending.swap(buffer_);
  write_all(pending);
  buffer_.reserve(kCapacity);
}

void FdSink::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(name_, "cannot write: " + errno_text(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace shelf::store
