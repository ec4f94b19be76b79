// Turning a recipe's [[source]] entries into one unpacked tree: locate or
// fetch each file, check its sha256 before anything reads it, unpack it
// with the store's libarchive importer (store/unpack.h: no '..', absolute
// paths or escaping symlinks; makeself installers are parsed, never run),
// drop leading components and merge it into the tree.
#pragma once

#include <string>

#include "recipe/recipe.h"

namespace shelf::recipe {

// The local file of `source`: its path resolved against the recipe's
// directory, or for a URL the download in `work`.
std::string source_file(const Recipe& recipe, const Source& source, const std::string& work);

// Throws recipe::Error naming the source's sha256 key when the file's
// SHA-256 differs from the declared one (both printed in Nix base-32).
void check_sha256(const Recipe& recipe, const Source& source, const std::string& path);

// Fetches, checks and unpacks every source into `tree` (created), using
// `work` (an existing empty directory) for downloads and unpacking.
void unpack_sources(const Recipe& recipe, const std::string& work, const std::string& tree);

}  // namespace shelf::recipe
