// Device nodes, FIFOs and sockets made in a test's own temporary directory
// (never the machine's /dev), and a reader for a FIFO that the test holds
// open while shelf writes into it.
#pragma once

#include <sys/types.h>

#include <string>
#include <thread>

namespace shelf::test {

// mknod DIR/NAME as a character (c) or block (b) device; fails the test
// when that is not allowed.
std::string make_device(const std::string& dir, const std::string& name, char type, unsigned major,
                        unsigned minor);
std::string make_fifo(const std::string& dir, const std::string& name);
// A bound Unix socket at DIR/NAME (closed again; the socket file stays).
std::string make_socket(const std::string& dir, const std::string& name);

// "c 1:3", "b 7:200", "fifo", "socket", "regular", "missing", ... for
// assertions that a special file is still what it was.
std::string file_type(const std::string& path);

// Opens a FIFO for reading at once (so a writer opening it without
// blocking finds a reader) and collects everything written until the
// writer closes it, or until `seconds` pass.
class FifoReader {
 public:
  explicit FifoReader(const std::string& fifo, int seconds = 60);
  ~FifoReader();
  // Waits for the writer to close; returns what was read.
  std::string finish();

 private:
  int fd_ = -1;
  int seconds_;
  std::string data_;
  std::thread thread_;
};

// Names of the entries of `dir` holding ".shelf-" (temporary files).
std::string leftovers(const std::string& dir);

}  // namespace shelf::test
