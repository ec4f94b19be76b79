// Refusals: each names the flag or file and exits 2 (usage) or 3 (input),
// and writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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
      // What the shell would refuse when the wrapper runs, refused now.
      {{printargs(), "@OUT", "--run", "if then fi"}, 2, "sh -n"},
      {{printargs(), "@OUT", "--run", "echo 'unclosed"}, 2, "sh -n"},
      {{"--shell", "/bin/bash", printargs(), "@OUT", "--set", "UID", "0"}, 2, "read-only"},
      {{"--shell", "/bin/bash", printargs(), "@OUT", "--prefix", "SHELLOPTS", ":", "x"}, 2, "read-only"},
      {{"--shell", "/bin/bash", printargs(), "@OUT", "--unset", "PPID"}, 2, "read-only"},
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

// A plan read back from an existing wrapper is checked like a command
// line: a crafted shell wrapper whose embedded plan names a "variable"
// that is shell code is refused by --show and by wrapping it again, and
// nothing runs.
TEST(WrapErrors, CraftedPlanInAWrapperIsRefused) {
  std::string dir = make_temp_dir("wrap-crafted");
  std::string w = dir + "/w";
  ASSERT_EQ(run({shelf_bin(), "wrap", printargs(), w, "--set", "QQQQQQQQ", "v"}).status, 0);
  std::ifstream in(w);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "QQQQQQQQ" is 5151515151515151 in the plan's hex; the same length of
  // "a;touch " (hex 613b746f75636820) would run touch if written unquoted.
  std::string from = "5151515151515151", to = "613b746f75636820";
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, from.size(), to);
  std::ofstream(w, std::ios::trunc) << text;
  RunResult show = run({shelf_bin(), "wrap", "--show", w});
  EXPECT_EQ(show.status, 3) << show.out << show.err;
  EXPECT_NE(show.err.find("not a shell name"), std::string::npos) << show.err;
  RunResult again = run({shelf_bin(), "wrap", "--in-place", w, "--set", "B", "c"}, {{"PWD", dir}});
  EXPECT_NE(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("not a shell name"), std::string::npos) << again.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/v")) << "shell code ran";
}

// --chdir - is the directory named "-" in both wrapper kinds (a shell's
// `cd -` goes to $OLDPWD).
TEST(WrapErrors, ChdirDashIsADirectoryNamedDash) {
  std::string dir = make_temp_dir("wrap-dash");
  std::filesystem::create_directory(dir + "/-");
  for (const char* kind : {"shell", "binary"}) {
    std::string w = dir + "/w-" + kind;
    std::vector<std::string> argv = {shelf_bin(), "wrap", "/bin/pwd", w, "--chdir", "-"};
    if (std::string(kind) == "binary") argv.push_back("--binary");
    ASSERT_EQ(run(argv).status, 0) << kind;
    RunResult r = run({"sh", "-c", "cd \"$1\" && OLDPWD=/ \"$2\"", "sh", dir, w});
    EXPECT_EQ(r.status, 0) << kind << r.err;
    EXPECT_EQ(r.out, std::filesystem::canonical(dir).string() + "/-\n") << kind;
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
