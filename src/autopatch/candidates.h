// The libraries a patched tree may use: every file in the tree itself
// (bundled libraries, through in-tree links too) and the library directories
// of the dependencies, indexed by file name, because the loader searches a
// RUNPATH directory by file name. Facts are read once per file and only when
// a name is asked for, so a dependency of thousands of libraries costs one
// directory listing.
//
// For one requesting file and one name, `lookup` says per directory what
// glibc's loader would do with the file it finds there: pass over it (wrong
// class or machine: it tries the next directory), accept it, or stop on it
// (a wrong byte order or OS ABI, a file that is not ELF, or a library that
// lacks a symbol version the requester needs: dl-version.c fails the load).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autopatch/tree_scan.h"
#include "inspect/facts.h"
#include "resolve/library_cache.h"

namespace shelf::autopatch {

struct SearchDir {
  std::string path;  // absolute
  bool in_tree = false;
};

struct Candidate {
  enum class Fit { kPassedOver, kAccepted, kStops };
  int dir = 0;                        // index into Candidates::dirs()
  std::string path;                   // host path of the file
  Fit fit = Fit::kPassedOver;
  std::string reason;                 // why it does not fit
  std::vector<std::string> lacking;   // versions it does not define
};

// The library directories of one dependency: its lib/ and lib64/ when it
// has them (a store path), otherwise the directory itself. Throws
// elf::Error when `dep` is not a directory.
std::vector<std::string> dependency_dirs(const std::string& dep);

class Candidates {
 public:
  // Throws elf::Error for a dependency that is not a directory.
  Candidates(const TreeScan& tree, const std::vector<std::string>& deps);

  const std::vector<SearchDir>& dirs() const { return dirs_; }

  // Every directory holding a file called `name`, in dirs() order, judged
  // for a requester with facts `want` needing `versions` from it.
  std::vector<Candidate> lookup(const inspect::Facts& want, const std::string& name,
                                const std::vector<std::string>& versions);

  // The dynamic loader for `want`'s ABI among the dependencies' files
  // (ld-linux*.so*, ld*.so.*: an ET_DYN file of the same class, byte order
  // and machine). A loader with the file name of `current` (the program's
  // PT_INTERP) wins, then dependency order.
  std::optional<std::string> loader_for(const inspect::Facts& want,
                                        const std::optional<std::string>& current);

 private:
  void index_dir(const std::string& dir, bool in_tree, const std::string& root);

  std::vector<SearchDir> dirs_;
  std::unordered_map<std::string, std::vector<std::pair<int, std::string>>> by_name_;
  std::vector<std::pair<int, std::string>> loaders_;  // (dir, host path)
  resolve::LibraryCache files_;
};

}  // namespace shelf::autopatch
