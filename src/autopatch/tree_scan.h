// Finding the files to patch: every regular ELF file with a dynamic section
// under the tree, walked without following any symbolic link (a link that
// leaves the tree is never read, a link inside it names a file the walk
// reaches anyway). Static programs, relocatable objects and non-ELF files
// are listed as skipped. Hard links to one file are patched once.
#pragma once

#include <string>
#include <vector>

#include "autopatch/autopatch.h"
#include "inspect/facts.h"

namespace shelf::autopatch {

struct TreeFile {
  std::string path;       // as walked (Options::dir joined with the relative path)
  std::string real_path;  // absolute, links resolved
  std::vector<std::string> hard_links;
  inspect::Facts facts;
};

struct TreeScan {
  std::string root;  // absolute, links resolved
  std::vector<TreeFile> files;  // sorted by path
  std::vector<Skipped> skipped;
};

// Throws elf::Error when `dir` is not a readable directory or a file with
// the ELF magic does not parse.
TreeScan scan_tree(const std::string& dir);

// True when `path` (absolute, normalised) is `root` or lies below it.
bool inside(const std::string& root, const std::string& path);

}  // namespace shelf::autopatch
