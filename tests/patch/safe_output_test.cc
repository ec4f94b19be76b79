// Safe output: modes, owners, hard links, --output, --in-place, and every
// failure (bad input, read-only directory, full disk, an edit that does not
// fit) leaving the original byte-identical with a one-line error.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

struct stat stat_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st;
}

void expect_one_line_error(const RunResult& r, const std::string& file) {
  std::vector<std::string> err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_EQ(err[0].rfind("shelf: ", 0), 0u) << err[0];
  EXPECT_NE(err[0].find(file), std::string::npos) << "the error names the file: " << err[0];
}

TEST(PatchOutput, ModeIsKeptAndHardLinksAreLeftAlone) {
  std::string dir = make_temp_dir("output-mode");
  std::string a = copy_file(patch_fixture("prog-runpath"), dir, "a");
  ASSERT_EQ(chmod(a.c_str(), 0751), 0);
  fs::create_hard_link(a, dir + "/b");
  std::vector<uint8_t> original = read_bytes(a);
  RunResult r = shelf({"patch", "--set-rpath", "/opt", a});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(stat_of(a).st_mode & 07777, 0751u);
  EXPECT_NE(stat_of(a).st_ino, stat_of(dir + "/b").st_ino) << "the default replaces the name, not the inode";
  EXPECT_EQ(read_bytes(dir + "/b"), original);
  EXPECT_EQ(shelf({"patch", "--print-rpath", a}).out, "/opt\n");
  EXPECT_EQ(fs::directory_iterator(dir) == fs::directory_iterator(), false);
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".shelf-"), std::string::npos) << "temporary file left behind";
}

TEST(PatchOutput, SymlinksStayLinksAndTheirTargetIsEdited) {
  std::string dir = make_temp_dir("output-symlink");
  std::string real = copy_file(patch_fixture("lib/libpgreet.so.1"), dir, "libpgreet.so.1");
  fs::create_symlink("libpgreet.so.1", dir + "/libpgreet.so");
  RunResult r = shelf({"patch", "--set-rpath", "/opt", dir + "/libpgreet.so"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir + "/libpgreet.so"));
  EXPECT_EQ(run({"patchelf", "--print-rpath", real}).out, "/opt\n");
}

TEST(PatchOutput, InPlaceKeepsTheInodeForHardLinks) {
  std::string dir = make_temp_dir("output-inode");
  std::string a = copy_file(patch_fixture("prog-runpath"), dir, "a");
  fs::create_hard_link(a, dir + "/b");
  ino_t inode = stat_of(a).st_ino;
  RunResult r = shelf({"patch", "--in-place", "--set-rpath", "/opt", a});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(stat_of(a).st_ino, inode);
  EXPECT_EQ(read_bytes(dir + "/b"), read_bytes(a));
  EXPECT_EQ(shelf({"patch", "--print-rpath", dir + "/b"}).out, "/opt\n");
}

TEST(PatchOutput, OutputOptionWritesANewFileWithTheInputsMode) {
  std::string dir = make_temp_dir("output-option");
  std::string in = copy_file(patch_fixture("prog-runpath"), dir, "in");
  ASSERT_EQ(chmod(in.c_str(), 0700), 0);
  std::vector<uint8_t> original = read_bytes(in);
  RunResult r = shelf({"patchelf", "--output", dir + "/out", "--set-rpath", "$ORIGIN", in});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_bytes(in), original);
  EXPECT_EQ(stat_of(dir + "/out").st_mode & 07777, 0700u);
  EXPECT_EQ(run({"patchelf", "--print-rpath", dir + "/out"}).out, "$ORIGIN\n");
  // patchelf writes --output even when nothing changes.
  ASSERT_EQ(shelf({"patchelf", "--output", dir + "/copy", in}).status, 0);
  EXPECT_EQ(read_bytes(dir + "/copy"), original);
}

