// Property test for --prefix/--suffix: random lists (items with glob
// characters, quotes, blanks, high bytes; many repeats) through both
// wrapper kinds, compared with a model of makeWrapper's addValue() written
// here from its description.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

std::string strip_one(std::string s, const std::string& sep) {
  if (s.rfind(sep, 0) == 0) s.erase(0, sep.size());
  if (s.size() >= sep.size() && s.compare(s.size() - sep.size(), sep.size(), sep) == 0)
    s.erase(s.size() - sep.size());
  return s;
}

// One component, as makeWrapper's generated bash does it.
std::string model_add(bool prefix, const std::string& current, const std::string& sep, const std::string& v) {
  std::string list = current.empty() ? "" : sep + current + sep;
  size_t at = list.find(sep + v + sep);
  if (prefix) {
    if (at != std::string::npos) list.replace(at, v.size() + 2 * sep.size(), sep);
    list = v + list;
  } else if (at == std::string::npos) {
    list += v;
  }
  return strip_one(list, sep);
}

std::string model_flag(bool prefix, std::string current, const std::string& sep, const std::string& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t at = value.find(sep, start);
    std::string part = value.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (!part.empty()) parts.push_back(part);
    if (at == std::string::npos) break;
    start = at + sep.size();
  }
  if (prefix) std::reverse(parts.begin(), parts.end());
  for (const std::string& p : parts) current = model_add(prefix, current, sep, p);
  return current;
}

class ListProperty : public ::testing::TestWithParam<Kind> {};

TEST_P(ListProperty, RandomListsMatchMakeWrapperModel) {
  std::mt19937 rng(GetParam() == Kind::shell ? 21 : 22);
  const std::vector<std::string> pool = {"/a", "/b b", "*", "?x", "[ab]", "'q'", "\"d\"", "$HOME", "`c`",
                                         "\\e", "\n", "\xe9t\xe9", "a*b", ""};
  const std::string sep = ":";
  auto random_list = [&](size_t max) {
    std::string s;
    for (size_t n = rng() % max; n > 0; --n) s += pool[rng() % pool.size()] + (rng() % 4 ? sep : sep + sep);
    if (rng() % 2 && !s.empty()) s.pop_back();
    return s;
  };
  std::string dir = make_temp_dir("wrap-lists-" + kind_name(GetParam()));
  for (int round = 0; round < 15; ++round) {
    std::string current = random_list(5);
    std::vector<std::string> flags;
    std::string expected = current;
    for (int op = 0; op < 3; ++op) {
      bool prefix = rng() % 2;
      std::string value = random_list(4);
      flags.insert(flags.end(), {prefix ? "--prefix" : "--suffix", "T_L", sep, value});
      expected = model_flag(prefix, expected, sep, value);
    }
    std::string w = dir + "/w" + std::to_string(round);
    make_wrapper(GetParam(), printargs(), w, flags);
    Seen s = run_seen(w, {}, {{"T_L", current}});
    EXPECT_EQ(s.get("T_L"), expected) << "round " << round << " start '" << current << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(Wrap, ListProperty, ::testing::Values(Kind::shell, Kind::binary),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace shelf::test
