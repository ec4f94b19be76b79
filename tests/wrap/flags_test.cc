// Every makeWrapper flag, for both wrapper kinds: write a wrapper around
// the printargs fixture, run it, and check what the program saw.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

class Flags : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override { dir_ = make_temp_dir("wrap-flags-" + kind_name(GetParam())); }
  // Wraps printargs with `flags`, runs it with `args` and `env`.
  Seen wrap_and_run(const std::vector<std::string>& flags, const std::vector<std::string>& args = {},
                    const std::map<std::string, std::string>& env = {}) {
    std::string out = dir_ + "/w" + std::to_string(counter_++);
    make_wrapper(GetParam(), printargs(), out, flags);
    return run_seen(out, args, env);
  }
  std::string dir_;
  int counter_ = 0;
};

TEST_P(Flags, NoFlagsPassesArgumentsThroughAndExecs) {
  Seen s = wrap_and_run({}, {"a", "", "b c", "--set", "-"});
  EXPECT_EQ(s.argv, (std::vector<std::string>{printargs(), "a", "", "b c", "--set", "-"}));
  // exec, not fork: the program's parent is this test, not a wrapper process.
  EXPECT_EQ(s.ppid, static_cast<long>(getpid()));
}

TEST_P(Flags, Set) {
  Seen s = wrap_and_run({"--set", "T_SET", "a 'b' \"c\" $d `e` \\f\n\xff"}, {}, {{"T_SET", "old"}});
  EXPECT_EQ(s.get("T_SET"), "a 'b' \"c\" $d `e` \\f\n\xff");
  EXPECT_EQ(wrap_and_run({"--set", "T_EMPTY", ""}).get("T_EMPTY"), "");
}

TEST_P(Flags, SetDefaultOnlyWhenUnset) {
  std::vector<std::string> flags = {"--set-default", "T_DEF", "fallback"};
  EXPECT_EQ(wrap_and_run(flags).get("T_DEF"), "fallback");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_DEF", "mine"}}).get("T_DEF"), "mine");
  // Set but empty counts as set (makeWrapper: ${VAR-default}).
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_DEF", ""}}).get("T_DEF"), "");
}

TEST_P(Flags, Unset) {
  Seen s = wrap_and_run({"--unset", "T_GONE"}, {}, {{"T_GONE", "x"}, {"T_KEPT", "y"}});
  EXPECT_FALSE(s.has("T_GONE"));
  EXPECT_EQ(s.get("T_KEPT"), "y");
}

TEST_P(Flags, PrefixKeepsOrderAvoidsEmptySeparatorAndDuplicates) {
  std::vector<std::string> flags = {"--prefix", "T_P", ":", "/a:/b"};
  EXPECT_EQ(wrap_and_run(flags).get("T_P"), "/a:/b");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_P", ""}}).get("T_P"), "/a:/b");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_P", "/c"}}).get("T_P"), "/a:/b:/c");
  // A part already there moves to the front instead of appearing twice.
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_P", "/c:/b:/d"}}).get("T_P"), "/a:/b:/c:/d");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_P", "/a:/b"}}).get("T_P"), "/a:/b");
  // Separators longer than one byte and values with glob characters.
  EXPECT_EQ(wrap_and_run({"--prefix", "T_Q", "::", "*x"}, {}, {{"T_Q", "y::*x"}}).get("T_Q"), "*x::y");
}

TEST_P(Flags, SuffixAppendsOnlyNewParts) {
  std::vector<std::string> flags = {"--suffix", "T_S", ":", "/a:/b"};
  EXPECT_EQ(wrap_and_run(flags).get("T_S"), "/a:/b");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_S", ""}}).get("T_S"), "/a:/b");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_S", "/b:/c"}}).get("T_S"), "/b:/c:/a");
  EXPECT_EQ(wrap_and_run(flags, {}, {{"T_S", "/a:/b"}}).get("T_S"), "/a:/b");
}

TEST_P(Flags, PrefixEachAndSuffixEachSplitOnBlanks) {
  EXPECT_EQ(wrap_and_run({"--prefix-each", "T_E", ":", "/x /y"}, {}, {{"T_E", "/z"}}).get("T_E"), "/y:/x:/z");
  EXPECT_EQ(wrap_and_run({"--suffix-each", "T_E", ":", "/x\t/y"}, {}, {{"T_E", "/z"}}).get("T_E"), "/z:/x:/y");
}