TEST(PatchOutput, BadInputIsAOneLineErrorAndNothingChanges) {
  std::string dir = make_temp_dir("output-bad");
  std::vector<uint8_t> program = read_bytes(patch_fixture("prog-runpath"));
  std::string truncated = dir + "/truncated", text = dir + "/text";
  std::ofstream(truncated, std::ios::binary).write(reinterpret_cast<const char*>(program.data()), 200);
  std::ofstream(text) << "#!/bin/sh\necho not elf\n";
  for (const std::string& file : {truncated, text}) {
    std::vector<uint8_t> before = read_bytes(file);
    RunResult r = shelf({"patch", "--set-rpath", "/x", file});
    EXPECT_EQ(r.status, 3);
    expect_one_line_error(r, file);
    EXPECT_EQ(read_bytes(file), before);
    EXPECT_EQ(shelf({"patchelf", "--set-rpath", "/x", file}).status, 1) << "patchelf's status for failures";
  }
  RunResult missing = shelf({"patch", "--print-needed", dir + "/missing"});
  EXPECT_EQ(missing.status, 3);
  expect_one_line_error(missing, dir + "/missing");
  // Edits that make no sense for the file.
  std::string st = copy_file(patch_fixture("prog-static"), dir, "static");
  std::vector<uint8_t> before = read_bytes(st);
  RunResult r = shelf({"patch", "--set-rpath", "/x", st});
  EXPECT_EQ(r.status, 3);
  expect_one_line_error(r, st);
  EXPECT_EQ(read_bytes(st), before);
  // Usage errors.
  EXPECT_EQ(shelf({"patch", "--bogus", st}).status, 2);
  EXPECT_EQ(shelf({"patch", "--set-rpath"}).status, 2);
  EXPECT_EQ(shelf({"patchelf", "--set-rpath", "a", "--add-rpath", "b", st}).status, 1);
  EXPECT_EQ(shelf({"patchelf"}).status, 1);
}

TEST(PatchOutput, UnsupportedEditLeavesTheFileAlone) {
  std::string dir = make_temp_dir("output-unsupported");
  std::string a = copy_file(patch_fixture("lib/libpgreet.so.1"), dir, "a");
  std::vector<uint8_t> before = read_bytes(a);
  // Every edit of a plan is written at once or not at all: the OS ABI edit
  // that would work must not be written when another edit fails (a library
  // has no interpreter to replace).
  RunResult r = shelf({"patch", "--set-os-abi", "linux", "--set-interpreter", "/lib/ld-linux.so.2", a});
  EXPECT_EQ(r.status, 3);
  expect_one_line_error(r, a);
  EXPECT_EQ(read_bytes(a), before);
}

