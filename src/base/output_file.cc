#include "base/output_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "base/error.h"

namespace shelf::base {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& named, const std::string& why) {
  throw Error(Error::Kind::bad_input, named, why);
}

// Opens a device or FIFO for writing without waiting for a reader, then
// makes the descriptor blocking again so writes wait for a slow reader
// instead of failing with EAGAIN.
UniqueFd open_stream(const std::string& named, const std::string& path, const struct stat& seen) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENXIO && S_ISFIFO(seen.st_mode))
      refuse(named, "is a FIFO that nobody reads; not written (start the reader first)");
    throw WriteError(WriteError::Step::open, named, "cannot open for writing", errno);
  }
  struct stat now {};
  if (fstat(fd.get(), &now) != 0) throw WriteError(WriteError::Step::open, named, "cannot stat", errno);
  if (now.st_dev != seen.st_dev || now.st_ino != seen.st_ino || (now.st_mode & S_IFMT) != (seen.st_mode & S_IFMT))
    refuse(named, "changed while it was opened");
  int flags = fcntl(fd.get(), F_GETFL);
  if (flags < 0 || fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
    throw WriteError(WriteError::Step::open, named, "cannot set up for writing", errno);
  return fd;
}

const char* type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is not a regular file";
}

// A new file must not take a replaced file's place unless the caller may
// write that file. access() with AT_EACCESS asks with the effective ids, as
// the open() patchelf does would; ETXTBSY (a running program) is no
// obstacle to replacing it by rename.
void require_write_access(const std::string& named, const std::string& path) {
  if (faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0 || errno == ETXTBSY) return;
  throw WriteError(WriteError::Step::open, named, "cannot write", errno);
}

}  // namespace

OutputTarget OutputTarget::open(const std::string& named) {
  OutputTarget out;
  out.named_ = named;
  out.path_ = named;
  if (named.empty()) throw Error(Error::Kind::usage, "", "the output path is empty");
  struct stat st {};
  if (::stat(named.c_str(), &st) != 0) {
    int err = errno;
    struct stat link {};
    if (err == ENOENT && ::lstat(named.c_str(), &link) == 0)
      refuse(named, "is a symbolic link to a file that does not exist");
    if (err != ENOENT) throw WriteError(WriteError::Step::open, named, "cannot look at the output", err);
    out.kind_ = Kind::absent;
    return out;
  }
  std::error_code ec;
  fs::path real = fs::canonical(named, ec);
  if (ec) throw WriteError(WriteError::Step::open, named, "cannot resolve the path", ec.value());
  out.path_ = real.string();
  out.status_ = st;
  if (S_ISREG(st.st_mode)) {
    require_write_access(named, out.path_);
    out.kind_ = Kind::regular;
  } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
    out.stream_ = open_stream(named, out.path_, st);
    out.kind_ = Kind::stream;
  } else {
    refuse(named, std::string(type_name(st.st_mode)) + "; only a regular file is replaced, and only a character "
                                                        "device or a FIFO is written into");
  }
  return out;
}

void write_all(int fd, std::span<const uint8_t> bytes, const std::string& subject) {
  const uint8_t* at = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, at, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {  // a non-blocking descriptor: wait until it takes more
      pollfd p{fd, POLLOUT, 0};
      (void)poll(&p, 1, -1);
      continue;
    }
    if (n < 0) throw WriteError(WriteError::Step::write, subject, "cannot write", errno);
    if (n == 0) throw WriteError(WriteError::Step::write, subject, "cannot write", EIO);
    at += n;
    left -= static_cast<size_t>(n);
  }
}

ReplacementFile::ReplacementFile(const std::string& target) : display_(target) {
  fs::path t(target);
  fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
  name_ = t.filename().string();
  dir_.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_) throw WriteError(WriteError::Step::open, target, "cannot open the directory " + dir.string(), errno);
  create();
}

ReplacementFile::ReplacementFile(UniqueFd dir, std::string name, std::string display)
    : dir_(std::move(dir)), name_(std::move(name)), display_(std::move(display)) {
  create();
}

void ReplacementFile::create() {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned char bytes[6];
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
      for (unsigned char& b : bytes) b = static_cast<unsigned char>(std::rand());
    std::string suffix;
    for (unsigned char b : bytes) suffix += kChars[b % (sizeof kChars - 1)];
    temp_name_ = "." + name_ + ".shelf-" + suffix;
    fd_.reset(::openat(dir_.get(), temp_name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd_ || errno != EEXIST) break;
  }
  if (!fd_) throw WriteError(WriteError::Step::open, display_, "cannot create a temporary file beside it", errno);
}

ReplacementFile::~ReplacementFile() {
  fd_.reset();
  if (!committed_ && !temp_name_.empty()) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
}

std::string ReplacementFile::display_path() const {
  fs::path t(display_);
  return (t.has_parent_path() ? (t.parent_path() / temp_name_) : fs::path(temp_name_)).string();
}

UniqueFd ReplacementFile::reopen() const {
  UniqueFd fd(::openat(dir_.get(), temp_name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) throw system_error(display_, "cannot read back " + display_path(), errno);
  return fd;
}

void ReplacementFile::close() {
  if (!fd_) return;
  int rc = ::close(fd_.release());
  if (rc != 0) throw WriteError(WriteError::Step::close, display_, "cannot write " + display_path(), errno);
}

void ReplacementFile::commit() {
  close();
  struct stat st {};
  if (fstatat(dir_.get(), name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
      !S_ISLNK(st.st_mode))
    refuse(display_, std::string(type_name(st.st_mode)) + "; it is not replaced");
  if (::renameat(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str()) != 0)
    throw WriteError(WriteError::Step::close, display_, "cannot replace", errno);
  committed_ = true;
}

void write_output(const std::string& named, std::string_view bytes, mode_t mode) {
  std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  OutputTarget out = OutputTarget::open(named);
  if (out.kind() == OutputTarget::Kind::stream) {
    write_all(out.stream_fd(), data, named);
    return;
  }
  ReplacementFile file(out.path());
  write_all(file.fd(), data, named);
  if (fchmod(file.fd(), mode) != 0) throw WriteError(WriteError::Step::close, named, "cannot set the mode", errno);
  if (out.kind() == OutputTarget::Kind::regular &&
      fchown(file.fd(), out.status().st_uid, out.status().st_gid) != 0 && errno != EPERM)
    throw WriteError(WriteError::Step::close, named, "cannot keep the owner", errno);
  file.commit();
}

}  // namespace shelf::base
