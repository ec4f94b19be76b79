// Wrong writes found by fuzzing (an edit plan applied, the result checked
// against its own re-parse): each case used to exit 0 with a wrong file.
// The fixtures are made by testdata/patch/edge_cases.py; each is edited
// through the CLI and the result read back by independent tools.
#include <gtest/gtest.h>

#include <filesystem>

#include "elf/error.h"
#include "elf/mapped_file.h"
#include "patch/result_checks.h"
#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

std::string edge(const std::string& name) { return patch_fixture("edge/" + name); }

void expect_refused(const RunResult& r, const std::string& file, const std::string& says) {
  EXPECT_EQ(r.status, 3) << r.err;
  std::vector<std::string> err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_EQ(err[0].rfind("shelf: " + file + ": ", 0), 0u) << err[0];
  EXPECT_NE(err[0].find(says), std::string::npos) << err[0];
}

// A new tag makes the dynamic table move while the new RUNPATH still fits
// in the old one's bytes: the string must be written all the same.
TEST(WrongWrites, RunpathIsWrittenWhenOnlyTheDynamicTableMoves) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("readelf", "binutils")) return;
  for (const std::string arch : {"x86_64", "i686"}) {
    std::string dir = make_temp_dir("wrong-runpath");
    std::string file = copy_file(edge("dynamic-exact-" + arch), dir, "prog");
    for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
      std::vector<std::string> args{"patch", "--set-rpath", "/n", "--no-default-lib"};
      args.insert(args.end(), mode.begin(), mode.end());
      args.push_back(file);
      RunResult r = shelf(args);
      ASSERT_EQ(r.status, 0) << arch << " " << r.err;
      EXPECT_EQ(run({"patchelf", "--print-rpath", file}).out, "/n\n") << arch;
      std::string dynamic = run({"readelf", "-dW", file}).out;
      EXPECT_NE(dynamic.find("Library runpath: [/n]"), std::string::npos) << arch << dynamic;
      EXPECT_NE(dynamic.find("NODEFLIB"), std::string::npos) << arch << dynamic;
      EXPECT_EQ(run({"readelf", "-dW", file}).err, "") << arch;
      file = copy_file(edge("dynamic-exact-" + arch), dir, "prog-again");
    }
  }
}

TEST(WrongWrites, ALoadSegmentLargerInTheFileThanInMemoryIsRefused) {
  std::string dir = make_temp_dir("wrong-filesz");
  std::string file = copy_file(edge("filesz-over-memsz"), dir, "prog");
  std::vector<uint8_t> before = read_bytes(file);
  expect_refused(shelf({"patch", "--set-rpath", "/a/" + std::string(300, 'x'), file}), file, "p_filesz");
  expect_refused(shelf({"patch", "--set-interpreter", "/a/much/longer/interpreter/path/ld.so", file}), file,
                 "p_filesz");
  EXPECT_EQ(read_bytes(file), before);
}

TEST(WrongWrites, AGrownStringTableGetsADtStrszWhenTheFileHadNone) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("readelf", "binutils")) return;
  std::string dir = make_temp_dir("wrong-strsz");
  std::string file = copy_file(edge("no-strsz.so"), dir, "lib.so");
  ASSERT_EQ(run({"readelf", "-dW", file}).out.find("STRSZ"), std::string::npos) << "the fixture has a DT_STRSZ";
  RunResult r = shelf({"patch", "--set-rpath", "/some/run/path", "--set-soname", "libedge.so.1", file});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string dynamic = run({"readelf", "-dW", file}).out;
  EXPECT_NE(dynamic.find("(STRSZ)"), std::string::npos) << dynamic;
  EXPECT_NE(dynamic.find("Library runpath: [/some/run/path]"), std::string::npos) << dynamic;
  EXPECT_EQ(run({"patchelf", "--print-soname", file}).out, "libedge.so.1\n");
  EXPECT_EQ(shelf({"inspect", file}).status, 0);
}

TEST(WrongWrites, AnInterpreterInsideTheDynamicTableIsRefused) {
  std::string dir = make_temp_dir("wrong-interp");
  std::string file = copy_file(edge("interp-in-dynamic"), dir, "prog");
  std::vector<uint8_t> before = read_bytes(file);
  ASSERT_EQ(shelf({"inspect", file}).status, 0) << "the fixture reads cleanly";
  expect_refused(shelf({"patch", "--set-interpreter", "/lib/ld.so", "--add-needed", "libm.so.6", file}), file,
                 "overlaps");
  expect_refused(shelf({"patch", "--in-place", "--set-interpreter", "/lib/ld.so", file}), file, "overlaps");
  EXPECT_EQ(read_bytes(file), before);
}

// The writer's last check compares every requested edit with the result:
// a result that does not show one is an error, whatever wrote it.
TEST(WrongWrites, TheLastCheckRefusesAResultWithoutTheEdit) {
  elf::MappedFile file(patch_fixture("prog-runpath"));
  auto refused = [&](const patch::EditPlan& plan) {
    try {
      patch::check_edits("prog", file.bytes(), plan);
    } catch (const elf::Error& e) {
      return std::string(e.reason());
    }
    return std::string();
  };
  patch::EditPlan interp;
  interp.interpreter = "/not/the/interpreter";
  EXPECT_NE(refused(interp).find("interpreter"), std::string::npos);
  patch::EditPlan rpath;
  rpath.rpath.op = patch::RpathEdit::Op::kSet;
  rpath.rpath.value = "/n";
  EXPECT_NE(refused(rpath).find("search path"), std::string::npos);
  patch::EditPlan needed;
  needed.add_needed = {"libnot-there.so.1"};
  EXPECT_NE(refused(needed).find("DT_NEEDED"), std::string::npos);
  patch::EditPlan removed;
  removed.remove_needed = {"libpgreet.so.1"};
  EXPECT_NE(refused(removed).find("still there"), std::string::npos);
  patch::EditPlan flags;
  flags.no_default_lib = true;
  EXPECT_NE(refused(flags).find("NODEFLIB"), std::string::npos);
  // What the file does show passes.
  patch::EditPlan shown;
  shown.interpreter = "/lib64/ld-linux-x86-64.so.2";
  shown.add_needed = {"libpgreet.so.1"};
  EXPECT_EQ(refused(shown), "");
}

}  // namespace
}  // namespace shelf::test
