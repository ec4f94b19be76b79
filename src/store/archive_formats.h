// The archive formats shelf reads, defined once: a new format is one row of
// the table in archive_formats.cc. Each row says how recipes name the
// format (`unpack = "tar"`), which file-name suffixes imply it, how its
// content is recognised, how libarchive is set up to read it and what is
// done to the tree afterwards. `store import` (unpack.h) and recipes
// (parsing `unpack`, guessing it from a source's name, checking the source's
// content, describing the build plan) read this table and nothing else.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

struct archive;  // libarchive's reader (<archive.h>; only unpack.cc uses it)

namespace shelf::store {

// The table's order: recipes' error texts list the names in it.
enum class ArchiveFormat { kTar, kZip, kDeb, kMakeself, kNpm, kNone, kCpio, k7z };

// How the file is read.
enum class ArchiveReader {
  kLibarchive,  // libarchive reads it, with every kLibarchive row's formats enabled at once
  kDebianAr,    // an ar archive (`libarchive` below); only its data.tar.* member is read, as kLibarchive
  kMakeself,    // a shell header parsed (never run, makeself.h); the payloads after it read as kLibarchive
  kCopy,        // not an archive: recipes copy the file as it is
};

// How the format is recognised from the file's first bytes.
enum class ArchiveMagic {
  kPrefix,      // the content starts with `magic`
  kMakeself,    // a `#!` script naming Makeself (store::looks_like_makeself)
  kLibarchive,  // none of shelf's own: libarchive recognises it; it is what no other row's `owns` claims
  kAnything,    // not looked at (kCopy)
};

// What is done to the unpacked tree.
enum class ArchivePostStep {
  kNone,
  kDropPackagePrefix,  // npm packs everything below package/: a tree that is only package/ becomes its contents
};

// A libarchive set-up call (archive_read_support_format_tar and the like).
using LibarchiveSupport = int (*)(struct archive*);

struct ArchiveFormatInfo {
  ArchiveFormat id;
  std::string_view name;  // as recipes write it (`unpack = "tar"`) and messages print it
  bool in_recipes;        // a recipe may name it; the others only `store import` recognises
  // A recipe without `unpack` takes the format from these (the first row
  // whose suffix ends the file name).
  std::span<const std::string_view> implied_by;
  // Also archive suffixes, but too vague to imply the format (npm's .tgz is
  // as often a plain tarball): dropped from default store names
  // (archive_name.h), and npm's tell `store import` to look for package/.
  std::span<const std::string_view> other_suffixes;
  ArchiveMagic recognised_by;
  std::string_view magic;  // kPrefix: what the content starts with
  // Content starting with this is this format's reader's and never a
  // kLibarchive format's ("" = `magic`): every ar archive for .deb, as the
  // libarchive reader has no ar support.
  std::string_view owns;
  ArchiveReader reader;
  std::span<const LibarchiveSupport> libarchive;  // formats this row's reader enables
  ArchivePostStep post_step;
};

// Every row, in the table's order.
std::span<const ArchiveFormatInfo> archive_formats();
const ArchiveFormatInfo& archive_format(ArchiveFormat id);

// The compression filters every libarchive reader enables, and the suffix a
// file compressed by one carries ("" for none we strip from names).
struct ArchiveFilter {
  LibarchiveSupport enable;
  std::string_view suffix;
};
std::span<const ArchiveFilter> archive_filters();

// The row recipes call `name` (only rows with in_recipes), or nullopt.
std::optional<ArchiveFormat> archive_format_named(std::string_view name);
// "tar, zip, deb, makeself, npm, none": the names recipes accept.
std::string archive_format_names();

// The format a file name implies (`implied_by`), or nullopt.
std::optional<ArchiveFormat> archive_format_of_name(std::string_view file_name);
// The longest archive or compression suffix `file_name` ends with (and is
// longer than), for default store names: "a.tar.gz" -> ".tar.gz"; "" when none.
std::string_view archive_suffix_of(std::string_view file_name);

// Whether `head` (the first bytes of a file, at least 4 KiB when the file
// has them) may be `format`: its magic, or for a kLibarchive format no other
// row's. kAnything fits everything.
bool archive_content_fits(ArchiveFormat format, std::string_view head);
// The first row (in the table's order, kCopy rows aside) whose content
// `head` fits: kTar for anything libarchive is left to recognise (npm, cpio
// and 7z are not told from tar by their first bytes). nullopt when a
// reader of shelf's own owns the content but none recognises it (an ar
// archive that is no .deb).
std::optional<ArchiveFormat> archive_format_of_content(std::string_view head);

}  // namespace shelf::store
