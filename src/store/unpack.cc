#include "store/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "base/fd.h"
#include "store/archive_formats.h"
#include "store/error.h"
#include "store/makeself.h"
#include "store/safe_extract.h"

namespace shelf::store {

namespace {

constexpr size_t kHeadSize = 1 << 20;  // enough for any makeself header script
constexpr size_t kBlockSize = 1 << 16;

struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<archive, ReaderDeleter>;

// A reader with every compression filter of the table (archive_filters())
// and the libarchive formats of `row`, or with `row` null those of every
// row libarchive reads directly (the reader for tar, zip, cpio, 7z, and for
// what a .deb or a makeself installer holds). Only the formats the table
// lists are enabled (archive_formats.cc says why).
Reader new_reader(const ArchiveFormatInfo* row = nullptr) {
  Reader reader(archive_read_new());
  if (!reader) throw Error("libarchive", "cannot allocate a reader");
  archive* a = reader.get();
  for (const ArchiveFilter& filter : archive_filters()) filter.enable(a);
  std::vector<LibarchiveSupport> enabled;
  for (const ArchiveFormatInfo& each : archive_formats()) {
    if (row ? &each != row : each.reader != ArchiveReader::kLibarchive) continue;
    for (LibarchiveSupport support : each.libarchive)
      if (std::find(enabled.begin(), enabled.end(), support) == enabled.end()) enabled.push_back(support);
  }
  for (LibarchiveSupport support : enabled) support(a);
  return reader;
}

// Bytes [pos, end) of a file, fed to libarchive (a makeself payload).
struct FileRange {
  int fd;
  uint64_t pos, end;
  std::vector<char> buffer = std::vector<char>(kBlockSize);
};

la_ssize_t read_range(archive* a, void* data, const void** block) {
  auto* range = static_cast<FileRange*>(data);
  size_t want = static_cast<size_t>(std::min<uint64_t>(range->buffer.size(), range->end - range->pos));
  if (want == 0) return 0;
  ssize_t n;
  do n = pread(range->fd, range->buffer.data(), want, static_cast<off_t>(range->pos));
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    archive_set_error(a, errno, "read error: %s", std::strerror(errno));
    return -1;
  }
  range->pos += static_cast<uint64_t>(n);
  *block = range->buffer.data();
  return n;
}

// The data of the current entry of another reader (a .deb's data.tar.*).
struct MemberSource {
  archive* outer;
  std::vector<char> buffer = std::vector<char>(kBlockSize);
};

la_ssize_t read_member(archive* a, void* data, const void** block) {
  auto* source = static_cast<MemberSource*>(data);
  la_ssize_t n = archive_read_data(source->outer, source->buffer.data(), source->buffer.size());
  if (n < 0) {
    const char* text = archive_error_string(source->outer);
    archive_set_error(a, EIO, "%s", text ? text : "cannot read the member");
    return -1;
  }
  *block = source->buffer.data();
  return n;
}

void open_or_fail(archive* reader, int rc, const std::string& file) {
  if (rc != ARCHIVE_OK) {
    const char* text = archive_error_string(reader);
    throw BadInput(file, std::string("cannot open as an archive: ") + (text ? text : "unknown libarchive error"));
  }
}

void unpack_plain(const std::string& file, const std::string& dest) {
  Reader reader = new_reader();
  open_or_fail(reader.get(), archive_read_open_filename(reader.get(), file.c_str(), kBlockSize), file);
  extract_entries(reader.get(), dest, file, "");
}

void unpack_deb(const std::string& file, const std::string& dest, const ArchiveFormatInfo& row) {
  Reader outer = new_reader(&row);
  open_or_fail(outer.get(), archive_read_open_filename(outer.get(), file.c_str(), kBlockSize), file);
  int64_t members_end = 8;  // after "!<arch>\n": where the last member read ends
  for (;;) {
    archive_entry* entry = nullptr;
    int64_t header_at = archive_read_header_position(outer.get());
    int rc = archive_read_next_header(outer.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const char* text = archive_error_string(outer.get());
      throw BadInput(file, std::string("cannot read the .deb: ") + (text ? text : "unknown libarchive error"));
    }
    int64_t size = archive_entry_size(entry);
    members_end = header_at + 60 + size + (size % 2);  // ar: a 60-byte header, data padded to even
    std::string member = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (!member.starts_with("data.tar")) continue;
    MemberSource source{outer.get()};
    Reader inner = new_reader();
    open_or_fail(inner.get(), archive_read_open(inner.get(), &source, nullptr, read_member, nullptr),
                 file + ": " + member);
    extract_entries(inner.get(), dest, file, member);
    return;
  }
  // Bytes after the last whole member are the start of one that was cut
  // off: a truncated download, not a package without data.
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && st.st_size > members_end)
    throw BadInput(file, "is truncated: it ends " + std::to_string(st.st_size - members_end) +
                             " bytes into the next member, before the data.tar.* member (an incomplete download?)");
  throw BadInput(file, "a .deb without a data.tar.* member");
}

