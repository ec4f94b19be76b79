#include "recipe/output_path.h"

#include "store/hash.h"
#include "store/store_path.h"

namespace shelf::recipe {

std::string input_hash_part(const Recipe& recipe, const std::vector<std::string>& dependency_paths,
                            const std::string& store_dir) {
  // A fingerprint in the spirit of Nix's makeStorePath: typed, with every
  // input spelled out, so no two different input sets share a text.
  std::string fingerprint = "shelf-recipe:v1:sha256:" + store::Hash::of(recipe.text).base16();
  for (const Source& s : recipe.sources) fingerprint += ":source:" + store::Hash::parse(s.sha256).base16();
  for (const std::string& dep : dependency_paths) fingerprint += ":dep:" + dep;
  fingerprint += ":" + store_dir + ":" + store::make_name(recipe.name, recipe.version);
  return store::compress_to_base32(store::Hash::of(fingerprint), 20);
}

}  // namespace shelf::recipe
