#include "store/archive_name.h"

#include <cctype>

#include "store/archive_formats.h"

namespace shelf::store {

namespace {

bool allowed(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+._?=-").find(c) != std::string_view::npos;
}

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
  // The longest suffix of any row of archive_formats.h, so ".tar.gz" wins
  // over ".gz".
  base.remove_suffix(archive_suffix_of(base).size());
  return sanitize_name(base);
}

}  // namespace shelf::store
