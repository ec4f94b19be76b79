#include "autopatch/runpath_choice.h"

#include <algorithm>
#include <map>
#include <queue>

namespace shelf::autopatch {

namespace {

// Above this many useful directories the exact search (2^n subsets) gives
// way to the greedy cover; real files rarely have more than a handful.
constexpr size_t kExactLimit = 12;

std::vector<int> greedy_cover(const std::vector<Request>& requests, const std::vector<int>& rank) {
  std::vector<bool> served(requests.size(), false);
  size_t left = requests.size();
  std::vector<int> chosen;
  while (left > 0) {
    std::map<int, size_t> gain;  // directory -> unserved requests it serves
    for (size_t i = 0; i < requests.size(); ++i)
      if (!served[i])
        for (int d : requests[i].accepted) ++gain[d];
    int best = -1;
    for (const auto& [d, g] : gain)
      if (best < 0 || g > gain[best] || (g == gain[best] && rank[d] < rank[best])) best = d;
    chosen.push_back(best);
    for (size_t i = 0; i < requests.size(); ++i)
      if (!served[i] && requests[i].accepted.count(best)) {
        served[i] = true;
        --left;
      }
  }
  return chosen;
}

// Up to this many chosen directories every order is tried; beyond it the
// topological sort below decides.
constexpr size_t kPermuteLimit = 5;

// True when the loader, walking `runpath`, meets an acceptable file of
// every request before any file it would stop on.
bool works(const std::vector<Request>& requests, const std::vector<int>& runpath) {
  return std::all_of(requests.begin(), requests.end(), [&](const Request& r) {
    for (int d : runpath) {
      if (r.accepted.count(d)) return true;
      if (r.stops.count(d)) return false;
    }
    return false;
  });
}

// Orders `chosen` by preference, except that a directory serving a request
// comes before every chosen directory that would stop the loader on it
// (Kahn's topological sort, the preferred ready directory first). Each
// request is served by its most preferred accepting directory, so this can
// miss an order that serves it from another one: nullopt then.
std::optional<std::vector<int>> topological(const std::vector<Request>& requests, const std::vector<int>& rank,
                                      const std::vector<int>& chosen) {
  std::set<int> in_set(chosen.begin(), chosen.end());
  std::map<int, std::set<int>> after;  // server -> stoppers that must follow it
  std::map<int, int> indegree;
  for (int d : chosen) indegree[d] = 0;
  for (const Request& r : requests) {
    int server = -1;
    for (int d : r.accepted)
      if (in_set.count(d) && (server < 0 || rank[d] < rank[server])) server = d;
    for (int s : r.stops)
      if (in_set.count(s) && after[server].insert(s).second) ++indegree[s];
  }
  auto later = [&](int a, int b) { return rank[a] > rank[b]; };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (const auto& [d, n] : indegree)
    if (n == 0) ready.push(d);
  std::vector<int> out;
  while (!ready.empty()) {
    int d = ready.top();
    ready.pop();
    out.push_back(d);
    for (int next : after[d])
      if (--indegree[next] == 0) ready.push(next);
  }
  if (out.size() != chosen.size()) return std::nullopt;
  return out;
}

// The first working order of `chosen` in preference order: every
// permutation for a few directories, the topological sort beyond.
std::optional<std::vector<int>> order(const std::vector<Request>& requests, const std::vector<int>& rank,
                                      std::vector<int> chosen) {
  if (chosen.size() > kPermuteLimit) return topological(requests, rank, chosen);
  auto preferred = [&](int a, int b) { return rank[a] < rank[b]; };
  std::sort(chosen.begin(), chosen.end(), preferred);
  do {
    if (works(requests, chosen)) return chosen;
  } while (std::next_permutation(chosen.begin(), chosen.end(), preferred));
  return std::nullopt;
}

// The smallest covers first, and among covers of one size the one whose
// directories are most preferred (subsets visited in rank order); the first
// that can be ordered wins.
std::optional<std::vector<int>> exact(const std::vector<Request>& requests, const std::vector<int>& rank,
                                      std::vector<int> useful) {
  std::sort(useful.begin(), useful.end(), [&](int a, int b) { return rank[a] < rank[b]; });
  size_t n = useful.size();
  for (size_t k = 1; k <= n; ++k) {
    // Combinations of k out of n in lexicographic order of positions.
    std::vector<size_t> pos(k);
    for (size_t i = 0; i < k; ++i) pos[i] = i;
    while (true) {
      std::vector<int> chosen;
      for (size_t p : pos) chosen.push_back(useful[p]);
      bool covers = std::all_of(requests.begin(), requests.end(), [&](const Request& r) {
        return std::any_of(chosen.begin(), chosen.end(), [&](int d) { return r.accepted.count(d) > 0; });
      });
      if (covers)
        if (std::optional<std::vector<int>> ordered = order(requests, rank, chosen)) return ordered;
      size_t i = k;
      while (i > 0 && pos[i - 1] == n - k + (i - 1)) --i;
      if (i == 0) break;
      ++pos[i - 1];
      for (size_t j = i; j < k; ++j) pos[j] = pos[j - 1] + 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<int>> choose_runpath(const std::vector<Request>& requests,
                                               const std::vector<int>& rank) {
  if (requests.empty()) return std::vector<int>{};
  std::set<int> useful;
  for (const Request& r : requests) useful.insert(r.accepted.begin(), r.accepted.end());
  if (useful.size() <= kExactLimit) return exact(requests, rank, {useful.begin(), useful.end()});
  return order(requests, rank, greedy_cover(requests, rank));
}

}  // namespace shelf::autopatch
