#include "store/safe_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "base/fd.h"
#include "store/error.h"

namespace shelf::store {

namespace {

using Parts = std::vector<std::string>;

// Splits an archive name into components, dropping empty ones and ".";
// `absolute` and `dotdot` report what makes the name unusable.
Parts split_name(std::string_view name, bool& absolute, bool& dotdot) {
  absolute = !name.empty() && name.front() == '/';
  dotdot = false;
  Parts parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") dotdot = true;
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

std::string join(const std::string& root, const Parts& parts, size_t count) {
  std::string path = root;
  for (size_t i = 0; i < count; ++i) path += "/" + parts[i];
  return path;
}

class Extractor {
 public:
  Extractor(archive* reader, const std::string& root, const std::string& file, std::string_view member)
      : reader_(reader), root_(root), file_(file), member_(member) {}

  void run() {
    std::string previous;
    for (;;) {
      archive_entry* entry = nullptr;
      int rc = archive_read_next_header(reader_, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN)
        fail(previous.empty() ? "cannot read the first entry: " + library_error()
                              : "cannot read the entry after '" + previous + "': " + library_error());
      const char* name = archive_entry_pathname(entry);
      if (!name) fail("an entry name cannot be decoded: " + library_error());
      previous = name;
      extract(entry, name);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw BadInput(file_, member_.empty() ? reason : "in " + member_ + ": " + reason);
  }
  [[noreturn]] void refuse(const std::string& entry, const std::string& why) const {
    fail("entry '" + entry + "': " + why);
  }
  std::string library_error() const {
    const char* text = archive_error_string(reader_);
    return text ? text : "unknown libarchive error";
  }

  // The entry's name as components below the root, or a refusal.
  Parts parts_of(const std::string& entry, std::string_view name, const char* what) const {
    bool absolute = false, dotdot = false;
    Parts parts = split_name(name, absolute, dotdot);
    if (absolute) refuse(entry, std::string(what) + " is an absolute path");
    if (dotdot) refuse(entry, std::string(what) + " contains a '..' component");
    return parts;
  }

  // Makes sure every directory above `parts` exists as a real directory
  // (created when missing), never a symlink or a file.
  void make_parents(const std::string& entry, const Parts& parts) const {
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      std::string dir = join(root_, parts, i + 1);
      struct stat st;
      if (lstat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) throw Error(dir, "cannot stat: " + errno_text(errno));
        if (mkdir(dir.c_str(), 0755) != 0) throw Error(dir, "cannot create directory: " + errno_text(errno));
      } else if (S_ISLNK(st.st_mode)) {
        refuse(entry, "would be written through the symlink '" + join("", parts, i + 1).substr(1) + "'");
      } else if (!S_ISDIR(st.st_mode)) {
        refuse(entry, "'" + join("", parts, i + 1).substr(1) + "' is not a directory");
      }
    }
  }

  // Clears the way for a non-directory at `path`: an earlier entry of the
  // same name is replaced (as tar does), a directory is not.
  void replace_existing(const std::string& entry, const std::string& path) const {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) refuse(entry, "an earlier entry made it a directory");
    if (unlink(path.c_str()) != 0) throw Error(path, "cannot replace: " + errno_text(errno));
  }

  void extract(archive_entry* entry, const std::string& name) {
    Parts parts = parts_of(name, name, "the name");
    mode_t type = archive_entry_filetype(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    if (parts.empty()) {
      if (type == AE_IFDIR && !hardlink) return;  // "./": the root itself
      refuse(name, "names the extraction root");
    }
    make_parents(name, parts);
    std::string path = join(root_, parts, parts.size());
    if (hardlink) return write_hardlink(name, path, hardlink);
    switch (type) {
      case AE_IFDIR: return write_directory(name, path);
      case AE_IFREG: return write_file(entry, name, path);
      case AE_IFLNK: return write_symlink(entry, name, parts, path);
      case AE_IFCHR: refuse(name, "is a character device; devices cannot be stored");
      case AE_IFBLK: refuse(name, "is a block device; devices cannot be stored");
      case AE_IFIFO: refuse(name, "is a FIFO; FIFOs cannot be stored");
      case AE_IFSOCK: refuse(name, "is a socket; sockets cannot be stored");
      default: refuse(name, "has an unknown file type");
    }
  }

  void write_directory(const std::string& entry, const std::string& path) const {
    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return;
      refuse(entry, "an earlier entry of this name is not a directory");
    }
    if (mkdir(path.c_str(), 0755) != 0) throw Error(path, "cannot create directory: " + errno_text(errno));
  }

