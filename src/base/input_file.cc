#include "base/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "base/error.h"

namespace shelf::base {

UniqueFd open_regular_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) throw system_error(path, "cannot read", errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) throw system_error(path, "cannot stat", errno);
  if (S_ISDIR(st.st_mode)) throw Error(Error::Kind::bad_input, path, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) throw Error(Error::Kind::bad_input, path, "is not a regular file");
  return fd;
}

namespace {

std::string read_from(int fd, const std::string& path, uint64_t offset, uint64_t length) {
  std::string bytes;
  while (bytes.size() < length) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(length - bytes.size(), 1 << 20));
    size_t at = bytes.size();
    bytes.resize(at + chunk);
    ssize_t n = ::pread(fd, bytes.data() + at, chunk, static_cast<off_t>(offset + at));
    if (n < 0 && errno == EINTR) {
      bytes.resize(at);
      continue;
    }
    if (n < 0) throw system_error(path, "cannot read", errno);
    bytes.resize(at + static_cast<size_t>(n));
    if (n == 0) break;
  }
  return bytes;
}

}  // namespace

std::string read_range(const std::string& path, uint64_t offset, uint64_t length) {
  UniqueFd fd = open_regular_file(path);
  return read_from(fd.get(), path, offset, length);
}

std::string read_whole_file(const std::string& path) {
  UniqueFd fd = open_regular_file(path);
  return read_from(fd.get(), path, 0, UINT64_MAX);  // to the end, whatever the size said
}

}  // namespace shelf::base
