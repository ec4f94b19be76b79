// A store path as a value (Nix's StorePath): the 32-character base-32 hash
// part and the name, printed as `<hash>-<name>` below a store directory.
// Names follow Nix's rules so a shelf path is also a valid Nix path.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "store/hash.h"

namespace shelf::store {

class StorePath {
 public:
  static constexpr size_t kHashLength = 32;

  // Parses a base name `<hash>-<name>`; throws BadInput naming it.
  static StorePath parse(std::string_view base_name);
  static std::optional<StorePath> try_parse(std::string_view base_name);

  const std::string& hash_part() const { return hash_part_; }
  const std::string& name() const { return name_; }
  std::string base_name() const { return hash_part_ + "-" + name_; }

  auto operator<=>(const StorePath& other) const { return base_name() <=> other.base_name(); }
  bool operator==(const StorePath& other) const = default;

 private:
  StorePath(std::string hash_part, std::string name) : hash_part_(std::move(hash_part)), name_(std::move(name)) {}
  std::string hash_part_;
  std::string name_;
};

using StorePathSet = std::set<StorePath>;

// Throws BadInput unless `name` is a valid store path name: 1..211
// characters from [A-Za-z0-9+-._?=], not starting with '.'.
void check_name(std::string_view name);

// `<name>-<version>` or `<name>`; both parts checked.
std::string make_name(std::string_view name, std::string_view version);

// Nix's makeFixedOutputPath for recursive (NAR) SHA-256 content: the
// fingerprint `source[:<ref>...]:sha256:<base16 NAR hash>:<store dir>:<name>`
// is hashed with SHA-256, folded to 20 bytes and printed in base 32. For a
// tree without references this is the path `nix-store --add` gives in the
// same store directory.
StorePath make_content_path(const std::string& store_dir, const Hash& nar_hash, std::string_view name,
                            const StorePathSet& references);

}  // namespace shelf::store