  void write_file(archive_entry* entry, const std::string& name, const std::string& path) {
    replace_existing(name, path);
    // Only the owner's executable bit survives into the NAR (see canonicalise_tree).
    mode_t mode = (archive_entry_perm(entry) & S_IXUSR) ? 0755 : 0644;
    base::UniqueFd out(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!out) throw Error(path, "cannot create: " + errno_text(errno));
    int64_t end = 0;
    for (;;) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int rc = archive_read_data_block(reader_, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN) refuse(name, "cannot read its data: " + library_error());
      // Blocks come with their offset, so sparse files keep their holes.
      for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(out.get(), static_cast<const char*>(block) + done, size - done,
                           static_cast<off_t>(offset) + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path, "cannot write: " + errno_text(errno));
        done += static_cast<size_t>(n);
      }
      end = std::max<int64_t>(end, offset + static_cast<int64_t>(size));
    }
    if (archive_entry_size_is_set(entry)) end = std::max<int64_t>(end, archive_entry_size(entry));
    if (ftruncate(out.get(), static_cast<off_t>(end)) != 0) throw Error(path, "cannot set size: " + errno_text(errno));
  }

  void write_symlink(archive_entry* entry, const std::string& name, const Parts& parts, const std::string& path) const {
    const char* target_c = archive_entry_symlink(entry);
    std::string target = target_c ? target_c : "";
    if (target.empty()) refuse(name, "is a symlink with an empty target");
    if (target.front() == '/') refuse(name, "is a symlink to the absolute path '" + target + "'");
    // Leading '..'s climb from the link's directory, which is a real
    // directory `parts.size() - 1` levels below the root.
    size_t climbs = 0;
    bool descended = false;
    bool absolute = false, dotdot = false;
    for (const std::string& part : split_name(target, absolute, dotdot)) {
      if (part != "..") {
        descended = true;
      } else if (descended) {
        refuse(name, "is a symlink to '" + target + "', which has '..' after a directory name and may resolve outside");
      } else {
        ++climbs;
      }
    }
    if (climbs > parts.size() - 1) refuse(name, "is a symlink to '" + target + "', which points outside the archive");
    replace_existing(name, path);
    if (symlink(target.c_str(), path.c_str()) != 0) throw Error(path, "cannot create symlink: " + errno_text(errno));
  }

  void write_hardlink(const std::string& name, const std::string& path, std::string_view target) const {
    Parts target_parts = parts_of(name, target, "its hard link target");
    if (target_parts.empty()) refuse(name, "is a hard link to the extraction root");
    // The target must be a regular file extracted earlier, reached through
    // real directories only.
    for (size_t i = 0; i < target_parts.size(); ++i) {
      struct stat st;
      std::string at = join(root_, target_parts, i + 1);
      bool last = i + 1 == target_parts.size();
      if (lstat(at.c_str(), &st) != 0 || (last ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)))
        refuse(name,
               "is a hard link to '" + std::string(target) + "', which is not a regular file extracted before it");
    }
    std::string source = join(root_, target_parts, target_parts.size());
    if (source == path) return;  // a link to itself: already there
    replace_existing(name, path);
    if (link(source.c_str(), path.c_str()) != 0) throw Error(path, "cannot create hard link: " + errno_text(errno));
  }

  archive* reader_;
  const std::string& root_;
  const std::string& file_;
  std::string member_;
};

}  // namespace

void extract_entries(archive* reader, const std::string& root, const std::string& file, std::string_view member) {
  Extractor(reader, root, file, member).run();
}

}  // namespace shelf::store
