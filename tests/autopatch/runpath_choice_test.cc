// choose_runpath against a brute force over every ordered list of
// directories: on random small problems its answer must make the loader
// find an acceptable file first for every request (the loader's walk is
// simulated here, independently), and no shorter list may do so.
#include <algorithm>
#include <optional>
#include <random>

#include <gtest/gtest.h>

#include "autopatch/runpath_choice.h"

namespace shelf::autopatch {
namespace {

// The loader walks the RUNPATH in order and takes the first directory that
// holds the name: it must be one whose file is acceptable.
bool loader_finds_all(const std::vector<Request>& requests, const std::vector<int>& runpath) {
  for (const Request& r : requests) {
    bool ok = false;
    for (int d : runpath) {
      if (r.stops.count(d)) break;
      if (r.accepted.count(d)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

// The length of the shortest working RUNPATH, by trying every subset in
// every order; nullopt when none works.
std::optional<size_t> shortest(const std::vector<Request>& requests, int dirs) {
  std::optional<size_t> best;
  for (unsigned mask = 0; mask < (1u << dirs); ++mask) {
    std::vector<int> list;
    for (int d = 0; d < dirs; ++d)
      if (mask & (1u << d)) list.push_back(d);
    if (best && list.size() >= *best) continue;
    do {
      if (loader_finds_all(requests, list)) {
        best = list.size();
        break;
      }
    } while (std::next_permutation(list.begin(), list.end()));
  }
  return best;
}

TEST(AutopatchRunpathChoice, RandomProblemsGetAShortestWorkingRunpath) {
  std::mt19937 rng(20261129);
  int solved = 0, unsolvable = 0;
  for (int round = 0; round < 3000; ++round) {
    int dirs = 1 + static_cast<int>(rng() % 5);
    int nreq = 1 + static_cast<int>(rng() % 5);
    std::vector<Request> requests(nreq);
    for (Request& r : requests) {
      for (int d = 0; d < dirs; ++d) switch (rng() % 4) {
          case 0: r.accepted.insert(d); break;
          case 1: r.stops.insert(d); break;
          default: break;  // no such file there, or one the loader passes over
        }
      if (r.accepted.empty()) {
        int d = static_cast<int>(rng() % dirs);
        r.stops.erase(d);
        r.accepted.insert(d);
      }
    }
    std::vector<int> rank(dirs);
    for (int d = 0; d < dirs; ++d) rank[d] = d;
    std::shuffle(rank.begin(), rank.end(), rng);

    std::optional<std::vector<int>> got = choose_runpath(requests, rank);
    std::optional<size_t> best = shortest(requests, dirs);
    SCOPED_TRACE("round " + std::to_string(round));
    if (!best) {
      EXPECT_FALSE(got);
      ++unsolvable;
      continue;
    }
    ASSERT_TRUE(got);
    EXPECT_TRUE(loader_finds_all(requests, *got));
    EXPECT_EQ(got->size(), *best);
    ++solved;
  }
  // The generator must produce both kinds, or the test proves little.
  EXPECT_GT(solved, 1000);
  EXPECT_GT(unsolvable, 10);
}

TEST(AutopatchRunpathChoice, ThePreferredDirectoryWinsATieAndAServerPrecedesAStopper) {
  // libA is in dirs 0 and 1, libB only in 1: dir 1 alone suffices.
  std::vector<Request> one{{"libA", {0, 1}, {}}, {"libB", {1}, {}}};
  EXPECT_EQ(choose_runpath(one, {0, 1}), (std::vector<int>{1}));
  // libV in dir 1 lacks a version (stops), the good one is in dir 2; dir 1
  // is needed for libC. Preference says 1 first; the loader needs 2 first.
  std::vector<Request> two{{"libV", {2}, {1}}, {"libC", {1}, {}}};
  EXPECT_EQ(choose_runpath(two, {0, 1, 2}), (std::vector<int>{2, 1}));
  // Two requests needing opposite orders of the same two directories.
  std::vector<Request> three{{"libX", {0}, {1}}, {"libY", {1}, {0}}};
  EXPECT_EQ(choose_runpath(three, {0, 1}), std::nullopt);
}

}  // namespace
}  // namespace shelf::autopatch
