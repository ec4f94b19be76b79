#include "patch/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "elf/error.h"
#include "elf/mapped_file.h"

namespace shelf::patch {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what, int err) {
  throw elf::Error(file, what + ": " + std::strerror(err));
}

// Closes a descriptor on every exit path.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Closes and (unless released) unlinks the temporary file on every exit path.
class TempFile {
 public:
  explicit TempFile(const std::string& target) {
    std::filesystem::path t(target);
    std::filesystem::path dir = t.has_parent_path() ? t.parent_path() : std::filesystem::path(".");
    path_ = (dir / ("." + t.filename().string() + ".shelf-XXXXXX")).string();
    fd_ = mkostemp(path_.data(), O_CLOEXEC);
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

void write_all(int fd, const uint8_t* data, uint64_t size, uint64_t offset, const std::string& what,
               const std::string& target) {
  while (size > 0) {
    ssize_t n = pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(target, "cannot write " + what, errno);
    if (n == 0) fail(target, "cannot write " + what, EIO);
    data += n;
    size -= static_cast<uint64_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

// Copies [0, size) of `from` to the same offsets of `to` inside the kernel;
// where copy_file_range cannot (old kernels, some file systems), through a
// small buffer.
void copy_range(int from, int to, uint64_t size, const std::string& what, const std::string& target) {
  loff_t in = 0, out = 0;
  while (static_cast<uint64_t>(in) < size) {
    ssize_t n = copy_file_range(from, &in, to, &out, size - static_cast<uint64_t>(in), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP)) break;
    if (n < 0) fail(target, "cannot write " + what, errno);
    if (n == 0) fail(target, "the input shrank while it was copied to " + what, EIO);
  }
  std::vector<uint8_t> buf(1 << 20);
  for (uint64_t at = static_cast<uint64_t>(in); at < size;) {
    ssize_t n = pread(from, buf.data(), std::min<uint64_t>(buf.size(), size - at), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(target, "cannot read the input", n < 0 ? errno : EIO);
    write_all(to, buf.data(), static_cast<uint64_t>(n), at, what, target);
    at += static_cast<uint64_t>(n);
  }
}

// The result into a fresh file: unchanged bytes copied from the input, then
// the changed runs and the appended bytes from memory.
void write_result(int fd, const Image& image, const std::vector<ByteRun>& changed, const std::string& what,
                  const std::string& target) {
  std::span<const uint8_t> result = image.bytes();
  uint64_t common = std::min(image.size(), image.input_size());
  copy_range(image.fd(), fd, common, what, target);
  for (const ByteRun& r : changed) write_all(fd, result.data() + r.offset, r.size, r.offset, what, target);
  if (image.size() > common)
    write_all(fd, result.data() + common, image.size() - common, common, what, target);
  if (ftruncate(fd, static_cast<off_t>(image.size())) != 0) fail(target, "cannot size " + what, errno);
}

// --in-place on the input: the appended bytes first (past the old end, so
// the original stays intact until they are all there), then the changed
// runs; a failure undoes what was written, as far as it can.
void patch_inode(int fd, const Image& image, const std::vector<ByteRun>& changed, const std::string& target,
                 bool sync) {
  struct stat st {};
  if (fstat(fd, &st) != 0) fail(target, "cannot stat", errno);
  uint64_t old_size = image.input_size();
  if (static_cast<uint64_t>(st.st_size) != old_size) fail(target, "the file changed while it was patched", EBUSY);
  std::span<const uint8_t> result = image.bytes(), original = image.original();
  std::vector<std::vector<uint8_t>> saved;  // originals of the runs, to roll back
  for (const ByteRun& r : changed) saved.emplace_back(original.begin() + r.offset, original.begin() + r.offset + r.size);
  size_t written = 0;
  try {
    if (image.size() > old_size) write_all(fd, result.data() + old_size, image.size() - old_size, old_size, target, target);
    for (; written < changed.size(); ++written)
      write_all(fd, result.data() + changed[written].offset, changed[written].size, changed[written].offset, target,
                target);
    if (image.size() < old_size && ftruncate(fd, static_cast<off_t>(image.size())) != 0)
      fail(target, "cannot truncate", errno);
    if (sync && fsync(fd) != 0) fail(target, "cannot sync", errno);
  } catch (const elf::Error&) {
    for (size_t i = 0; i < written; ++i)
      (void)!pwrite(fd, saved[i].data(), saved[i].size(), static_cast<off_t>(changed[i].offset));
    (void)!ftruncate(fd, static_cast<off_t>(old_size));
    throw;
  }
}

bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void check_file(const std::string& path, const ResultCheck& check) {
  elf::MappedFile written(path);
  check(path, written.bytes());
}

}  // namespace

void write_atomically(const std::string& target_name, const Image& image, const std::vector<ByteRun>& changed,
                      const OutputOptions& options, const ResultCheck& check) {
  // Patching through a symlink (libfoo.so -> libfoo.so.1) edits the file it
  // names; the link stays a link.
  std::string target = target_name;
  std::error_code ec;
  if (std::filesystem::is_symlink(target, ec)) {
    std::filesystem::path real = std::filesystem::canonical(target, ec);
    if (ec) fail(target, "cannot resolve the symbolic link", ec.value());
    target = real.string();
  }
  Fd existing;
  if (options.keep_inode) {
    existing.fd = open(target.c_str(), O_RDWR | O_CLOEXEC);
    if (existing.fd < 0 && errno != ENOENT) fail(target, "cannot open for writing", errno);
    if (existing.fd >= 0 && same_file(existing.fd, image.fd())) {
      check(target, image.bytes());  // before any byte of the target changes
      patch_inode(existing.fd, image, changed, target, options.sync);
      return;
    }
  }
  struct stat st {};
  if (fstat(image.fd(), &st) != 0) fail(image.path(), "cannot stat", errno);
  TempFile temp(target);
  write_result(temp.fd(), image, changed, temp.path(), target);
  if (options.sync && fsync(temp.fd()) != 0) fail(target, "cannot sync " + temp.path(), errno);
  if (fchmod(temp.fd(), st.st_mode & 07777) != 0) fail(target, "cannot set the mode of " + temp.path(), errno);
  // Keeping the owner needs privileges; without them the file is ours, which
  // is what an unprivileged rewrite can do (and what patchelf does).
  if (fchown(temp.fd(), st.st_uid, st.st_gid) != 0 && errno != EPERM)
    fail(target, "cannot set the owner of " + temp.path(), errno);
  temp.close_file(target);
  check_file(temp.path(), check);
  if (existing.fd >= 0) {
    // --in-place onto another existing file (--output): its inode gets the
    // checked copy's bytes.
    Fd copy(open(temp.path().c_str(), O_RDONLY | O_CLOEXEC));
    if (copy.fd < 0) fail(target, "cannot read " + temp.path(), errno);
    copy_range(copy.fd, existing.fd, image.size(), target, target);
    if (ftruncate(existing.fd, static_cast<off_t>(image.size())) != 0) fail(target, "cannot truncate", errno);
    if (options.sync && fsync(existing.fd) != 0) fail(target, "cannot sync", errno);
    return;  // the temporary copy is removed by TempFile
  }
  if (rename(temp.path().c_str(), target.c_str()) != 0) fail(target, "cannot replace", errno);
  temp.release();
}

}  // namespace shelf::patch