// Root ignores directory permissions, so the write is attempted as nobody.
std::vector<std::string> as_unprivileged(std::vector<std::string> argv) {
  if (getuid() != 0) return argv;
  std::vector<std::string> out{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

TEST(PatchOutput, ReadOnlyDirectoryFailsCleanly) {
  if (getuid() == 0 && !require_tool("setpriv", "util-linux")) return;
  std::string dir = make_temp_dir("output-readonly");
  std::string a = copy_file(patch_fixture("prog-runpath"), dir, "a");
  ASSERT_EQ(chmod(dir.c_str(), 0555), 0);
  ASSERT_EQ(chmod(a.c_str(), 0644), 0);
  std::vector<uint8_t> before = read_bytes(a);
  RunResult r = run(as_unprivileged({shelf_bin(), "patch", "--set-rpath", "/x", a}));
  EXPECT_EQ(r.status, 5) << "permission denied is the environment's status: " << r.err;
  expect_one_line_error(r, a);
  EXPECT_EQ(read_bytes(a), before);
  chmod(dir.c_str(), 0755);
}

TEST(PatchOutput, FullDiskFailsCleanly) {
  std::string dir = make_temp_dir("output-full");
  std::string a = copy_file(patch_fixture("prog-runpath"), dir, "a");
  std::vector<uint8_t> before = read_bytes(a);
  // A file size limit below the file's size makes every write of the copy
  // fail with EFBIG, as a full disk fails with ENOSPC (SIGXFSZ ignored).
  // The machine's failure, not the input's: exit 5.
  RunResult r = run({"sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" patch --set-rpath /x \"$1\"", shelf_bin(), a});
  EXPECT_EQ(r.status, 5) << r.err;
  expect_one_line_error(r, a);
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_EQ(read_bytes(a), before);
  // Under the patchelf name, in patchelf's words and status (Debian's
  // patchelf says the same, and leaves a cut-off file behind).
  if (require_tool("patchelf", "patchelf")) {
    for (const std::string& tool : {shelf_bin(), std::string("patchelf")}) {
      std::string b = copy_file(patch_fixture("prog-runpath"), dir, "b");
      std::vector<std::string> argv = {"sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$@\"", "sh", tool};
      if (tool == shelf_bin()) argv.push_back("patchelf");
      argv.insert(argv.end(), {"--set-rpath", "/x", b});
      RunResult p = run(argv);
      EXPECT_EQ(p.status, 1) << tool;
      EXPECT_EQ(p.err, "patchelf: write: File too large\n") << tool;
      if (tool == shelf_bin()) {
        EXPECT_EQ(read_bytes(b), before);
      }
      fs::remove(b);
    }
  }
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string(), "a") << "temporary file left behind";
}

// A full file system (a 64 KiB tmpfs in a private mount namespace, so
// nothing but the test's own directory is involved): exit 5 naming the
// file and the reason, the file unchanged, no temporary file left; in
// both output modes, and under the patchelf name in its words.
TEST(PatchOutput, NoSpaceLeftIsTheEnvironmentsFault) {
  if (!require_tool("bwrap", "bubblewrap")) return;
  std::string dir = make_temp_dir("output-nospace");
  std::string mnt = dir + "/small";
  fs::create_directories(mnt);
  std::string prog = patch_fixture("prog-runpath");
  std::string longer = "/a/run/path/that/does/not/fit/in/place/" + std::string(200, 'n');
  std::string script =
      "cp \"$1\" \"$2/a\" && cp \"$1\" \"$2/orig\" && (dd if=/dev/zero of=\"$2/fill\" bs=1k 2>/dev/null; true) && "
      "\"$3\" patch --set-rpath \"$4\" \"$2/a\"; echo \"status $?\"; "
      "\"$3\" patch --in-place --set-rpath \"$4\" \"$2/a\"; echo \"status $?\"; "
      "\"$3\" patchelf --set-rpath \"$4\" \"$2/a\"; echo \"status $?\"; "
      "cmp \"$2/a\" \"$2/orig\" && echo same; ls -A \"$2\"";
  RunResult r = run({"bwrap", "--dev-bind", "/", "/", "--size", "65536", "--tmpfs", mnt, "--", "sh", "-c", script,
                     "sh", prog, mnt, shelf_bin(), longer});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> err = lines(r.err);
  ASSERT_EQ(err.size(), 3u) << r.err;
  for (int i : {0, 1}) {
    EXPECT_EQ(err[i].rfind("shelf: " + mnt + "/a: ", 0), 0u) << r.err;
    EXPECT_NE(err[i].find("No space left on device"), std::string::npos) << r.err;
  }
  EXPECT_EQ(err[2], "patchelf: write: No space left on device");
  EXPECT_EQ(r.out, "status 5\nstatus 5\nstatus 1\nsame\na\nfill\norig\n");
}

TEST(PatchOutput, PatchelfNameAndArgumentFiles) {
  if (!require_tool("patchelf", "patchelf")) return;
  std::string dir = make_temp_dir("output-name");
  fs::create_symlink(shelf_bin(), dir + "/patchelf");
  RunResult v = run({dir + "/patchelf", "--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("shelf"), std::string::npos) << v.out;
  std::string prog = patch_fixture("prog-runpath");
  EXPECT_EQ(run({dir + "/patchelf", "--print-needed", prog}).out, run({"patchelf", "--print-needed", prog}).out);
  EXPECT_EQ(run({dir + "/patchelf"}).status, 1);
  // @FILE arguments are read verbatim, by us and by patchelf.
  std::ofstream(dir + "/rpath.txt") << "/from/a/file";
  std::string ours = copy_file(prog, dir, "ours"), theirs = copy_file(prog, dir, "theirs");
  ASSERT_EQ(run({dir + "/patchelf", "--set-rpath", "@" + dir + "/rpath.txt", ours}).status, 0);
  ASSERT_EQ(run({"patchelf", "--set-rpath", "@" + dir + "/rpath.txt", theirs}).status, 0);
  EXPECT_EQ(dynamic_listing(ours), dynamic_listing(theirs));
  // Options after file names and several files in one call.
  std::string second = copy_file(prog, dir, "second");
  ASSERT_EQ(run({dir + "/patchelf", ours, second, "--set-rpath", "/multi"}).status, 0);
  EXPECT_EQ(run({"patchelf", "--print-rpath", ours, second}).out, "/multi\n/multi\n");
}

// Under the patchelf name, unreadable inputs and argument files are
// reported in patchelf's words (scripts match them): the same stderr and
// status as Debian's patchelf. `shelf patch` keeps its own one-line format.
TEST(PatchOutput, PatchelfWordingForUnreadableFiles) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("setpriv", "util-linux")) return;
  std::string dir = make_temp_dir("patchelf-words");
  ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  std::string closed = copy_file(patch_fixture("prog-runpath"), dir, "closed");
  ASSERT_EQ(chmod(closed.c_str(), 0), 0);
  std::string ours = dir + "/shelf";
  fs::copy_file(shelf_bin(), ours);
  ASSERT_EQ(chmod(ours.c_str(), 0755), 0);
  std::vector<std::string> nobody{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  struct Case {
    std::vector<std::string> args;
    bool as_nobody;
  };
  for (const Case& c : {Case{{"--print-rpath", dir + "/missing"}, false}, Case{{"--print-rpath", dir}, false},
                        Case{{"--set-rpath", "@" + dir + "/missing", prog}, false},
                        Case{{"--print-rpath", closed}, true}}) {
    std::vector<std::string> theirs = c.as_nobody ? nobody : std::vector<std::string>{};
    std::vector<std::string> mine = theirs;
    theirs.push_back("patchelf");
    mine.insert(mine.end(), {ours, "patchelf"});
    theirs.insert(theirs.end(), c.args.begin(), c.args.end());
    mine.insert(mine.end(), c.args.begin(), c.args.end());
    RunResult want = run(theirs), got = run(mine);
    EXPECT_EQ(got.err, want.err) << c.args[1];
    EXPECT_EQ(got.status, want.status) << c.args[1];
    EXPECT_EQ(got.status, 1);
  }
  RunResult own = shelf({"patch", "--print-rpath", dir + "/missing"});
  EXPECT_EQ(own.err, "shelf: " + dir + "/missing: No such file or directory\n");
  EXPECT_EQ(own.status, 3);
}

// `cmake --install` puts shelf and a lean `patchelf` program in bin/; the
// installed patchelf answers as Debian's does and edits as it does.
TEST(PatchOutput, InstalledPatchelfIsShelfsFrontEnd) {
  if (!require_tool("patchelf", "patchelf")) return;
  if (!require_tool("cmake", "cmake")) return;
  std::string build = fs::path(shelf_bin()).parent_path().parent_path().parent_path().string();
  std::string prefix = make_temp_dir("output-install");
  RunResult installed = run({"cmake", "--install", build, "--prefix", prefix});
  ASSERT_EQ(installed.status, 0) << installed.out << installed.err;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/bin/shelf"));
  std::string ours = prefix + "/bin/patchelf";
  ASSERT_TRUE(fs::exists(ours));
  RunResult v = run({ours, "--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("shelf"), std::string::npos) << v.out;
  std::string prog = patch_fixture("prog-runpath");
  EXPECT_EQ(run({ours, "--print-needed", prog}).out, run({"patchelf", "--print-needed", prog}).out);
  EXPECT_EQ(run({ours, "--print-rpath", prog}).out, run({"patchelf", "--print-rpath", prog}).out);
  std::string a = copy_file(prog, prefix, "a"), b = copy_file(prog, prefix, "b");
  ASSERT_EQ(run({ours, "--add-needed", "libm.so.6", "--set-rpath", "/x/y", a}).status, 0);
  ASSERT_EQ(run({"patchelf", "--add-needed", "libm.so.6", "--set-rpath", "/x/y", b}).status, 0);
  EXPECT_EQ(dynamic_listing(a), dynamic_listing(b));
  EXPECT_EQ(run({ours}).status, run({"patchelf"}).status);
}

}  // namespace
}  // namespace shelf::test
