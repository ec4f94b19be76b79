#include "patch/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "elf/error.h"

namespace shelf::patch {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what, int err) {
  throw elf::Error(file, what + ": " + std::strerror(err));
}

// Closes and (unless released) unlinks the temporary file on every exit path.
class TempFile {
 public:
  explicit TempFile(const std::string& target) {
    std::filesystem::path t(target);
    std::filesystem::path dir = t.has_parent_path() ? t.parent_path() : std::filesystem::path(".");
    path_ = (dir / ("." + t.filename().string() + ".shelf-XXXXXX")).string();
    fd_ = mkstemp(path_.data());
    if (fd_ < 0) fail(target, "cannot create a temporary file in " + dir.string(), errno);
  }
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!released_) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  void close_file(const std::string& target) {
    int rc = close(fd_);
    fd_ = -1;
    if (rc != 0) fail(target, "cannot write " + path_, errno);
  }
  void release() { released_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool released_ = false;
};

void write_all(int fd, const uint8_t* data, size_t size, uint64_t offset, const std::string& what,
               const std::string& target) {
  while (size > 0) {
    ssize_t n = pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(target, "cannot write " + what, errno);
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

std::vector<uint8_t> read_all(int fd, const std::string& target) {
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(target, "cannot read", errno);
    if (n == 0) return out;
    out.insert(out.end(), buf, buf + n);
  }
}

// The --in-place path: the checked bytes go into the existing inode. Space is
// reserved first so a full disk fails before any byte of the target changes.
void rewrite_inode(const std::string& target, std::span<const uint8_t> bytes) {
  int fd = open(target.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(target, "cannot open for writing", errno);
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  std::vector<uint8_t> now = read_all(fd, target);
  if (bytes.size() > now.size() && fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes.size())) != 0 &&
      errno != EOPNOTSUPP)
    fail(target, "cannot reserve " + std::to_string(bytes.size()) + " bytes", errno);
  // Only the differing runs are written: an in-place edit touches a few bytes.
  for (size_t i = 0; i < bytes.size();) {
    if (i < now.size() && now[i] == bytes[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < bytes.size() && !(j < now.size() && now[j] == bytes[j])) ++j;
    write_all(fd, bytes.data() + i, j - i, i, target, target);
    i = j;
  }
  if (bytes.size() < now.size() && ftruncate(fd, static_cast<off_t>(bytes.size())) != 0)
    fail(target, "cannot truncate", errno);
  if (fsync(fd) != 0) fail(target, "cannot sync", errno);
}

}  // namespace

void write_atomically(const std::string& target_name, std::span<const uint8_t> bytes, const std::string& like,
                      const OutputOptions& options, const std::function<void(const std::string&)>& check) {
  // Patching through a symlink (libfoo.so -> libfoo.so.1) edits the file it
  // names; the link stays a link.
  std::string target = target_name;
  std::error_code ec;
  if (std::filesystem::is_symlink(target, ec)) {
    std::filesystem::path real = std::filesystem::canonical(target, ec);
    if (ec) fail(target, "cannot resolve the symbolic link", ec.value());
    target = real.string();
  }
  struct stat st{};
  if (stat(like.c_str(), &st) != 0) fail(like, "cannot stat", errno);
  TempFile temp(target);
  write_all(temp.fd(), bytes.data(), bytes.size(), 0, temp.path(), target);
  if (fsync(temp.fd()) != 0) fail(target, "cannot sync " + temp.path(), errno);
  if (fchmod(temp.fd(), st.st_mode & 07777) != 0) fail(target, "cannot set the mode of " + temp.path(), errno);
  // Keeping the owner needs privileges; without them the file is ours, which
  // is what an unprivileged rewrite can do (and what patchelf does).
  if (fchown(temp.fd(), st.st_uid, st.st_gid) != 0 && errno != EPERM)
    fail(target, "cannot set the owner of " + temp.path(), errno);
  temp.close_file(target);
  check(temp.path());
  if (options.keep_inode && access(target.c_str(), F_OK) == 0) {
    rewrite_inode(target, bytes);
    return;  // the temporary copy is removed by TempFile
  }
  if (rename(temp.path().c_str(), target.c_str()) != 0) fail(target, "cannot replace", errno);
  temp.release();
}

}  // namespace shelf::patch
