// A directory tree shelf works in: the unpacked sources of a build, a store
// path being built, a tree given to autopatch. Every path found inside such
// a tree (an archive entry, a recipe's `remove`, `[install]`,
// `[patch.files]`, wrapper or desktop path, a file a walk finds) is resolved
// beneath its root. Symbolic links in the tree are data: one may be
// followed while it stays inside (lib/libfoo.so -> libfoo.so.1,
// share -> usr/share), never out of it (an absolute target, a `..` above
// the root), and an operation on an entry that is a link (remove, rename,
// replace) acts on the link itself.
//
// A path is first resolved component by component (readlinkat on
// directory descriptors, never through the process's view of the file
// system), then opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS), so a link swapped in after the resolution makes
// the open fail instead of escaping. Where the kernel has no openat2
// (before 5.6) every component is opened with O_NOFOLLOW instead.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/fd.h"

namespace shelf::base {

class Tree {
 public:
  // `root` is named by the user or made by shelf, so it is followed.
  // `display` names the tree in errors (default: `root`), e.g. "$out".
  explicit Tree(const std::string& root, std::string display = "");

  const std::string& root() const { return root_; }
  int fd() const { return fd_.get(); }
  // `display/rel`, for messages.
  std::string display(const std::string& rel) const;
  // `root/rel`, for the few readers that take a path (the result must have
  // come from resolve(), so no link lies on the way).
  std::string path(const std::string& resolved) const;

  // `rel` with every link on the way resolved (the last component only
  // when `follow_last`): a relative path without ".", ".." or links ("" is
  // the root). Throws Error: bad_input when it leads out of the tree,
  // not_found when a component is missing.
  std::string resolve(const std::string& rel, bool follow_last) const;

  // Opens a resolved path without following any link (O_NOFOLLOW applies
  // to the last component as well).
  UniqueFd open_resolved(const std::string& resolved, int flags, mode_t mode = 0) const;
  // resolve() then open_resolved().
  UniqueFd open(const std::string& rel, int flags, bool follow_last = true, mode_t mode = 0) const;

  // The directory holding the entry `rel` names (links on the way resolved),
  // and the entry's name in it; the entry itself is not followed.
  struct Entry {
    UniqueFd dir;
    std::string dir_resolved;  // the directory, as resolve() gives it
    std::string name;
  };
  Entry entry(const std::string& rel) const;

  // The entry's status, not following it; nullopt when it does not exist.
  std::optional<struct stat> lstat(const std::string& rel) const;
  // Whether `rel` leads to a directory inside the tree (links followed).
  bool is_directory(const std::string& rel) const;

  // mkdir -p beneath the root; an existing link to a directory inside the
  // tree is followed, one leading out is an error.
  void make_directories(const std::string& rel, mode_t mode = 0755) const;
  // rm -rf of the entry (a link is removed, never what it names); read-only
  // directories are made writable first. Absent is fine.
  void remove_all(const std::string& rel) const;
  // Moves the entry `from` (a link moves as a link) to `to`, which must not
  // exist unless `replace`.
  void rename(const std::string& from, const std::string& to, bool replace = false) const;
  // Makes `to` another name of the file `from` (hard link, links on the way
  // resolved, `from` itself not followed), replacing what `to` named.
  void hard_link(const std::string& from, const std::string& to) const;
  // A new file `rel` holding `bytes` with `mode`, made beside it with
  // O_EXCL and renamed into place; an entry already there is replaced when
  // it is a regular file or a link (the link, not its target), refused
  // otherwise.
  void write_file(const std::string& rel, std::string_view bytes, mode_t mode) const;
  // The names in directory `rel` (links followed inside the tree), sorted.
  std::vector<std::string> list(const std::string& rel) const;
  // glob(7) below the root: '*', '?' and '[...]' within a component, a
  // leading '.' matched only explicitly. Matches are entries as they are
  // (a link is matched, not followed); a link leading out of the tree is
  // never descended into. Sorted relative paths.
  std::vector<std::string> glob(const std::string& pattern) const;

 private:
  std::string root_, display_;
  UniqueFd fd_;
};

// Moves the entry `from_rel` of `from` to the new entry `to_rel` of `to`
// (both trees on one file system), refusing to replace anything.
void move_entry(const Tree& from, const std::string& from_rel, const Tree& to, const std::string& to_rel);

// Copies the entry `from_rel` of `from` (a file, a link as a link, a
// directory with everything in it, links inside never followed) to the new
// entry `to_rel` of `to`, whose parent directory must exist. Only the
// executable bit of a file's mode is kept (0755 or 0644).
void copy_entry(const Tree& from, const std::string& from_rel, const Tree& to, const std::string& to_rel);

// Tests only: resolve with the O_NOFOLLOW walk even where openat2 exists.
void use_openat2_for_testing(bool use);

}  // namespace shelf::base
