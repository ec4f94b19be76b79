// Writing the entries of an open libarchive reader into a directory, one by
// one, refusing everything that could write outside it or that a NAR cannot
// hold. libarchive's own archive_write_disk is not used: its checks
// (ARCHIVE_EXTRACT_SECURE_*) follow the process's view of the file system,
// while here every entry is judged by the archive's own names, so a
// hostile archive is refused whole rather than partly extracted.
//
// Refused (BadInput naming the archive and the entry): absolute paths, any
// `..` component, writing below a symlink, symlinks whose target is absolute
// or climbs above the root (a `..` may only lead the target: `a/../b` could
// leave the root when `a` is itself a symlink), hard links to paths outside
// the root or not yet extracted, devices, FIFOs and sockets, and every error
// libarchive reports (truncated or corrupt stream).
#pragma once

#include <string>
#include <string_view>

struct archive;

namespace shelf::store {

// Reads every entry from `reader` (already opened) into the existing
// directory `root`. `file` names the archive in errors; `member` (may be
// empty) says where inside it the entries come from, e.g. "data.tar.xz".
void extract_entries(archive* reader, const std::string& root, const std::string& file, std::string_view member);

}  // namespace shelf::store
