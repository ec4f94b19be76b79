#include "store/archive_formats.h"

#include <archive.h>

#include "store/makeself.h"

namespace shelf::store {

namespace {

using sv = std::string_view;

constexpr sv kTarSuffixes[] = {".tar",     ".tar.gz", ".tgz",     ".tar.xz", ".txz",
                               ".tar.zst", ".tzst",   ".tar.bz2", ".tbz2",   ".tar.lz4"};
constexpr sv kTarOtherSuffixes[] = {".tar.Z", ".tbz"};
constexpr sv kZipSuffixes[] = {".zip"};
constexpr sv kDebSuffixes[] = {".deb"};
constexpr sv kMakeselfSuffixes[] = {".run"};
// A .tgz is as often a plain tarball: recipes take it for tar, and `store
// import` drops package/ only when package/package.json is there.
constexpr sv kNpmOtherSuffixes[] = {".tgz"};
constexpr sv kCpioOtherSuffixes[] = {".cpio"};
constexpr sv k7zOtherSuffixes[] = {".7z"};

constexpr LibarchiveSupport kTarReaders[] = {archive_read_support_format_tar, archive_read_support_format_gnutar};
constexpr LibarchiveSupport kZipReaders[] = {archive_read_support_format_zip};
constexpr LibarchiveSupport kArReaders[] = {archive_read_support_format_ar};
constexpr LibarchiveSupport kCpioReaders[] = {archive_read_support_format_cpio};
constexpr LibarchiveSupport k7zReaders[] = {archive_read_support_format_7zip};

// Rows in the order of ArchiveFormat. libarchive's other formats are not
// enabled: mtree, for one, names files on the local disk.
constexpr ArchiveFormatInfo kFormats[] = {
    {.id = ArchiveFormat::kTar,
     .name = "tar",
     .in_recipes = true,
     .implied_by = kTarSuffixes,
     .other_suffixes = kTarOtherSuffixes,
     .recognised_by = ArchiveMagic::kLibarchive,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kLibarchive,
     .libarchive = kTarReaders,
     .post_step = ArchivePostStep::kNone},
    {.id = ArchiveFormat::kZip,
     .name = "zip",
     .in_recipes = true,
     .implied_by = kZipSuffixes,
     .other_suffixes = {},
     .recognised_by = ArchiveMagic::kPrefix,
     .magic = "PK",
     .owns = "",
     .reader = ArchiveReader::kLibarchive,
     .libarchive = kZipReaders,
     .post_step = ArchivePostStep::kNone},
    // An ar archive whose first member is debian-binary. Every ar archive
    // is the .deb reader's: the libarchive reader does not read ar.
    {.id = ArchiveFormat::kDeb,
     .name = "deb",
     .in_recipes = true,
     .implied_by = kDebSuffixes,
     .other_suffixes = {},
     .recognised_by = ArchiveMagic::kPrefix,
     .magic = "!<arch>\ndebian-binary",
     .owns = "!<arch>",
     .reader = ArchiveReader::kDebianAr,
     .libarchive = kArReaders,
     .post_step = ArchivePostStep::kNone},
    {.id = ArchiveFormat::kMakeself,
     .name = "makeself",
     .in_recipes = true,
     .implied_by = kMakeselfSuffixes,
     .other_suffixes = {},
     .recognised_by = ArchiveMagic::kMakeself,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kMakeself,
     .libarchive = {},
     .post_step = ArchivePostStep::kNone},
    // A tar (gzip'd, as `npm pack` writes it) with everything below package/.
    {.id = ArchiveFormat::kNpm,
     .name = "npm",
     .in_recipes = true,
     .implied_by = {},
     .other_suffixes = kNpmOtherSuffixes,
     .recognised_by = ArchiveMagic::kLibarchive,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kLibarchive,
     .libarchive = kTarReaders,
     .post_step = ArchivePostStep::kDropPackagePrefix},
    // A recipe's source taken as it is.
    {.id = ArchiveFormat::kNone,
     .name = "none",
     .in_recipes = true,
     .implied_by = {},
     .other_suffixes = {},
     .recognised_by = ArchiveMagic::kAnything,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kCopy,
     .libarchive = {},
     .post_step = ArchivePostStep::kNone},
    // Read by `store import` (and by the libarchive reader recipes' tar and
    // zip share); recipes have no name for them.
    {.id = ArchiveFormat::kCpio,
     .name = "cpio",
     .in_recipes = false,
     .implied_by = {},
     .other_suffixes = kCpioOtherSuffixes,
     .recognised_by = ArchiveMagic::kLibarchive,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kLibarchive,
     .libarchive = kCpioReaders,
     .post_step = ArchivePostStep::kNone},
    {.id = ArchiveFormat::k7z,
     .name = "7z",
     .in_recipes = false,
     .implied_by = {},
     .other_suffixes = k7zOtherSuffixes,
     .recognised_by = ArchiveMagic::kLibarchive,
     .magic = "",
     .owns = "",
     .reader = ArchiveReader::kLibarchive,
     .libarchive = k7zReaders,
     .post_step = ArchivePostStep::kNone},
};

// Only the filters libarchive implements itself or through a linked
// library. Not archive_read_support_filter_all: that also enables filters
// (lrzip, lzop, grzip) that only exist as external programs, and an import
// must not start programs chosen by the archive's first bytes.
constexpr ArchiveFilter kFilters[] = {
    {archive_read_support_filter_gzip, ".gz"}, {archive_read_support_filter_bzip2, ".bz2"},
    {archive_read_support_filter_xz, ".xz"},   {archive_read_support_filter_lzma, ""},
    {archive_read_support_filter_lzip, ""},    {archive_read_support_filter_zstd, ".zst"},
    {archive_read_support_filter_lz4, ""},     {archive_read_support_filter_compress, ""},
};

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < std::size(kFormats); ++i)
    if (static_cast<size_t>(kFormats[i].id) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "kFormats must list the formats in the order of ArchiveFormat");

// Whether `head` is `row`'s by a magic of shelf's own.
bool owned_by(const ArchiveFormatInfo& row, std::string_view head) {
  switch (row.recognised_by) {
    case ArchiveMagic::kPrefix: return head.starts_with(row.owns.empty() ? row.magic : row.owns);
    case ArchiveMagic::kMakeself: return looks_like_makeself(head);
    case ArchiveMagic::kLibarchive:
    case ArchiveMagic::kAnything: return false;
  }
  return false;
}

}  // namespace

