// --argv0, --inherit-argv0, --resolve-argv0 for both kinds. Shell wrappers
// need a shell with `exec -a` (bash here); dash is refused with a reason.
#include <gtest/gtest.h>

#include <filesystem>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

// Starts `program` with argv[0] set to `argv0` (bash's exec -a).
Seen run_as(const std::string& argv0, const std::string& program, const std::map<std::string, std::string>& env = {}) {
  RunResult r = run({"/bin/bash", "-c", "exec -a \"$0\" \"$1\"", argv0, program}, env);
  EXPECT_EQ(r.status, 0) << r.err;
  return parse_seen(r.out);
}

class Argv0 : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override { dir_ = make_temp_dir("wrap-argv0-" + kind_name(GetParam())); }
  std::string wrap(std::vector<std::string> flags, const std::string& name = "w") {
    if (GetParam() == Kind::shell) flags.insert(flags.begin(), {"--shell", "/bin/bash"});
    std::string out = dir_ + "/" + name;
    make_wrapper(GetParam(), printargs(), out, flags);
    return out;
  }
  std::string dir_;
};

TEST_P(Argv0, DefaultIsTheTargetPath) {
  EXPECT_EQ(run_as("anything", wrap({})).argv.at(0), printargs());
}

TEST_P(Argv0, FixedName) {
  EXPECT_EQ(run_as("anything", wrap({"--argv0", "my name $x 'q'"})).argv.at(0), "my name $x 'q'");
}

TEST_P(Argv0, LastArgv0FlagWins) {
  EXPECT_EQ(run_as("x", wrap({"--argv0", "a", "--inherit-argv0", "--argv0", "b"})).argv.at(0), "b");
}

TEST_P(Argv0, Inherit) {
  std::string w = wrap({"--inherit-argv0"});
  if (GetParam() == Kind::binary) {
    EXPECT_EQ(run_as("called-as", w).argv.at(0), "called-as");
  } else {
    // A script only knows the path the kernel ran it from ($0).
    EXPECT_EQ(run_as("called-as", w).argv.at(0), w);
  }
}

TEST_P(Argv0, ResolveLooksUpABareNameInPath) {
  std::string w = wrap({"--resolve-argv0"}, "tool");
  std::string path = dir_ + ":/usr/bin:/bin";
  EXPECT_EQ(run_as("tool", w, {{"PATH", path}}).argv.at(0), w);
  // A name with a slash is kept as it is.
  if (GetParam() == Kind::binary) {
    EXPECT_EQ(run_as("./x/tool", w, {{"PATH", path}}).argv.at(0), "./x/tool");
  }
}

INSTANTIATE_TEST_SUITE_P(Wrap, Argv0, ::testing::Values(Kind::shell, Kind::binary),
                         [](const auto& info) { return kind_name(info.param); });

TEST(WrapArgv0Dash, DashCannotSetArgv0AndSaysSo) {
  std::string dir = make_temp_dir("wrap-argv0-dash");
  RunResult r = run({shelf_bin(), "wrap", "--shell", "/bin/dash", printargs(), dir + "/w", "--argv0", "x"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("exec -a"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/w"));
}

}  // namespace
}  // namespace shelf::test
