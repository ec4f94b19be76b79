// Outputs that are not regular files. Run as root, `--output /dev/null`
// used to rename a temporary file over it and the machine's /dev/null
// became a regular file. Now: a character device or a FIFO with a reader is
// written into (as patchelf writes into it), a FIFO without a reader is
// refused without hanging, a block device, a socket or a directory is
// refused, and none of them is ever replaced. Every special file here is
// made in the test's own temporary directory.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../patch/patch_support.h"
#include "special_files.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

// A program whose --set-rpath grows the file (so the writer takes its
// longest path, the relayout) and the bytes of the result written to a
// regular file, to compare with what a FIFO receives.
struct Input {
  std::string dir, prog;
  std::vector<uint8_t> original;
};

Input make_input(const std::string& tag) {
  Input in;
  in.dir = make_temp_dir(tag);
  in.prog = copy_file(patch_fixture("prog-runpath"), in.dir, "prog");
  in.original = read_bytes(in.prog);
  return in;
}

const std::vector<std::string> kEdit{"--set-rpath", "/a/runpath/that/does/not/fit/in/the/old/string/" + std::string(300, 'x')};

std::vector<std::string> patch_args(const std::string& front_end, const std::vector<std::string>& extra,
                                    const std::string& out, const std::string& prog) {
  std::vector<std::string> args{front_end};
  args.insert(args.end(), kEdit.begin(), kEdit.end());
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--output", out, prog});
  return args;
}

void expect_one_line(const RunResult& r, const std::string& names) {
  std::vector<std::string> err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_EQ(err[0].rfind("shelf: ", 0), 0u) << err[0];
  EXPECT_NE(err[0].find(names), std::string::npos) << "the error names " << names << ": " << err[0];
}

// The bug itself, on a device node of our own: written into, never replaced.
TEST(SpecialOutputs, ACharacterDeviceIsWrittenIntoNeverReplaced) {
  for (const std::string front_end : {"patch", "patchelf"}) {
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
      Input in = make_input("out-chr");
      std::string null = make_device(in.dir, "null", 'c', 1, 3);
      RunResult r = shelf(patch_args(front_end, extra, null, in.prog));
      EXPECT_EQ(r.status, 0) << front_end << " " << r.err;
      EXPECT_EQ(file_type(null), "c 1:3") << front_end << ": the device node was replaced";
      EXPECT_EQ(read_bytes(in.prog), in.original);
      EXPECT_EQ(leftovers(in.dir), "");
      // Named through a symbolic link (followed, as patchelf follows it).
      fs::create_symlink("null", in.dir + "/link");
      r = shelf(patch_args(front_end, extra, in.dir + "/link", in.prog));
      EXPECT_EQ(r.status, 0) << r.err;
      EXPECT_EQ(file_type(null), "c 1:3");
      EXPECT_EQ(file_type(in.dir + "/link"), "symlink");
      EXPECT_EQ(leftovers(in.dir), "");
    }
  }
}

TEST(SpecialOutputs, AFifoWithAReaderReceivesTheWholeResult) {
  Input in = make_input("out-fifo");
  std::string expected_file = in.dir + "/expected";
  ASSERT_EQ(shelf(patch_args("patch", {}, expected_file, in.prog)).status, 0);
  std::vector<uint8_t> expected = read_bytes(expected_file);
  ASSERT_GT(expected.size(), in.original.size()) << "the edit should grow the file";
  for (const std::string front_end : {"patch", "patchelf"}) {
    std::string fifo = make_fifo(in.dir, "fifo-" + front_end);
    FifoReader reader(fifo);
    RunResult r = shelf(patch_args(front_end, {}, fifo, in.prog));
    EXPECT_EQ(r.status, 0) << r.err;
    std::string got = reader.finish();
    EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.end()), expected) << front_end;
    EXPECT_EQ(file_type(fifo), "fifo");
  }
  EXPECT_EQ(read_bytes(in.prog), in.original);
  EXPECT_EQ(leftovers(in.dir), "");
}

TEST(SpecialOutputs, AFifoWithoutAReaderIsRefusedAtOnce) {
  Input in = make_input("out-fifo-none");
  std::string fifo = make_fifo(in.dir, "fifo");
  for (const std::string front_end : {"patch", "patchelf"}) {
    std::vector<std::string> argv{"timeout", "30", shelf_bin()};
    for (const std::string& a : patch_args(front_end, {}, fifo, in.prog)) argv.push_back(a);
    RunResult r = run(argv);
    ASSERT_NE(r.status, 124) << "shelf " << front_end << " waited for a reader";
    EXPECT_EQ(r.status, front_end == "patch" ? 3 : 1) << r.err;
    expect_one_line(r, fifo);
    EXPECT_NE(r.err.find("nobody reads"), std::string::npos) << r.err;
    EXPECT_EQ(file_type(fifo), "fifo");
  }
  EXPECT_EQ(read_bytes(in.prog), in.original);
  EXPECT_EQ(leftovers(in.dir), "");
}

