// Reading a recipe file (TOML, toml++) into a Recipe value. Everything is
// checked here, before anything is fetched or built: types, unknown keys,
// required keys, paths that would leave the build tree, hashes that do not
// parse. Errors are recipe::Error with file, key, line and column.
#pragma once

#include <string>

#include "recipe/recipe.h"

namespace shelf::recipe {

Recipe parse_recipe_file(const std::string& file);
// The same for text already read (`file` names it in errors and anchors
// relative paths).
Recipe parse_recipe_text(const std::string& file, const std::string& text);

}  // namespace shelf::recipe
