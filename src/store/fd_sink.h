// A buffered Sink writing to a file descriptor (stdout for `store dump`).
#pragma once

#include <string>

#include "store/sink.h"

namespace shelf::store {

class FdSink : public Sink {
 public:
  explicit FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) { buffer_.reserve(kCapacity); }
  ~FdSink() override;  // flushes, ignoring errors; call flush() to see them
  void write(std::string_view data) override;
  void flush();  // throws Error naming the destination

 private:
  static constexpr size_t kCapacity = 64 * 1024;  // larger writes bypass the buffer
  void write_all(std::string_view data);
  int fd_;
  std::string name_;
  std::string buffer_;
};

}  // namespace shelf::store
