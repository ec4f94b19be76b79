// Choosing a RUNPATH: the smallest ordered set of directories from which the
// loader finds an acceptable file for every request.
//
// Each request knows which directories hold an acceptable file and which
// hold a file the loader would stop on (wrong byte order, not ELF, missing
// symbol version); directories whose file the loader passes over (wrong
// class or machine) do not matter. Choosing the fewest directories is set
// cover, which is NP-hard in general but tiny per file: with up to 12
// useful directories every subset is tried, smallest first and the most
// preferred directories first within one size, and the first that can be
// ordered wins; beyond that the greedy cover (the directory serving most
// unserved requests, ties to the preferred one; within ln(n) of optimal)
// is used. The chosen directories take the most preferred order in which
// the loader meets an acceptable file of every request before a file it
// would stop on (every order is tried for up to 5 directories; beyond that
// a topological sort serves each request from its preferred directory).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shelf::autopatch {

struct Request {
  std::string name;
  std::set<int> accepted;  // directories with an acceptable file
  std::set<int> stops;     // directories with a file the loader would stop on
};

// `rank[d]`: preference of directory d (lower first). Every request must
// have at least one accepted directory. nullopt when no set of directories
// can be ordered to satisfy all requests (they need opposite orders of the
// same directories).
std::optional<std::vector<int>> choose_runpath(const std::vector<Request>& requests,
                                               const std::vector<int>& rank);

}  // namespace shelf::autopatch