void unpack_makeself(const std::string& file, int fd, std::string_view head, uint64_t size, const std::string& dest) {
  MakeselfPayload payload = parse_makeself(file, head, size);
  uint64_t at = payload.offset;
  for (size_t i = 0; i < payload.sizes.size(); ++i) {
    FileRange range{fd, at, at + payload.sizes[i]};
    at += payload.sizes[i];
    std::string member = "makeself payload " + std::to_string(i + 1) + " (offset " + std::to_string(range.pos) + ")";
    Reader reader = new_reader();
    open_or_fail(reader.get(), archive_read_open(reader.get(), &range, nullptr, read_range, nullptr),
                 file + ": " + member);
    extract_entries(reader.get(), dest, file, member);
  }
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    closedir(d);
  }
  return names;
}

// ArchivePostStep::kDropPackagePrefix: npm packs a package as
// `package/...`; the store holds what is inside. A tree that is only the
// directory package/ (and, when only the file name said npm, holds
// package/package.json: a .tgz is as often a plain tarball) becomes its
// contents.
void drop_package_prefix(const std::string& dest, bool need_manifest) {
  struct stat st;
  if (names_in(dest) != std::vector<std::string>{"package"} || lstat((dest + "/package").c_str(), &st) != 0 ||
      !S_ISDIR(st.st_mode))
    return;
  if (need_manifest && lstat((dest + "/package/package.json").c_str(), &st) != 0) return;
  std::string moved = dest + ".package";
  if (rename((dest + "/package").c_str(), moved.c_str()) != 0 || rmdir(dest.c_str()) != 0 ||
      rename(moved.c_str(), dest.c_str()) != 0)
    throw Error(dest, "cannot strip the npm package/ prefix: " + errno_text(errno));
}

// `by_name`: only the file's name suggested the format, so the tree must
// show it too.
void post_step(ArchivePostStep step, const std::string& dest, bool by_name) {
  switch (step) {
    case ArchivePostStep::kNone: break;
    case ArchivePostStep::kDropPackagePrefix: drop_package_prefix(dest, by_name); break;
  }
}

bool ends_with_any(const std::string& file, std::span<const std::string_view> suffixes) {
  for (std::string_view suffix : suffixes)
    if (file.ends_with(suffix)) return true;
  return false;
}

}  // namespace

void unpack_archive(const std::string& file, const std::string& dest) {
  base::UniqueFd fd(open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw BadInput(file, "cannot open: " + errno_text(errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) throw BadInput(file, "cannot stat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) throw BadInput(file, "not a regular file");
  std::string head(std::min<uint64_t>(kHeadSize, static_cast<uint64_t>(st.st_size)), '\0');
  ssize_t got = pread(fd.get(), head.data(), head.size(), 0);
  if (got < 0) throw BadInput(file, "cannot read: " + errno_text(errno));
  head.resize(static_cast<size_t>(got));

  if (mkdir(dest.c_str(), 0755) != 0) throw Error(dest, "cannot create directory: " + errno_text(errno));
  // The table's magic picks the reader; what none of shelf's own readers
  // claims is libarchive's to recognise (or refuse: an ar archive that is
  // no .deb).
  std::optional<ArchiveFormat> format = archive_format_of_content(head);
  const ArchiveFormatInfo* row = format ? &archive_format(*format) : nullptr;
  ArchiveReader reader = row ? row->reader : ArchiveReader::kLibarchive;
  switch (reader) {
    case ArchiveReader::kDebianAr: unpack_deb(file, dest, *row); break;
    case ArchiveReader::kMakeself: unpack_makeself(file, fd.get(), head, static_cast<uint64_t>(st.st_size), dest); break;
    case ArchiveReader::kLibarchive:
    case ArchiveReader::kCopy:  // never recognised from content
      if (head.starts_with("#!")) throw BadInput(file, "a script, not an archive (and not a makeself installer)");
      unpack_plain(file, dest);
      // A post-step of a format libarchive does not tell apart by content
      // (npm's package/) is done when the file's name suggests the format,
      // and only when the tree shows it.
      for (const ArchiveFormatInfo& each : archive_formats())
        if (each.reader == ArchiveReader::kLibarchive && each.post_step != ArchivePostStep::kNone &&
            (ends_with_any(file, each.implied_by) || ends_with_any(file, each.other_suffixes)))
          post_step(each.post_step, dest, true);
      break;
  }
}

void unpack_archive_as(ArchiveFormat format, const std::string& file, const std::string& dest) {
  const ArchiveFormatInfo& row = archive_format(format);
  if (row.reader == ArchiveReader::kCopy) throw Error(file, std::string(row.name) + " is not an archive format");
  unpack_archive(file, dest);
  post_step(row.post_step, dest, false);
}

PathInfo import_archive(Store& store, const std::string& file, std::string_view name) {
  return store.add_built(name, [&](const std::string& dest) { unpack_archive(file, dest); });
}

}  // namespace shelf::store
