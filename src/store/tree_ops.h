// File-tree operations the store performs on disk: copying an input tree
// (refusing what a NAR cannot hold), canonicalising metadata the way Nix
// does, and removing read-only trees.
#pragma once

#include <string>

namespace shelf::store {

// Copies `source` (directory, regular file or symlink; not followed) to the
// new path `dest`, keeping only what a NAR keeps (type, contents, the
// executable bit, symlink targets). Throws BadInput naming the first
// socket, device, FIFO or unreadable file.
void copy_tree(const std::string& source, const std::string& dest);

// Nix's canonicalisePathMetaData: every entry gets mtime 1 (the epoch plus
// one second), mode 0444 or 0555 (executables and directories; no write,
// setuid, setgid or sticky bits) and, when running as root, our own uid/gid.
void canonicalise_tree(const std::string& path);

// rm -rf that first makes read-only directories writable.
void remove_tree(const std::string& path);

}  // namespace shelf::store
