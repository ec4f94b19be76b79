// Advisory file locks (flock) as RAII values, like Nix's PathLocks. The lock
// is released when the value dies, and by the kernel when the process dies,
// so a kill -9 never leaves a stale lock behind.
#pragma once

#include <optional>
#include <string>

namespace shelf::store {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Blocks until the lock on `path` (created if missing) is granted.
  FileLock(const std::string& path, Mode mode);
  // Returns nullopt instead of waiting when someone else holds it.
  static std::optional<FileLock> try_lock(const std::string& path, Mode mode);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_), mode_(other.mode_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

  Mode mode() const { return mode_; }

 private:
  FileLock(int fd, Mode mode) : fd_(fd), mode_(mode) {}
  static int open_lock_file(const std::string& path);
  int fd_;
  Mode mode_;
};

}  // namespace shelf::store
