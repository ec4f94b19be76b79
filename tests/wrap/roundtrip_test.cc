// Property test: random strings of every byte value 1-255 survive --set,
// --add-flags (quoted for sh, by the test's own quoting) and the caller's
// argv, through both wrapper kinds.
#include <gtest/gtest.h>

#include <random>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

// Strings biased towards the bytes that break quoting.
std::string random_string(std::mt19937& rng) {
  static const std::string nasty = "'\"$`\\ \t\n*?[]{}()<>|&;#~%!=-:";
  std::string s;
  size_t len = rng() % 24;
  for (size_t i = 0; i < len; ++i) {
    if (rng() % 3 == 0)
      s += nasty[rng() % nasty.size()];
    else
      s += static_cast<char>(1 + rng() % 255);
  }
  return s;
}

// Double-quoted for sh: only $ ` " \ need a backslash.
std::string dq(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '$' || c == '`' || c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class RoundTrip : public ::testing::TestWithParam<Kind> {};

TEST_P(RoundTrip, RandomStringsSurviveSetAddFlagsAndArgv) {
  std::mt19937 rng(GetParam() == Kind::shell ? 11 : 12);
  std::string dir = make_temp_dir("wrap-roundtrip-" + kind_name(GetParam()));
  int checked = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<std::string> flags, set_values, flag_values, caller;
    std::string add_flags;
    for (int i = 0; i < 40; ++i) {
      set_values.push_back(random_string(rng));
      flags.insert(flags.end(), {"--set", "T_R" + std::to_string(i), set_values.back()});
      flag_values.push_back(random_string(rng));
      add_flags += (i % 2 ? sq(flag_values.back()) : dq(flag_values.back())) + (i % 3 ? " " : " \t\n ");
      caller.push_back(random_string(rng));
    }
    flags.insert(flags.end(), {"--add-flags", add_flags});
    std::string w = dir + "/w" + std::to_string(round);
    make_wrapper(GetParam(), printargs(), w, flags);
    Seen s = run_seen(w, caller);
    for (int i = 0; i < 40; ++i) {
      EXPECT_EQ(s.get("T_R" + std::to_string(i)), set_values[i]) << "round " << round << " value " << i;
      ++checked;
    }
    std::vector<std::string> expected = {printargs()};
    expected.insert(expected.end(), flag_values.begin(), flag_values.end());
    expected.insert(expected.end(), caller.begin(), caller.end());
    EXPECT_EQ(s.argv, expected) << "round " << round;
    checked += 80;
  }
  EXPECT_EQ(checked, 480);
}

INSTANTIATE_TEST_SUITE_P(Wrap, RoundTrip, ::testing::Values(Kind::shell, Kind::binary),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace shelf::test
