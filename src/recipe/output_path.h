// The output path of a recipe, named from its inputs before anything is
// built (Nix's input-addressed paths): the SHA-256 of the recipe text, the
// declared sha256 of every source, the dependencies' store paths, the store
// directory and the name, folded to 20 bytes and printed in Nix base-32.
// Same inputs, same path; any change of the recipe text or a dependency
// gives a new path, so patched interpreters and RUNPATHs can name it.
#pragma once

#include <string>
#include <vector>

#include "recipe/recipe.h"

namespace shelf::recipe {

// The 32-character hash part. `dependency_paths` in the recipe's order.
std::string input_hash_part(const Recipe& recipe, const std::vector<std::string>& dependency_paths,
                            const std::string& store_dir);

}  // namespace shelf::recipe
