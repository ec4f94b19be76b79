#include "recipe/sources.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/input_file.h"
#include "recipe/fetch.h"
#include "recipe/tree_ops.h"
#include "store/archive_formats.h"
#include "store/error.h"
#include "store/hash.h"
#include "store/unpack.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

store::Hash hash_file(const std::string& path, const std::string& recipe_file, const Source& source) {
  try {
    // Opened without blocking and refused unless a regular file: a FIFO
    // named as a source never hangs the build.
    base::UniqueFd fd = base::open_regular_file(path);
    store::HashSink hasher;
    std::string buffer(1 << 16, '\0');
    for (;;) {
      ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw base::system_error(path, "cannot read", errno);
      if (n == 0) break;
      hasher.write(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    return hasher.finish();
  } catch (const base::Error& e) {
    throw Error(recipe_file, source.location_origin.key, "cannot read the source " + path + ": " + e.reason(),
                source.location_origin.at);
  }
}

std::string head_of(const std::string& path) { return base::read_range(path, 0, 8192); }

// The declared method must fit the content: a .run that is no makeself
// installer would otherwise be read as something else.
void check_kind(const Recipe& recipe, const Source& source, const std::string& path) {
  if (!store::archive_content_fits(source.unpack, head_of(path)))
    throw Error(
        recipe.file, source.origin.key + ".unpack",
        path + " is not what unpack = \"" + std::string(store::archive_format(source.unpack).name) + "\" expects",
        source.origin.at);
}

void unpack_one(const Recipe& recipe, const Source& source, const std::string& path, const std::string& dir) {
  if (store::archive_format(source.unpack).reader == store::ArchiveReader::kCopy) {
    fs::create_directories(dir);
    std::error_code ec;
    fs::copy_file(path, fs::path(dir) / fs::path(path).filename(), ec);
    if (ec) throw Error(recipe.file, source.origin.key, "cannot copy " + path + ": " + ec.message(), source.origin.at);
    return;
  }
  check_kind(recipe, source, path);
  try {
    // Also the format's post-step: npm's package/ is dropped whatever the
    // file is called.
    store::unpack_archive_as(source.unpack, path, dir);
  } catch (const store::Error& e) {
    throw Error(recipe.file, source.origin.key, std::string("cannot unpack: ") + e.what(), source.origin.at);
  }
}

}  // namespace

std::string source_file(const Recipe& recipe, const Source& source, const std::string& work) {
  if (!source.url.empty()) {
    std::string name = fs::path(source.url).filename().string();
    if (name.empty() || name == "." || name == "..") name = "download";
    std::string dest = work + "/" + name;
    if (!fs::exists(dest)) fetch_url(source.url, dest, recipe.file, source.location_origin);
    return dest;
  }
  fs::path p(source.path);
  return (p.is_absolute() ? p : fs::path(recipe.dir) / p).lexically_normal().string();
}

namespace {

// `hash` spelled the way `written` is (SRI, base-16 or Nix base-32, with or
// without "sha256:"), so the value a mismatch reports can be pasted back.
std::string like(const std::string& written, const store::Hash& hash) {
  if (written.starts_with("sha256-")) return hash.sri();
  std::string body = written.starts_with("sha256:") ? written.substr(7) : written;
  std::string prefix = written.starts_with("sha256:") ? "sha256:" : "";
  return prefix + (body.size() == 64 ? hash.base16() : hash.base32());
}

}  // namespace

void check_sha256(const Recipe& recipe, const Source& source, const std::string& path) {
  store::Hash expected = store::Hash::parse(source.sha256);
  store::Hash actual = hash_file(path, recipe.file, source);
  if (actual != expected)
    throw Error(recipe.file, source.sha256_origin.key,
                "hash mismatch for " + path + ": expected " + source.sha256 + ", got " + like(source.sha256, actual),
                source.sha256_origin.at);
}

void unpack_sources(const Recipe& recipe, const std::string& work, const std::string& tree) {
  fs::create_directories(tree);
  base::Tree work_tree(work, "the build directory"), sources(tree, "the unpacked sources");
  for (size_t i = 0; i < recipe.sources.size(); ++i) {
    const Source& source = recipe.sources[i];
    std::string downloads = work + "/download-" + std::to_string(i);
    fs::create_directories(downloads);
    std::string file = source_file(recipe, source, downloads);
    check_sha256(recipe, source, file);
    std::string dir = work + "/source-" + std::to_string(i);
    unpack_one(recipe, source, file, dir);
    std::string name = "source-" + std::to_string(i);
    strip_components(work_tree, name, source.strip_components, recipe.file, source.origin);
    base::Tree unpacked(dir, "source " + std::to_string(i));
    merge_tree(unpacked, "", sources, source.dest, recipe.file, source.origin);
    fs::remove(dir);
  }
}

}  // namespace shelf::recipe
