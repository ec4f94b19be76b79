// Refusals: each names the flag or file and exits 2 (usage) or 3 (input),
// and writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

struct Refusal {
  std::vector<std::string> argv;  // after `shelf wrap`; OUT is appended where "@OUT" stands
  int status;
  std::string mentions;
};

TEST(WrapErrors, RefusedWithContextAndNothingWritten) {
  std::string dir = make_temp_dir("wrap-errors");
  std::string out = dir + "/out";
  std::string not_exec = dir + "/data.txt";
  std::ofstream(not_exec) << "x";
  const std::vector<Refusal> cases = {
      {{dir + "/missing", "@OUT"}, 3, "missing"},
      {{not_exec, "@OUT"}, 3, "not an executable"},
      {{printargs(), "@OUT", "--set", "1BAD", "v"}, 2, "1BAD"},
      {{printargs(), "@OUT", "--set", "A=B", "v"}, 2, "A=B"},
      {{printargs(), "@OUT", "--prefix", "P", "", "v"}, 2, "separator"},
      {{printargs(), "@OUT", "--add-flags", "'open"}, 2, "--add-flags"},
      {{printargs(), "@OUT", "--set", "ONLY_NAME"}, 2, "--set"},
      {{printargs(), "@OUT", "--frobnicate"}, 2, "--frobnicate"},
      {{printargs()}, 2, "TARGET and OUT"},
      {{not_exec, not_exec}, 3, "not an executable"},
      {{"--shell", "sh", printargs(), "@OUT"}, 2, "absolute"},
      {{"--prefix-contents", "V", ":", dir + "/nofile", printargs(), "@OUT"}, 3, "nofile"},
  };
  for (const Refusal& c : cases) {
    std::vector<std::string> argv = {shelf_bin(), "wrap"};
    for (const std::string& a : c.argv) argv.push_back(a == "@OUT" ? out : a);
    RunResult r = run(argv);
    std::string shown;
    for (const auto& a : c.argv) shown += a + " ";
    EXPECT_EQ(r.status, c.status) << shown << "\n" << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << shown << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("shelf: ", 0), 0u) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << shown;
  }
}

TEST(WrapErrors, ShowRefusesFilesShelfDidNotWrite) {
  for (const std::string& file : {std::string("/bin/true"), std::string("/usr/bin/ldd")}) {
    RunResult r = run({shelf_bin(), "wrap", "--show", file});
    EXPECT_EQ(r.status, 3) << file;
    EXPECT_NE(r.err.find("not a wrapper written by shelf wrap"), std::string::npos) << r.err;
  }
}

TEST(WrapErrors, OutCannotBeTheTargetItself) {
  std::string dir = make_temp_dir("wrap-self");
  std::filesystem::copy_file(printargs(), dir + "/prog");
  RunResult r = run({shelf_bin(), "wrap", dir + "/prog", dir + "/./prog"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--in-place"), std::string::npos) << r.err;
  EXPECT_EQ(run_seen(dir + "/prog").argv.size(), 1u);  // still the program
}

TEST(WrapErrors, LauncherWithoutConfigurationExplainsItself) {
  std::string launcher = std::filesystem::path(shelf_bin()).parent_path() / "shelf-launcher";
  RunResult r = run({launcher});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("shelf wrap --binary"), std::string::npos) << r.err;
}

TEST(WrapErrors, BinaryWrapperReportsAMissingTarget) {
  std::string dir = make_temp_dir("wrap-gone");
  std::filesystem::copy_file(printargs(), dir + "/prog");
  RunResult made = run({shelf_bin(), "wrap", "--binary", dir + "/prog", dir + "/w"});
  ASSERT_EQ(made.status, 0) << made.err;
  std::filesystem::remove(dir + "/prog");
  RunResult r = run({dir + "/w"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find(dir + "/prog"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shelf::test
