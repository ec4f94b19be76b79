// Choosing a RUNPATH: the smallest ordered set of directories from which the
// loader finds an acceptable file for every request.
//
// Each request knows which directories hold an acceptable file and which
// hold a file the loader would stop on (wrong byte order, not ELF, missing
// symbol version); directories whose file the loader passes over (wrong
// class or machine) do not matter. Choosing the fewest directories is set
// cover, which is NP-hard; we use the greedy cover (take the directory that
// serves most unserved requests, ties to the preferred directory), which is
// optimal for the usual trees where each library lives in one place and
// within ln(n) of optimal otherwise. The chosen directories are then
// ordered by preference, except that a directory serving a request must
// come before any chosen directory that would stop the loader on that
// request.
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
// have at least one accepted directory. nullopt when no order satisfies all
// requests (two requests need opposite orders of the same two directories).
std::optional<std::vector<int>> choose_runpath(const std::vector<Request>& requests,
                                               const std::vector<int>& rank);

}  // namespace shelf::autopatch
