// `store import`: unpacking an archive file into a new directory with
// libarchive, and adding the result to the store like `store add`.
//
// Formats, recognised by content, are the rows of archive_formats.h: tar
// (plain or gzip, xz, zstd, bzip2, lz4, compress), zip, cpio and 7z; a
// Debian `.deb` (an ar archive: only its data.tar.* member is unpacked); a
// makeself `.run` installer (the archives after its header script, located
// by parsing the script, never running it). An npm `.tgz` (a `.tgz` whose
// only top-level entry is `package/` holding package.json) loses the
// `package/` prefix.
#pragma once

#include <string>
#include <string_view>

#include "store/archive_formats.h"
#include "store/store.h"

namespace shelf::store {

// Unpacks `file` into `dest`, which must not exist yet (its parent must).
// Throws BadInput naming `file` (and the entry) for anything unusable or
// hostile; see safe_extract.h for what is refused. On error `dest` may hold
// a partial tree: the caller removes it (Store::add_built does).
void unpack_archive(const std::string& file, const std::string& dest);

// The same for a file declared to be `format` (a recipe's `unpack`; the
// caller checks archive_content_fits first), then the format's post-step
// whatever the file's name: npm's package/ is dropped when it is the only
// entry. Not for ArchiveReader::kCopy formats.
void unpack_archive_as(ArchiveFormat format, const std::string& file, const std::string& dest);

// Unpacks `file` into a temporary directory of `store` and registers the
// tree under `name`; the store is unchanged when the archive is refused.
PathInfo import_archive(Store& store, const std::string& file, std::string_view name);

}  // namespace shelf::store
