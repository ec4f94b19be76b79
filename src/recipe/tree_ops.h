// The file-tree steps of a build, each confined to its tree: removing
// bundled files, installing into the output, dropping leading path
// components and merging unpacked sources. Every path comes from a recipe
// or an archive, so every one is resolved beneath its tree (base/tree.h):
// a symbolic link is data, followed only while it stays inside, never
// written, deleted or patched through out of the tree, and that holds after
// components were stripped and entries moved, not only at extraction.
#pragma once

#include <string>

#include "base/tree.h"
#include "recipe/recipe.h"

namespace shelf::recipe {

// Deletes every match of every pattern of `recipe.remove` from `tree`; a
// pattern matching nothing is an error (the recipe is out of date). A
// matched link is removed itself, never what it names.
void remove_bundled(const Recipe& recipe, const std::string& tree);

// Copies what [install] names from `tree` into `out` (which is created);
// without [install], `tree` becomes `out` as a whole.
void install_tree(const Recipe& recipe, const std::string& tree, const std::string& out);

// tar --strip-components on the directory `name` of `work`: drops the
// first `count` components of every path; entries with fewer components
// are dropped.
void strip_components(const base::Tree& work, const std::string& name, int count, const std::string& file,
                      const Origin& origin);

// Moves the contents of `from_rel` (in `from`) into `to_rel` (in `to`,
// created when missing, beneath `to`), merging directories; two files of
// the same name are an error.
void merge_tree(const base::Tree& from, const std::string& from_rel, const base::Tree& to, const std::string& to_rel,
                const std::string& file, const Origin& origin);

}  // namespace shelf::recipe