TEST_P(Flags, ContentsAreShellOnly) {
  std::string f1 = dir_ + "/c1", f2 = dir_ + "/c2";
  std::ofstream(f1) << "/from1\n";
  std::ofstream(f2) << "/from2:/from3\n\n";
  std::vector<std::string> flags = {"--prefix-contents", "T_C", ":", f1 + " " + f2, "--suffix-contents", "T_D", ":", f1};
  if (GetParam() == Kind::binary) {
    RunResult r = try_make_wrapper(Kind::binary, printargs(), dir_ + "/refused", flags);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--prefix-contents"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/refused"));
    return;
  }
  Seen s = wrap_and_run(flags, {}, {{"T_C", "/old"}, {"T_D", "/old"}});
  EXPECT_EQ(s.get("T_C"), "/from2:/from3:/from1:/old");
  EXPECT_EQ(s.get("T_D"), "/old:/from1");
}

TEST_P(Flags, Chdir) {
  std::string odd = dir_ + "/dir with 'quote' and $x";
  std::filesystem::create_directories(odd);
  EXPECT_EQ(wrap_and_run({"--chdir", odd}).cwd, odd);
}

TEST_P(Flags, RunIsShellOnly) {
  std::vector<std::string> flags = {"--set", "T_N", "2", "--run", "T_RUN=$((T_N + 1)); export T_RUN"};
  if (GetParam() == Kind::binary) {
    RunResult r = try_make_wrapper(Kind::binary, printargs(), dir_ + "/refused", flags);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--run"), std::string::npos) << r.err;
    return;
  }
  EXPECT_EQ(wrap_and_run(flags).get("T_RUN"), "3");
}

TEST_P(Flags, FlagsGoAroundTheCallersArgumentsInOrder) {
  Seen s = wrap_and_run({"--add-flags", "-a 'b c' \"d\\\"e\"", "--append-flag", "z 1", "--add-flag", "$HOME *",
                         "--append-flags", "y\\ 2 x", "--add-flags", ""},
                        {"caller 1", "caller2"});
  EXPECT_EQ(s.argv, (std::vector<std::string>{printargs(), "-a", "b c", "d\"e", "$HOME *", "caller 1", "caller2",
                                               "z 1", "y 2", "x"}));
}

TEST_P(Flags, OperationsApplyInOrder) {
  Seen s = wrap_and_run({"--set", "T_O", "1", "--prefix", "T_O", ":", "2", "--set-default", "T_O", "9", "--suffix",
                         "T_O", ":", "3", "--unset", "T_U", "--set", "T_U", "back"},
                        {}, {{"T_U", "orig"}});
  EXPECT_EQ(s.get("T_O"), "2:1:3");
  EXPECT_EQ(s.get("T_U"), "back");
  Seen t = wrap_and_run({"--set", "T_O", "1", "--unset", "T_O"});
  EXPECT_FALSE(t.has("T_O"));
}

TEST_P(Flags, ShowPrintsTheSameConfigurationAsShelf) {
  std::string out = dir_ + "/shown";
  make_wrapper(GetParam(), printargs(), out, {"--set", "T_A", "it's\nhere", "--add-flags", "x y", "--chdir", "/"});
  RunResult shelf_view = run({shelf_bin(), "wrap", "--show", out});
  ASSERT_EQ(shelf_view.status, 0) << shelf_view.err;
  EXPECT_NE(shelf_view.out.find("--set 'T_A' 'it'\\''s\nhere'"), std::string::npos) << shelf_view.out;
  EXPECT_NE(shelf_view.out.find("--add-flag 'y'"), std::string::npos) << shelf_view.out;
  if (GetParam() == Kind::binary) {
    // The launcher's own reader (C) agrees with shelf's (C++).
    RunResult own = run({out, "--shelf-wrapper-show"});
    ASSERT_EQ(own.status, 0) << own.err;
    EXPECT_EQ(own.out, shelf_view.out);
  }
}

INSTANTIATE_TEST_SUITE_P(Wrap, Flags, ::testing::Values(Kind::shell, Kind::binary),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace shelf::test
