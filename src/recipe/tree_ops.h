// The file-tree steps of a build, all confined to one root directory:
// globbing, removing bundled files, installing into the output, dropping
// leading path components and merging unpacked sources. Patterns are
// relative and never contain '..' (parse.cc refuses them); unpacked trees
// hold no escaping symlinks (store/safe_extract.h refuses them).
#pragma once

#include <string>
#include <vector>

#include "recipe/recipe.h"

namespace shelf::recipe {

// Paths relative to `root` matching the glob(7) `pattern`, sorted.
std::vector<std::string> glob_in(const std::string& root, const std::string& pattern);

// Deletes every match of every pattern of `recipe.remove` from `tree`; a
// pattern matching nothing is an error (the recipe is out of date).
void remove_bundled(const Recipe& recipe, const std::string& tree);

// Copies what [install] names from `tree` into `out` (which is created);
// without [install], `tree` becomes `out` as a whole.
void install_tree(const Recipe& recipe, const std::string& tree, const std::string& out);

// tar --strip-components: drops the first `count` components of every
// path in `dir`; entries with fewer components are dropped.
void strip_components(const std::string& dir, int count, const std::string& file, const Origin& origin);

// Moves the contents of `from` into `to` (created when missing), merging
// directories; two files of the same name are an error.
void merge_tree(const std::string& from, const std::string& to, const std::string& file, const Origin& origin);

}  // namespace shelf::recipe
