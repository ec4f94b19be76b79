// `shelf wrap --in-place` (wrapProgram): the program moves to
// .NAME-wrapped, the wrapper takes its place; wrapping again extends the
// wrapper instead of wrapping it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class InPlace : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("wrap-inplace-" + kind_name(GetParam()));
    prog_ = dir_ + "/prog";
    fs::copy_file(printargs(), prog_);
  }
  RunResult wrap_in_place(const std::vector<std::string>& flags) {
    std::vector<std::string> argv = {shelf_bin(), "wrap", "--in-place"};
    if (GetParam() == Kind::binary)
      argv.push_back("--binary");
    else
      argv.insert(argv.end(), {"--shell", "/bin/bash"});
    argv.push_back(prog_);
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run(argv);
  }
  std::string dir_, prog_;
};

TEST_P(InPlace, MovesTheProgramAsideAndInheritsArgv0) {
  RunResult r = wrap_in_place({"--set", "T_1", "one"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string hidden = dir_ + "/.prog-wrapped";
  EXPECT_EQ(slurp(hidden), slurp(printargs()));
  EXPECT_NE(slurp(prog_), slurp(printargs()));
  RunResult ran = run({"/bin/bash", "-c", "exec -a prog-name \"$0\" arg", prog_});
  Seen s = parse_seen(ran.out);
  EXPECT_EQ(s.get("T_1"), "one");
  EXPECT_EQ(s.argv, (std::vector<std::string>{GetParam() == Kind::binary ? "prog-name" : prog_, "arg"}));
}

TEST_P(InPlace, WrappingTwiceExtendsTheWrapper) {
  ASSERT_EQ(wrap_in_place({"--set", "T_1", "one", "--add-flag", "first"}).status, 0);
  RunResult again = wrap_in_place({"--set", "T_2", "two", "--add-flag", "second"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_FALSE(fs::exists(dir_ + "/.prog-wrapped_")) << "the wrapper itself was wrapped";
  EXPECT_EQ(slurp(dir_ + "/.prog-wrapped"), slurp(printargs()));
  Seen s = run_seen(prog_, {"x"});
  EXPECT_EQ(s.get("T_1"), "one");
  EXPECT_EQ(s.get("T_2"), "two");
  ASSERT_GE(s.argv.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(s.argv.begin() + 1, s.argv.end()),
            (std::vector<std::string>{"first", "second", "x"}));
  RunResult show = run({shelf_bin(), "wrap", "--show", prog_});
  EXPECT_EQ(show.out.rfind("target '" + dir_ + "/.prog-wrapped'\n", 0), 0u) << show.out;
}

TEST_P(InPlace, AnExistingHiddenNameIsNotOverwritten) {
  std::ofstream(dir_ + "/.prog-wrapped") << "someone else's file";
  ASSERT_EQ(wrap_in_place({}).status, 0);
  EXPECT_EQ(slurp(dir_ + "/.prog-wrapped"), "someone else's file");
  EXPECT_EQ(slurp(dir_ + "/.prog-wrapped_"), slurp(printargs()));
  EXPECT_EQ(run_seen(prog_).argv.size(), 1u);
}

TEST_P(InPlace, ARefusedWrapLeavesTheProgramInPlace) {
  RunResult r = wrap_in_place({"--set", "BAD NAME", "x"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(slurp(prog_), slurp(printargs()));
  EXPECT_FALSE(fs::exists(dir_ + "/.prog-wrapped"));
}

INSTANTIATE_TEST_SUITE_P(Wrap, InPlace, ::testing::Values(Kind::shell, Kind::binary),
                         [](const auto& info) { return kind_name(info.param); });

TEST(WrapInPlaceDash, WarnsThatArgv0CannotBeKept) {
  std::string dir = make_temp_dir("wrap-inplace-dash");
  fs::copy_file(printargs(), dir + "/prog");
  RunResult r = run({shelf_bin(), "wrap", "--in-place", "--shell", "/bin/dash", dir + "/prog", "--set", "T_D", "d"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  Seen s = run_seen(dir + "/prog");
  EXPECT_EQ(s.get("T_D"), "d");
  EXPECT_EQ(s.argv.at(0), dir + "/.prog-wrapped");
}

}  // namespace
}  // namespace shelf::test
