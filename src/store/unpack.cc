#include "store/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

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

enum class Formats { kContents, kDebianAr };

// A reader for the formats `store import` accepts (see unpack.h), with the
// decompression filters libarchive implements itself or through a linked
// library. Not archive_read_support_filter_all: that also enables filters
// (lrzip, lzop, grzip) that only exist as external programs, and an import
// must not start programs chosen by the archive's first bytes.
Reader new_reader(Formats formats) {
  Reader reader(archive_read_new());
  if (!reader) throw Error("libarchive", "cannot allocate a reader");
  archive* a = reader.get();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_lzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_lz4(a);
  archive_read_support_filter_compress(a);
  if (formats == Formats::kDebianAr) {
    archive_read_support_format_ar(reader.get());
  } else {
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    archive_read_support_format_zip(reader.get());
    archive_read_support_format_cpio(reader.get());
    archive_read_support_format_7zip(reader.get());
  }
  return reader;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

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
  Reader reader = new_reader(Formats::kContents);
  open_or_fail(reader.get(), archive_read_open_filename(reader.get(), file.c_str(), kBlockSize), file);
  extract_entries(reader.get(), dest, file, "");
}

void unpack_deb(const std::string& file, const std::string& dest) {
  Reader outer = new_reader(Formats::kDebianAr);
  open_or_fail(outer.get(), archive_read_open_filename(outer.get(), file.c_str(), kBlockSize), file);
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(outer.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const char* text = archive_error_string(outer.get());
      throw BadInput(file, std::string("cannot read the .deb: ") + (text ? text : "unknown libarchive error"));
    }
    std::string member = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (!member.starts_with("data.tar")) continue;
    MemberSource source{outer.get()};
    Reader inner = new_reader(Formats::kContents);
    open_or_fail(inner.get(), archive_read_open(inner.get(), &source, nullptr, read_member, nullptr),
                 file + ": " + member);
    extract_entries(inner.get(), dest, file, member);
    return;
  }
  throw BadInput(file, "a .deb without a data.tar.* member");
}

void unpack_makeself(const std::string& file, int fd, std::string_view head, uint64_t size, const std::string& dest) {
  MakeselfPayload payload = parse_makeself(file, head, size);
  uint64_t at = payload.offset;
  for (size_t i = 0; i < payload.sizes.size(); ++i) {
    FileRange range{fd, at, at + payload.sizes[i]};
    at += payload.sizes[i];
    std::string member = "makeself payload " + std::to_string(i + 1) + " (offset " + std::to_string(range.pos) + ")";
    Reader reader = new_reader(Formats::kContents);
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

// npm packs a package as `package/...` in a .tgz; the store holds what is
// inside `package/`.
void strip_npm_prefix(const std::string& file, const std::string& dest) {
  struct stat st;
  if (!file.ends_with(".tgz") || names_in(dest) != std::vector<std::string>{"package"} ||
      lstat((dest + "/package/package.json").c_str(), &st) != 0)
    return;
  std::string moved = dest + ".package";
  if (rename((dest + "/package").c_str(), moved.c_str()) != 0 || rmdir(dest.c_str()) != 0 ||
      rename(moved.c_str(), dest.c_str()) != 0)
    throw Error(dest, "cannot strip the npm package/ prefix: " + errno_text(errno));
}

}  // namespace

void unpack_archive(const std::string& file, const std::string& dest) {
  Fd fd{open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw BadInput(file, "cannot open: " + errno_text(errno));
  struct stat st;
  if (fstat(fd.fd, &st) != 0) throw BadInput(file, "cannot stat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) throw BadInput(file, "not a regular file");
  std::string head(std::min<uint64_t>(kHeadSize, static_cast<uint64_t>(st.st_size)), '\0');
  ssize_t got = pread(fd.fd, head.data(), head.size(), 0);
  if (got < 0) throw BadInput(file, "cannot read: " + errno_text(errno));
  head.resize(static_cast<size_t>(got));

  if (mkdir(dest.c_str(), 0755) != 0) throw Error(dest, "cannot create directory: " + errno_text(errno));
  if (head.starts_with("!<arch>\ndebian-binary")) {
    unpack_deb(file, dest);
  } else if (looks_like_makeself(head)) {
    unpack_makeself(file, fd.fd, head, static_cast<uint64_t>(st.st_size), dest);
  } else if (head.starts_with("#!")) {
    throw BadInput(file, "a script, not an archive (and not a makeself installer)");
  } else {
    unpack_plain(file, dest);
    strip_npm_prefix(file, dest);
  }
}

PathInfo import_archive(Store& store, const std::string& file, std::string_view name) {
  return store.add_built(name, [&](const std::string& dest) { unpack_archive(file, dest); });
}

}  // namespace shelf::store
