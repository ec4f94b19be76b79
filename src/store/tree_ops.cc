#include "store/tree_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/fd.h"
#include "store/error.h"

namespace shelf::store {

namespace {

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (!dir) throw BadInput(path, "cannot open directory: " + errno_text(errno));
  errno = 0;
  while (dirent* d = readdir(dir)) {
    if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0) names.emplace_back(d->d_name);
  }
  int err = errno;
  closedir(dir);
  if (err) throw BadInput(path, "cannot read directory: " + errno_text(err));
  return names;
}

void copy_file(const std::string& source, const std::string& dest) {
  base::UniqueFd in(open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) throw BadInput(source, "cannot open: " + errno_text(errno));
  struct stat st;
  if (fstat(in.get(), &st) != 0) throw BadInput(source, "cannot stat: " + errno_text(errno));
  mode_t mode = (st.st_mode & S_IXUSR) ? 0755 : 0644;
  base::UniqueFd out(open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!out) throw Error(dest, "cannot create: " + errno_text(errno));
  // copy_file_range lets the kernel (or a reflink-capable file system) do the
  // copy; fall back to read/write where it is not supported.
  bool fallback = false;
  for (;;) {
    ssize_t n = copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n > 0) continue;
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
      fallback = true;
      break;
    }
    throw BadInput(source, "cannot copy: " + errno_text(errno));
  }
  if (fallback) {
    std::vector<char> buffer(1 << 20);
    for (;;) {
      ssize_t n = read(in.get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw BadInput(source, "cannot read: " + errno_text(errno));
      if (n == 0) break;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = write(out.get(), buffer.data() + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw Error(dest, "cannot write: " + errno_text(errno));
        done += w;
      }
    }
  }
}

void copy_symlink(const std::string& source, const std::string& dest) {
  std::string target(4096, '\0');
  ssize_t n = readlink(source.c_str(), target.data(), target.size());
  if (n < 0) throw BadInput(source, "cannot read symlink: " + errno_text(errno));
  target.resize(static_cast<size_t>(n));
  if (symlink(target.c_str(), dest.c_str()) != 0) throw Error(dest, "cannot create symlink: " + errno_text(errno));
}

}  // namespace

void copy_tree(const std::string& source, const std::string& dest) {
  struct stat st;
  if (lstat(source.c_str(), &st) != 0) throw BadInput(source, "cannot stat: " + errno_text(errno));
  if (S_ISREG(st.st_mode)) return copy_file(source, dest);
  if (S_ISLNK(st.st_mode)) return copy_symlink(source, dest);
  if (!S_ISDIR(st.st_mode))
    throw BadInput(source, "unsupported file type (socket, device or FIFO); only files, directories and symlinks can be stored");
  if (mkdir(dest.c_str(), 0700) != 0) throw Error(dest, "cannot create directory: " + errno_text(errno));
  for (const std::string& name : list_dir(source)) copy_tree(source + "/" + name, dest + "/" + name);
}

void canonicalise_tree(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) throw Error(path, "cannot stat: " + errno_text(errno));
  if (S_ISDIR(st.st_mode))
    for (const std::string& name : list_dir(path)) canonicalise_tree(path + "/" + name);
  if (!S_ISLNK(st.st_mode)) {
    mode_t mode = (S_ISDIR(st.st_mode) || (st.st_mode & S_IXUSR)) ? 0555 : 0444;
    if ((st.st_mode & 07777) != mode && chmod(path.c_str(), mode) != 0)
      throw Error(path, "cannot change mode: " + errno_text(errno));
  }
  if (geteuid() == 0 && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
      lchown(path.c_str(), geteuid(), getegid()) != 0)
    throw Error(path, "cannot change owner: " + errno_text(errno));
  const timespec times[2] = {{1, 0}, {1, 0}};
  if (utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error(path, "cannot set modification time: " + errno_text(errno));
}

void remove_tree(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw Error(path, "cannot stat: " + errno_text(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    if ((st.st_mode & 0700) != 0700) chmod(path.c_str(), (st.st_mode & 07777) | 0700);
    for (const std::string& name : list_dir(path)) remove_tree(path + "/" + name);
    if (rmdir(path.c_str()) != 0 && errno != ENOENT) throw Error(path, "cannot remove directory: " + errno_text(errno));
  } else if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw Error(path, "cannot remove: " + errno_text(errno));
  }
}

}  // namespace shelf::store