std::span<const ArchiveFormatInfo> archive_formats() { return kFormats; }

const ArchiveFormatInfo& archive_format(ArchiveFormat id) { return kFormats[static_cast<size_t>(id)]; }

std::span<const ArchiveFilter> archive_filters() { return kFilters; }

std::optional<ArchiveFormat> archive_format_named(std::string_view name) {
  for (const ArchiveFormatInfo& row : kFormats)
    if (row.in_recipes && row.name == name) return row.id;
  return std::nullopt;
}

std::string archive_format_names() {
  std::string out;
  for (const ArchiveFormatInfo& row : kFormats) {
    if (!row.in_recipes) continue;
    if (!out.empty()) out += ", ";
    out += row.name;
  }
  return out;
}

std::optional<ArchiveFormat> archive_format_of_name(std::string_view file_name) {
  for (const ArchiveFormatInfo& row : kFormats)
    for (std::string_view suffix : row.implied_by)
      if (file_name.ends_with(suffix)) return row.id;
  return std::nullopt;
}

std::string_view archive_suffix_of(std::string_view file_name) {
  std::string_view best;
  auto consider = [&](std::string_view suffix) {
    if (!suffix.empty() && suffix.size() > best.size() && file_name.size() > suffix.size() &&
        file_name.ends_with(suffix))
      best = suffix;
  };
  for (const ArchiveFormatInfo& row : kFormats) {
    for (std::string_view suffix : row.implied_by) consider(suffix);
    for (std::string_view suffix : row.other_suffixes) consider(suffix);
  }
  for (const ArchiveFilter& filter : kFilters) consider(filter.suffix);
  return best;
}

bool archive_content_fits(ArchiveFormat format, std::string_view head) {
  const ArchiveFormatInfo& row = archive_format(format);
  switch (row.recognised_by) {
    case ArchiveMagic::kPrefix: return head.starts_with(row.magic);
    case ArchiveMagic::kMakeself: return looks_like_makeself(head);
    case ArchiveMagic::kLibarchive:
      for (const ArchiveFormatInfo& other : kFormats)
        if (owned_by(other, head)) return false;
      return true;
    case ArchiveMagic::kAnything: return true;
  }
  return false;
}

std::optional<ArchiveFormat> archive_format_of_content(std::string_view head) {
  for (const ArchiveFormatInfo& row : kFormats)
    if (row.reader != ArchiveReader::kCopy && archive_content_fits(row.id, head)) return row.id;
  return std::nullopt;
}

}  // namespace shelf::store
