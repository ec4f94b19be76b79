#include "store/store_path.h"

#include "store/base32.h"
#include "store/error.h"

namespace shelf::store {

namespace {
bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("+-._?=").find(c) != std::string_view::npos;
}
}  // namespace

void check_name(std::string_view name) {
  if (name.empty()) throw BadInput("", "store path name is empty");
  if (name.size() > 211) throw BadInput(std::string(name), "store path name is longer than 211 characters");
  if (name.front() == '.') throw BadInput(std::string(name), "store path name must not start with '.'");
  for (char c : name)
    if (!name_char(c))
      throw BadInput(std::string(name), std::string("store path name contains '") + c +
                                            "'; allowed are letters, digits and + - . _ ? =");
}

std::string make_name(std::string_view name, std::string_view version) {
  check_name(name);
  if (version.empty()) return std::string(name);
  std::string full = std::string(name) + "-" + std::string(version);
  check_name(full);
  return full;
}

std::optional<StorePath> StorePath::try_parse(std::string_view base_name) {
  if (base_name.size() < kHashLength + 2 || base_name[kHashLength] != '-') return std::nullopt;
  std::string_view hash = base_name.substr(0, kHashLength);
  for (char c : hash)
    if (!base32::is_digit(c)) return std::nullopt;
  std::string_view name = base_name.substr(kHashLength + 1);
  try {
    check_name(name);
  } catch (const BadInput&) {
    return std::nullopt;
  }
  return StorePath(std::string(hash), std::string(name));
}

StorePath StorePath::parse(std::string_view base_name) {
  if (auto p = try_parse(base_name)) return *p;
  throw BadInput(std::string(base_name), "not a store path name (<32 base-32 characters>-<name>)");
}

StorePath make_content_path(const std::string& store_dir, const Hash& nar_hash, std::string_view name,
                            const StorePathSet& references) {
  check_name(name);
  std::string type = "source";
  for (const StorePath& ref : references) type += ":" + store_dir + "/" + ref.base_name();
  std::string fingerprint = type + ":" + nar_hash.base16_typed() + ":" + store_dir + ":" + std::string(name);
  return StorePath::parse(compress_to_base32(Hash::of(fingerprint), 20) + "-" + std::string(name));
}

}  // namespace shelf::store