TEST(SpecialOutputs, BlockDevicesSocketsAndDirectoriesAreRefused) {
  Input in = make_input("out-refused");
  std::string block = make_device(in.dir, "block", 'b', 7, 200);  // never opened
  std::string sock = make_socket(in.dir, "sock");
  std::string dir = in.dir + "/sub";
  fs::create_directory(dir);
  struct Case {
    std::string path, type, says;
  };
  for (const Case& c : {Case{block, "b 7:200", "block device"}, Case{sock, "socket", "socket"},
                        Case{dir, "directory", "directory"}}) {
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
      RunResult r = shelf(patch_args("patch", extra, c.path, in.prog));
      EXPECT_EQ(r.status, 3) << c.path << " " << r.err;
      expect_one_line(r, c.path);
      EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
      EXPECT_EQ(file_type(c.path), c.type);
    }
  }
  EXPECT_TRUE(fs::is_empty(dir));
  EXPECT_EQ(read_bytes(in.prog), in.original);
  EXPECT_EQ(leftovers(in.dir), "");
}

// The same rule for every other command that writes a file the user names.
TEST(SpecialOutputs, WrappersAndDesktopEntriesGoIntoDevicesAndFifos) {
  std::string dir = make_temp_dir("out-wrap");
  std::string null = make_device(dir, "null", 'c', 1, 3);
  for (const std::vector<std::string>& kind : std::vector<std::vector<std::string>>{{}, {"--binary"}}) {
    std::vector<std::string> args{"wrap", "/bin/true", null, "--set", "A", "b"};
    args.insert(args.end(), kind.begin(), kind.end());
    RunResult r = shelf(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(file_type(null), "c 1:3");
  }
  std::string fifo = make_fifo(dir, "fifo");
  {
    FifoReader reader(fifo);
    RunResult r = shelf({"wrap", "/bin/true", fifo, "--set", "A", "b"});
    EXPECT_EQ(r.status, 0) << r.err;
    std::string script = reader.finish();
    EXPECT_EQ(script.rfind("#!", 0), 0u) << script;
    EXPECT_NE(script.find("/bin/true"), std::string::npos) << script;
  }
  RunResult d = shelf({"desktop", "--out", null, "--name", "X", "--exec", "/bin/true"});
  EXPECT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(file_type(null), "c 1:3");
  {
    FifoReader reader(fifo);
    d = shelf({"desktop", "--out", fifo, "--name", "X", "--exec", "/bin/true"});
    EXPECT_EQ(d.status, 0) << d.err;
    EXPECT_EQ(reader.finish().rfind("[Desktop Entry]\n", 0), 0u);
  }
  EXPECT_EQ(file_type(fifo), "fifo");
  std::vector<std::string> no_reader{"timeout", "30", shelf_bin(), "wrap", "/bin/true", fifo};
  RunResult w = run(no_reader);
  EXPECT_EQ(w.status, 3) << w.err;
  expect_one_line(w, fifo);
  RunResult nd = run({"timeout", "30", shelf_bin(), "desktop", "--out", fifo, "--name", "X", "--exec", "true"});
  EXPECT_EQ(nd.status, 3) << nd.err;
  std::string sock = make_socket(dir, "sock");
  EXPECT_EQ(shelf({"wrap", "/bin/true", sock}).status, 3);
  EXPECT_EQ(shelf({"desktop", "--out", sock, "--name", "X", "--exec", "true"}).status, 3);
  EXPECT_EQ(file_type(sock), "socket");
  EXPECT_EQ(file_type(fifo), "fifo");
  EXPECT_EQ(leftovers(dir), "");
}

// A desktop entry's temporary file is made with O_EXCL under a random name:
// the old fixed name X.desktop.shelf-tmp was opened through a planted link.
TEST(SpecialOutputs, DesktopNeverWritesThroughAPlantedTemporaryName) {
  std::string dir = make_temp_dir("out-desktop-plant");
  std::string victim = dir + "/victim";
  std::ofstream(victim) << "keep me\n";
  fs::create_symlink(victim, dir + "/x.desktop.shelf-tmp");
  RunResult r = shelf({"desktop", "--out", dir + "/x.desktop", "--name", "X", "--exec", "/bin/true"});
  EXPECT_EQ(r.status, 0) << r.err;
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "keep me\n");
  EXPECT_EQ(file_type(dir + "/x.desktop"), "regular");
  fs::remove(dir + "/x.desktop.shelf-tmp");
  // --out naming a directory: refused, nothing left behind.
  fs::create_directory(dir + "/d.desktop");
  RunResult d = shelf({"desktop", "--out", dir + "/d.desktop", "--name", "X", "--exec", "/bin/true"});
  EXPECT_EQ(d.status, 3) << d.err;
  EXPECT_TRUE(fs::is_empty(dir + "/d.desktop"));
  EXPECT_EQ(leftovers(dir), "");
}

}  // namespace
}  // namespace shelf::test
