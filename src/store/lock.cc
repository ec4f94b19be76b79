#include "store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "store/error.h"

namespace shelf::store {

int FileLock::open_lock_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(path, "cannot open lock file: " + errno_text(errno));
  return fd;
}

FileLock::FileLock(const std::string& path, Mode mode) : fd_(open_lock_file(path)), mode_(mode) {
  int op = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  while (flock(fd_, op) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    close(fd_);
    throw Error(path, "cannot lock: " + errno_text(err));
  }
}

std::optional<FileLock> FileLock::try_lock(const std::string& path, Mode mode) {
  int fd = open_lock_file(path);
  int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  while (flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) return std::nullopt;
    throw Error(path, "cannot lock: " + errno_text(err));
  }
  return FileLock(fd, mode);
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace shelf::store
