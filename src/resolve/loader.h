// The loader's walk, as glibc's _dl_map_object_deps and _dl_map_object do
// it: breadth-first over DT_NEEDED starting at the program; a name that
// matches an object already loaded (a name it was requested by, its path or
// its SONAME) reuses it without searching; otherwise, for a name without
// '/', the search order is
//   1. DT_RPATH of the loading object, then of its loader, and so on up to
//      the program — only when the loading object has no DT_RUNPATH, and an
//      object's DT_RPATH counts only while it has no DT_RUNPATH itself;
//   2. LD_LIBRARY_PATH;
//   3. DT_RUNPATH of the loading object (never inherited);
//   4. ld.so.cache, entries of the program's ABI only;
//   5. the system directories;
// with 4 and 5 skipped for a loading object flagged DF_1_NODEFLIB. A file
// found is passed over when its class, machine or ABI differ from the
// program's; a file that is the same (device, inode) as a loaded object is
// that object. Dependency cycles end because every object is walked once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inspect/audit_report.h"
#include "resolve/default_dirs.h"
#include "resolve/ld_so_cache.h"
#include "resolve/library_cache.h"
#include "resolve/root.h"
#include "resolve/search_path.h"

namespace shelf::resolve {

// What stays the same for every program of one run.
struct LoaderEnvironment {
  const Root* root = nullptr;
  LibraryCache* files = nullptr;
  const LdSoCache* cache = nullptr;
  std::optional<std::string> library_path;  // LD_LIBRARY_PATH; nullopt = unset
  // Built-in directories per interpreter, filled as programs are loaded.
  std::map<std::string, SystemDirs>* system_dirs = nullptr;
};

struct LinkMap {
  std::vector<inspect::LoadedObject> objects;  // [0] is the program
  std::vector<inspect::Resolution> resolutions;
  std::vector<const LibraryFile*> files;        // per object
  std::vector<std::vector<std::string>> names;  // per object: names it answers to
  std::vector<TokenValues> tokens;              // per object: $ORIGIN, $LIB, $PLATFORM
  std::vector<std::string> system_dirs;
  std::vector<inspect::Finding> findings;       // interpreter problems

  // The loaded object `name` refers to (_dl_name_match_p over the map).
  std::optional<int> find(const std::string& name) const;
};

// Loads the program `main` (whose loader-visible path is `path`, shown as
// `display` in the report) the way its interpreter would.
LinkMap load_program(const LoaderEnvironment& env, const std::string& display,
                     const std::string& path, const LibraryFile& main);

}  // namespace shelf::resolve
