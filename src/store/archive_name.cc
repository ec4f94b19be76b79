#include "store/archive_name.h"

#include <cctype>

namespace shelf::store {

namespace {

bool allowed(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+._?=-").find(c) != std::string_view::npos;
}

// Longest first, so ".tar.gz" wins over ".gz".
constexpr std::string_view kExtensions[] = {
    ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar.lz4", ".tar.Z", ".tgz", ".txz", ".tzst", ".tbz2", ".tbz",
    ".tar",    ".zip",    ".deb",     ".run",     ".gz",      ".xz",    ".zst", ".bz2", ".7z",   ".cpio"};

}  // namespace

std::string sanitize_name(std::string_view name) {
  while (!name.empty() && name.front() == '.') name.remove_prefix(1);
  std::string out;
  bool in_bad_run = false;
  for (char c : name) {
    if (allowed(c)) {
      out += c;
      in_bad_run = false;
    } else if (!in_bad_run) {
      out += '-';
      in_bad_run = true;
    }
  }
  if (out.size() > 207) out = out.substr(out.size() - 207);
  return out.empty() ? "unknown" : out;
}

std::string archive_default_name(const std::string& file) {
  std::string_view base = file;
  while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
  if (size_t slash = base.find_last_of('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  for (std::string_view ext : kExtensions) {
    if (base.size() > ext.size() && base.ends_with(ext)) {
      base.remove_suffix(ext.size());
      break;
    }
  }
  return sanitize_name(base);
}

}  // namespace shelf::store
