// Garbage collection: roots, liveness, and deletion in an order that never
// leaves a valid path referring to a deleted one.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace shelf::store {

// A store path kept alive, and what keeps it (the root's own file name).
struct GcRoot {
  std::string source;
  StorePath path;
};

// Every root, from each root source in turn: the symlinks below
// $SHELF_STATE/gcroots/ (followed through further symlinks outside the store,
// as Nix's indirect roots) and every generation of every profile.
std::vector<GcRoot> find_roots(Store& store);
std::vector<GcRoot> gcroot_links(Store& store);

struct GcResult {
  std::vector<std::string> deleted;  // full paths, in deletion order
  uint64_t bytes = 0;                // NAR size of the deleted valid paths
};

// Deletes every valid path not reachable from a root, then every entry of
// the store directory that is not a valid path. With dry_run, only reports.
GcResult collect_garbage(Store& store, bool dry_run);

// Deletes the given valid paths; refuses (Refused, nothing deleted) when one
// is referenced by a path outside the set or reachable from a root.
GcResult delete_paths(Store& store, const StorePathSet& paths);

}  // namespace shelf::store
