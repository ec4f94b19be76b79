// Inputs that are not regular files: a FIFO given as the file to read used
// to block forever (open() waits for a writer). Every input is opened
// without blocking and refused unless it is a regular file, with one line
// and exit 3 (patchelf's 1 under the patchelf name).
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "../patch/patch_support.h"
#include "special_files.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

RunResult with_timeout(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"timeout", "30", shelf_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

TEST(SpecialInputs, FifosAndDevicesAreRefusedWithoutWaiting) {
  std::string dir = make_temp_dir("in-special");
  std::string fifo = make_fifo(dir, "fifo");
  std::string zero = make_device(dir, "zero", 'c', 1, 5);
  for (const std::string& input : {fifo, zero}) {
    std::string type = file_type(input);
    struct Case {
      std::vector<std::string> args;
      int status;
    };
    for (const Case& c : {Case{{"inspect", input}, 3}, Case{{"patch", "--print-rpath", input}, 3},
                          Case{{"patch", "--set-rpath", "/x", input}, 3},
                          Case{{"patch", "--set-rpath", "/x", "--output", dir + "/out", input}, 3},
                          Case{{"patchelf", "--set-rpath", "/x", input}, 1},
                          Case{{"wrap", "--in-place", input, "--set", "A", "b"}, 3}}) {
      RunResult r = with_timeout(c.args);
      ASSERT_NE(r.status, 124) << c.args[0] << " waited on " << input;
      EXPECT_EQ(r.status, c.status) << c.args[0] << " " << input << ": " << r.err;
      EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
      EXPECT_NE(r.err.find(input), std::string::npos) << r.err;
      EXPECT_EQ(file_type(input), type);
    }
  }
  EXPECT_EQ(file_type(dir + "/out"), "missing");
  EXPECT_EQ(leftovers(dir), "");
}

// Files read on the way (argument files, symbol maps, icons, recipes and
// their sources) follow the same rule.
TEST(SpecialInputs, FilesReadOnTheWayAreRefusedWithoutWaiting) {
  std::string dir = make_temp_dir("in-special-way");
  std::string fifo = make_fifo(dir, "fifo");
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  std::string recipe = dir + "/source-fifo.toml";
  {
    std::ofstream out(recipe);
    out << "name = \"x\"\nversion = \"1\"\n[[source]]\npath = \"fifo\"\nsha256 = \"" << std::string(64, '0')
        << "\"\nunpack = \"none\"\n";
  }
  std::map<std::string, std::string> store{{"SHELF_STORE", dir + "/store"}, {"SHELF_STATE", dir + "/state"}};
  struct Case {
    std::vector<std::string> args;
    int status;
  };
  for (const Case& c : {Case{{"patch", "--set-rpath", "@" + fifo, prog}, 2},
                        Case{{"patch", "--rename-dynamic-symbols", fifo, prog}, 2},
                        Case{{"desktop", "--out", dir + "/x.desktop", "--name", "X", "--exec", "true", "--icon-file",
                              fifo, "--icon-prefix", dir},
                             3},
                        Case{{"wrap", "/bin/true", dir + "/w", "--prefix-contents", "A", ":", fifo}, 3},
                        Case{{"build", fifo}, 3},
                        Case{{"build", recipe}, 3}}) {
    std::vector<std::string> argv{"timeout", "30", shelf_bin()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunResult r = run(argv, store);
    ASSERT_NE(r.status, 124) << c.args[0] << " " << c.args[1] << " waited on the FIFO";
    EXPECT_EQ(r.status, c.status) << c.args[0] << " " << c.args[1] << ": " << r.err;
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("fifo"), std::string::npos) << r.err;
  }
  EXPECT_EQ(file_type(fifo), "fifo");
}

}  // namespace
}  // namespace shelf::test
