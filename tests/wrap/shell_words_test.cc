// --add-flags splitting, checked against /bin/sh itself: for text without
// expansions, sh's word splitting and quote removal must give the same words.
#include <gtest/gtest.h>

#include <random>

#include "seen.h"
#include "wrap/error.h"
#include "wrap/shell_words.h"

namespace shelf::test {
namespace {

std::vector<std::string> sh_split(const std::string& text) {
  RunResult r = run({"/bin/sh", "-c", "printf '%s\\0' " + text});
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t i = 0; i < r.out.size(); ++i) {
    if (r.out[i] == '\0') {
      words.push_back(r.out.substr(start, i - start));
      start = i + 1;
    }
  }
  return words;
}

TEST(WrapShellWords, MatchesShOnQuotingCases) {
  const std::vector<std::string> cases = {
      "a b", "  a\t\tb  ", "'a b' c", "\"a \\\"b\\\" \\\\ c\"", "a\\ b", "'' x", "\"\" y",
      "a'b'\"c\"d", "\"a\\nb\"", "'a\\nb'", "\\\\", "\"\\'\"", "'\"'", "\"x\\\ny\"", "x\\\ny",
      "--flag=\"v a l\"", "\"\\$HOME\" '$HOME'", "\"\\`x\\`\""};
  for (const std::string& text : cases)
    EXPECT_EQ(wrap::split_shell_words(text, "test"), sh_split(text)) << "text: " << text;
}

// An unquoted newline would end an sh command; in --add-flags it separates
// words like a blank (makeWrapper splits $flags on IFS, which holds newline).
TEST(WrapShellWords, UnquotedNewlineSeparatesWords) {
  EXPECT_EQ(wrap::split_shell_words("a\nb 'c\nd'", "test"), (std::vector<std::string>{"a", "b", "c\nd"}));
}

TEST(WrapShellWords, UnterminatedQuotesAreRefused) {
  EXPECT_THROW(wrap::split_shell_words("'abc", "--add-flags"), wrap::Error);
  EXPECT_THROW(wrap::split_shell_words("\"abc", "--add-flags"), wrap::Error);
  EXPECT_THROW(wrap::split_shell_words("abc\\", "--add-flags"), wrap::Error);
}

TEST(WrapShellWords, QuoteSplitRoundTripsRandomWords) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> words(rng() % 5);
    std::string text;
    for (std::string& w : words) {
      size_t len = rng() % 12;
      for (size_t i = 0; i < len; ++i) w += static_cast<char>(1 + rng() % 255);
      text += wrap::shell_quote(w) + " ";
    }
    EXPECT_EQ(wrap::split_shell_words(text, "test"), words);
  }
}

}  // namespace
}  // namespace shelf::test
