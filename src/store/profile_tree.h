// The file tree of a profile generation: one symlink per file that the
// members offer in the directories a desktop session looks at (`bin/`,
// `share/applications/`, `share/icons/`), in real directories, like Nix's
// buildEnv. Two members offering the same file is a conflict, never a
// silent choice.
#pragma once

#include <string>
#include <vector>

namespace shelf::store {

// The directories of a member that a generation links, relative to it.
inline const std::vector<std::string> kProfileDirs = {"bin", "share/applications", "share/icons"};

// Creates, below the existing directory `dest`, a symlink to every
// non-directory found under each kProfileDirs entry of each member (full
// store paths); directories become real directories. Throws Refused naming
// the file and both members when two members offer the same relative path.
// Nothing is checked into the store here; the caller adds `dest`.
void build_profile_tree(const std::vector<std::string>& members, const std::string& dest);

}  // namespace shelf::store
