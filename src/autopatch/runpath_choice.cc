#include "autopatch/runpath_choice.h"

#include <map>
#include <queue>

namespace shelf::autopatch {

namespace {

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

}  // namespace

std::optional<std::vector<int>> choose_runpath(const std::vector<Request>& requests,
                                               const std::vector<int>& rank) {
  std::vector<int> chosen = greedy_cover(requests, rank);
  std::set<int> in_set(chosen.begin(), chosen.end());

  // Edges server -> stopper: the serving directory must be searched first.
  std::map<int, std::set<int>> after;
  std::map<int, int> indegree;
  for (int d : chosen) indegree[d] = 0;
  for (const Request& r : requests) {
    int server = -1;
    for (int d : r.accepted)
      if (in_set.count(d) && (server < 0 || rank[d] < rank[server])) server = d;
    for (int s : r.stops)
      if (in_set.count(s) && after[server].insert(s).second) ++indegree[s];
  }

  // Kahn's topological sort, the preferred ready directory first.
  auto later = [&](int a, int b) { return rank[a] > rank[b]; };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (const auto& [d, n] : indegree)
    if (n == 0) ready.push(d);
  std::vector<int> order;
  while (!ready.empty()) {
    int d = ready.top();
    ready.pop();
    order.push_back(d);
    for (int next : after[d])
      if (--indegree[next] == 0) ready.push(next);
  }
  if (order.size() != chosen.size()) return std::nullopt;  // a cycle
  return order;
}

}  // namespace shelf::autopatch
