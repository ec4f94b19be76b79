#include "base/tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>

#include "base/error.h"
#include "base/output_file.h"

namespace shelf::base {

namespace {

std::atomic<bool> openat2_usable{true};

constexpr int kMaxLinks = 40;  // the kernel's own limit (MAXSYMLINKS)

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

std::string join_rel(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

std::string read_link_at(int dirfd, const std::string& name, const std::string& subject) {
  std::string target(256, '\0');
  for (;;) {
    ssize_t n = readlinkat(dirfd, name.c_str(), target.data(), target.size());
    if (n < 0) throw system_error(subject, "cannot read the symbolic link", errno);
    if (static_cast<size_t>(n) < target.size()) {
      target.resize(static_cast<size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

UniqueFd openat2_beneath(int root, const std::string& resolved, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const char* path = resolved.empty() ? "." : resolved.c_str();
  long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
  return UniqueFd(fd < 0 ? -1 : static_cast<int>(fd));
}

// The same without openat2: every component opened with O_NOFOLLOW.
UniqueFd walk_beneath(int root, const std::string& resolved, int flags, mode_t mode) {
  std::vector<std::string> parts = split(resolved);
  if (parts.empty()) return UniqueFd(::openat(root, ".", flags | O_CLOEXEC, mode));
  UniqueFd dir;
  int at = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    UniqueFd next(::openat(at, parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return next;
    dir = std::move(next);
    at = dir.get();
  }
  return UniqueFd(::openat(at, parts.back().c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode));
}

// The names in the open directory `dir` (not taken over), without "." and
// "..", sorted.
std::vector<std::string> names_in(int dir, const std::string& subject) {
  int listing = ::dup(dir);  // fdopendir takes its descriptor over
  DIR* d = listing >= 0 ? fdopendir(listing) : nullptr;
  if (!d) {
    if (listing >= 0) ::close(listing);
    throw system_error(subject, "cannot list the directory", errno);
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// rm -rf of `name` in `dir`, never following a link.
void remove_at(int dir, const std::string& name, const std::string& subject) {
  struct stat st {};
  if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw system_error(subject, "cannot look at", errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) throw system_error(subject, "cannot remove", errno);
    return;
  }
  UniqueFd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub && errno == EACCES && fchmodat(dir, name.c_str(), (st.st_mode & 07777) | 0700, 0) == 0)
    sub.reset(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub) throw system_error(subject, "cannot open the directory", errno);
  if ((st.st_mode & 0700) != 0700) (void)fchmod(sub.get(), (st.st_mode & 07777) | 0700);
  for (const std::string& n : names_in(sub.get(), subject)) remove_at(sub.get(), n, subject + "/" + n);
  if (unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    throw system_error(subject, "cannot remove the directory", errno);
}

void copy_file_at(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name,
                  const std::string& subject) {
  UniqueFd in(::openat(from_dir, from_name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!in) throw system_error(subject, "cannot read", errno);
  struct stat st {};
  if (fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) throw Error(Error::Kind::bad_input, subject, "is not a regular file");
  mode_t mode = (st.st_mode & S_IXUSR) ? 0755 : 0644;
  UniqueFd out(::openat(to_dir, to_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!out) throw system_error(subject, "cannot create the copy", errno);
  for (;;) {
    ssize_t n = copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n > 0) continue;
    if (n == 0) return;
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) break;
    throw system_error(subject, "cannot copy", errno);
  }
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw system_error(subject, "cannot read", errno);
    if (n == 0) return;
    write_all(out.get(), {buf.data(), static_cast<size_t>(n)}, subject);
  }
}

void copy_at(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name,
             const std::string& subject) {
  struct stat st {};
  if (fstatat(from_dir, from_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw system_error(subject, "cannot look at", errno);
  if (S_ISLNK(st.st_mode)) {
    std::string target = read_link_at(from_dir, from_name, subject);
    if (symlinkat(target.c_str(), to_dir, to_name.c_str()) != 0)
      throw system_error(subject, "cannot copy the symbolic link", errno);
  } else if (S_ISREG(st.st_mode)) {
    copy_file_at(from_dir, from_name, to_dir, to_name, subject);
  } else if (S_ISDIR(st.st_mode)) {
    struct stat there {};
    if (fstatat(to_dir, to_name.c_str(), &there, AT_SYMLINK_NOFOLLOW) != 0) {
      if (mkdirat(to_dir, to_name.c_str(), 0755) != 0) throw system_error(subject, "cannot create the directory", errno);
    } else if (!S_ISDIR(there.st_mode)) {
      throw Error(Error::Kind::conflict, subject, "is a directory where the destination holds something else");
    }
    UniqueFd src(::openat(from_dir, from_name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd dst(::openat(to_dir, to_name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!src || !dst) throw system_error(subject, "cannot open the directory", errno);
    for (const std::string& n : names_in(src.get(), subject)) {
      if (fstatat(dst.get(), n.c_str(), &there, AT_SYMLINK_NOFOLLOW) == 0) {
        struct stat mine {};
        if (fstatat(src.get(), n.c_str(), &mine, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(mine.st_mode) ||
            !S_ISDIR(there.st_mode))
          throw Error(Error::Kind::conflict, subject + "/" + n, "is installed twice");
      }
      copy_at(src.get(), n, dst.get(), n, subject + "/" + n);
    }
  } else {
    throw Error(Error::Kind::bad_input, subject, "is not a file, directory or symbolic link; it cannot be copied");
  }
}

void rename_entries(const Tree::Entry& a, const std::string& from, const Tree::Entry& b, const std::string& to,
                    bool replace) {
  if (renameat2(a.dir.get(), a.name.c_str(), b.dir.get(), b.name.c_str(), replace ? 0 : RENAME_NOREPLACE) == 0)
    return;
  int err = errno;
  if (err == EINVAL && !replace) {  // a file system without RENAME_NOREPLACE
    struct stat st {};
    if (fstatat(b.dir.get(), b.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
      throw Error(Error::Kind::conflict, to, "already exists");
    if (renameat(a.dir.get(), a.name.c_str(), b.dir.get(), b.name.c_str()) == 0) return;
    err = errno;
  }
  if (err == EEXIST) throw Error(Error::Kind::conflict, to, "already exists");
  throw system_error(from, "cannot move to " + to, err);
}

bool has_magic(const std::string& part) {
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '\\') {
      ++i;
      continue;
    }
    if (part[i] == '*' || part[i] == '?' || part[i] == '[') return true;
  }
  return false;
}

std::string unescape(const std::string& part) {
  std::string out;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '\\' && i + 1 < part.size()) ++i;
    out += part[i];
  }
  return out;
}

}  // namespace

void use_openat2_for_testing(bool use) { openat2_usable = use; }

Tree::Tree(const std::string& root, std::string display) : root_(root), display_(std::move(display)) {
  if (display_.empty()) display_ = root_;
  fd_.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd_) throw system_error(root, "cannot open the directory", errno);
}

std::string Tree::display(const std::string& rel) const { return rel.empty() ? display_ : display_ + "/" + rel; }

std::string Tree::path(const std::string& resolved) const { return resolved.empty() ? root_ : root_ + "/" + resolved; }

std::string Tree::resolve(const std::string& rel, bool follow_last) const {
  std::deque<std::string> todo;
  for (std::string& p : split(rel)) todo.push_back(std::move(p));
  std::vector<std::string> out;
  std::vector<UniqueFd> dirs;  // dirs[i]: the directory out[0..i]
  std::string via;             // the last link followed, for messages
  int links = 0;
  auto escape = [&](const std::string& how) -> Error {
    return Error(Error::Kind::bad_input, display(rel),
                 "leads out of the tree" + (via.empty() ? "" : " through the symbolic link " + via) + " (" + how + ")");
  };
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (out.empty()) throw escape("'..' above its root");
      out.pop_back();
      dirs.pop_back();
      continue;
    }
    bool last = todo.empty();
    int at = dirs.empty() ? fd_.get() : dirs.back().get();
    struct stat st {};
    if (fstatat(at, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      int err = errno;
      if (err == ENOENT)
        throw Error(Error::Kind::not_found, display(rel),
                    "'" + join_rel(join(out, out.size()), part) + "' does not exist");
      throw system_error(display(rel), "cannot look at '" + join_rel(join(out, out.size()), part) + "'", err);
    }
    if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
      if (++links > kMaxLinks) throw Error(Error::Kind::bad_input, display(rel), "too many levels of symbolic links");
      std::string name = join_rel(join(out, out.size()), part);
      std::string target = read_link_at(at, part, display(name));
      via = "'" + name + "' -> '" + target + "'";
      if (target.empty()) throw escape("an empty target");
      if (target.front() == '/') throw escape("an absolute target");
      std::vector<std::string> more = split(target);
      todo.insert(todo.begin(), more.begin(), more.end());
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode))
      throw Error(Error::Kind::not_found, display(rel), "'" + join_rel(join(out, out.size()), part) + "' is not a directory");
    out.push_back(part);
    if (!last) {
      UniqueFd next(::openat(at, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next) throw system_error(display(rel), "cannot open '" + join(out, out.size()) + "'", errno);
      dirs.push_back(std::move(next));
    }
  }
  return join(out, out.size());
}

UniqueFd Tree::open_resolved(const std::string& resolved, int flags, mode_t mode) const {
  for (const std::string& part : split(resolved))
    if (part == "..") throw Error(Error::Kind::internal, display(resolved), "an unresolved path was opened");
  UniqueFd fd;
  if (openat2_usable) {
    fd = openat2_beneath(fd_.get(), resolved, flags, mode);
    if (!fd && errno == ENOSYS) openat2_usable = false;
  }
  if (!openat2_usable) fd = walk_beneath(fd_.get(), resolved, flags, mode);
  if (!fd) {
    int err = errno;
    // The path was resolved without links: one there now was put there
    // since, or the caller named a link (never followed here).
    if (err == ELOOP || err == EXDEV)
      throw Error(Error::Kind::bad_input, display(resolved), "a symbolic link lies on the way; not followed");
    if (err == ENOTDIR)
      throw Error(Error::Kind::bad_input, display(resolved), "a component is not a directory (or is a link)");
    throw system_error(display(resolved), "cannot open", err);
  }
  return fd;
}

UniqueFd Tree::open(const std::string& rel, int flags, bool follow_last, mode_t mode) const {
  return open_resolved(resolve(rel, follow_last), flags, mode);
}

Tree::Entry Tree::entry(const std::string& rel) const {
  std::vector<std::string> parts = split(rel);
  if (parts.empty() || parts.back() == "..")
    throw Error(Error::Kind::bad_input, display(rel), "names no entry below the tree's root");
  Entry e;
  e.name = parts.back();
  e.dir_resolved = resolve(join(parts, parts.size() - 1), true);
  e.dir = open_resolved(e.dir_resolved, O_PATH | O_DIRECTORY);
  return e;
}

std::optional<struct stat> Tree::lstat(const std::string& rel) const {
  Entry e;
  try {
    e = entry(rel);
  } catch (const Error& err) {
    if (err.kind() == Error::Kind::not_found) return std::nullopt;
    throw;
  }
  struct stat st {};
  if (fstatat(e.dir.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  throw system_error(display(rel), "cannot look at", errno);
}

bool Tree::is_directory(const std::string& rel) const {
  try {
    return bool(open(rel, O_PATH | O_DIRECTORY));
  } catch (const Error&) {
    return false;
  }
}

void Tree::make_directories(const std::string& rel, mode_t mode) const {
  std::string done;  // resolved
  for (const std::string& part : split(rel)) {
    std::string next = join_rel(done, part);
    try {
      done = resolve(next, true);
    } catch (const Error& e) {
      if (e.kind() != Error::Kind::not_found) throw;
      Entry parent = entry(next);
      if (mkdirat(parent.dir.get(), parent.name.c_str(), mode) != 0)
        throw system_error(display(next), "cannot create the directory", errno);
      done = join_rel(parent.dir_resolved, parent.name);
      continue;
    }
    if (!is_directory(done)) throw Error(Error::Kind::conflict, display(next), "exists and is not a directory");
  }
}

void Tree::remove_all(const std::string& rel) const {
  Entry e;
  try {
    e = entry(rel);
  } catch (const Error& err) {
    if (err.kind() == Error::Kind::not_found) return;
    throw;
  }
  remove_at(e.dir.get(), e.name, display(rel));
}

void Tree::rename(const std::string& from, const std::string& to, bool replace) const {
  Entry a = entry(from), b = entry(to);
  rename_entries(a, display(from), b, display(to), replace);
}

void move_entry(const Tree& from, const std::string& from_rel, const Tree& to, const std::string& to_rel) {
  Tree::Entry a = from.entry(from_rel), b = to.entry(to_rel);
  rename_entries(a, from.display(from_rel), b, to.display(to_rel), false);
}

void Tree::hard_link(const std::string& from, const std::string& to) const {
  Entry a = entry(from), b = entry(to);
  // linkat to a temporary name, then renamed over `to`: never a moment
  // without `to`, and nothing planted is followed (linkat does not follow
  // `from` without AT_SYMLINK_FOLLOW).
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = "." + b.name + ".shelf-link-" + std::to_string(attempt);
    if (linkat(a.dir.get(), a.name.c_str(), b.dir.get(), temp.c_str(), 0) != 0) {
      if (errno == EEXIST) continue;
      throw system_error(display(to), "cannot link to " + display(from), errno);
    }
    if (renameat(b.dir.get(), temp.c_str(), b.dir.get(), b.name.c_str()) != 0) {
      int err = errno;
      unlinkat(b.dir.get(), temp.c_str(), 0);
      throw system_error(display(to), "cannot replace", err);
    }
    return;
  }
  throw Error(Error::Kind::io, display(to), "cannot find a free temporary name beside it");
}

void Tree::write_file(const std::string& rel, std::string_view bytes, mode_t mode) const {
  Entry e = entry(rel);
  ReplacementFile file(std::move(e.dir), e.name, display(rel));
  write_all(file.fd(), {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, display(rel));
  if (fchmod(file.fd(), mode) != 0) throw system_error(display(rel), "cannot set the mode", errno);
  file.commit();
}

std::vector<std::string> Tree::list(const std::string& rel) const {
  UniqueFd fd = open(rel, O_RDONLY | O_DIRECTORY);
  return names_in(fd.get(), display(rel));
}

std::vector<std::string> Tree::glob(const std::string& pattern) const {
  std::vector<std::string> parts = split(pattern);
  bool directories_only = !pattern.empty() && pattern.back() == '/';
  std::vector<std::string> matches{""};
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    std::vector<std::string> next;
    for (const std::string& prefix : matches) {
      // Only directories inside the tree are descended into.
      if (!prefix.empty() && !is_directory(prefix)) continue;
      std::vector<std::string> candidates;
      if (!has_magic(parts[i])) {
        candidates.push_back(join_rel(prefix, unescape(parts[i])));
      } else {
        for (const std::string& name : list(prefix))
          if (fnmatch(parts[i].c_str(), name.c_str(), FNM_PERIOD) == 0) candidates.push_back(join_rel(prefix, name));
      }
      for (std::string& c : candidates) {
        if (last ? !lstat(c).has_value() : !is_directory(c)) continue;
        if (last && directories_only && !is_directory(c)) continue;
        next.push_back(std::move(c));
      }
    }
    matches = std::move(next);
  }
  if (parts.empty()) return {};
  std::sort(matches.begin(), matches.end());
  return matches;
}

void copy_entry(const Tree& from, const std::string& from_rel, const Tree& to, const std::string& to_rel) {
  Tree::Entry a = from.entry(from_rel), b = to.entry(to_rel);
  copy_at(a.dir.get(), a.name, b.dir.get(), b.name, from.display(from_rel));
}

}  // namespace shelf::base
