// Substitution in patch, wrapper and desktop values: `$out` (or `${out}`)
// is the recipe's own store path, known before the build because it is
// named from the inputs; `${deps.NAME}` is the store path of the
// dependency called NAME (a recipe's `name`, or the name of a store path
// without its version). Every other `$` stays as written, so wrapper values
// like `$HOME` reach the wrapper literally.
#pragma once

#include <map>
#include <string>

#include "recipe/recipe.h"

namespace shelf::recipe {

struct Substitutions {
  std::string out;
  std::map<std::string, std::string> deps;  // NAME -> store path
};

// Throws recipe::Error naming `file` and `origin` for an unknown
// `${deps.NAME}` or an unterminated `${`.
std::string expand(const std::string& value, const Substitutions& subst, const std::string& file,
                   const Origin& origin);

// Expands every value of `recipe` that is expanded at build time and
// throws the first error, so a bad `${deps.NAME}` is found before anything
// is fetched or built (and by --dry-run).
void check_expansions(const Recipe& recipe, const Substitutions& subst);

}  // namespace shelf::recipe
