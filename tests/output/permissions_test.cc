// Files the caller may not write. Run as an unprivileged user on a file it
// cannot write (a root-owned file, a 0444 file) in a directory it can write,
// shelf used to rename a new file over it, exit 0, taking the file over;
// patchelf says "Permission denied". Now such a file is refused (exit 5, the
// environment) and left as it was; a file the caller may write keeps its
// owner and mode. Root ignores permissions, so shelf runs as nobody
// (setpriv) from a world-readable copy in a world-writable directory.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "../patch/patch_support.h"
#include "special_files.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

constexpr uid_t kNobody = 65534;

struct Sandbox {
  std::string dir, shelf;
};

// A world-writable directory holding a world-readable copy of shelf.
bool make_sandbox(Sandbox& s) {
  if (getuid() != 0) {
    ADD_FAILURE() << "these tests run as root (as CI does) to make files owned by others";
    return false;
  }
  if (!require_tool("setpriv", "util-linux")) return false;
  s.dir = make_temp_dir("perm");
  EXPECT_EQ(chmod(s.dir.c_str(), 0777), 0);
  s.shelf = copy_file(shelf_bin(), s.dir, "shelf");
  EXPECT_EQ(chmod(s.shelf.c_str(), 0755), 0);
  return true;
}

RunResult as_nobody(const Sandbox& s, std::vector<std::string> args) {
  std::vector<std::string> argv{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", s.shelf};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

struct stat status_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return st;
}

TEST(Permissions, FilesTheCallerCannotWriteAreRefusedAndKept) {
  Sandbox s;
  if (!make_sandbox(s)) return;
  std::string root_owned = copy_file(patch_fixture("prog-runpath"), s.dir, "root-owned");
  ASSERT_EQ(chmod(root_owned.c_str(), 0644), 0);
  std::string read_only = copy_file(patch_fixture("prog-runpath"), s.dir, "read-only");
  ASSERT_EQ(chown(read_only.c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(chmod(read_only.c_str(), 0444), 0);
  for (const std::string& file : {root_owned, read_only}) {
    struct stat before = status_of(file);
    std::vector<uint8_t> bytes = read_bytes(file);
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
      std::vector<std::string> args{"patch", "--set-rpath", "/x"};
      args.insert(args.end(), extra.begin(), extra.end());
      args.push_back(file);
      RunResult r = as_nobody(s, args);
      EXPECT_EQ(r.status, 5) << file << ": " << r.err;
      EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
      EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
      // As patchelf: its status and words, "open: Permission denied", as
      // Debian's patchelf says them for the same file.
      args[0] = "patchelf";
      RunResult pe = as_nobody(s, args);
      EXPECT_EQ(pe.status, 1);
      EXPECT_EQ(pe.err, "patchelf: open: Permission denied\n") << file;
      if (extra.empty() && require_tool("patchelf", "patchelf")) {
        RunResult theirs = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "patchelf",
                                "--set-rpath", "/x", file});
        EXPECT_EQ(theirs.status, pe.status);
        EXPECT_EQ(theirs.err, pe.err);
      }
      struct stat after = status_of(file);
      EXPECT_EQ(after.st_ino, before.st_ino) << file << " was replaced";
      EXPECT_EQ(after.st_uid, before.st_uid);
      EXPECT_EQ(after.st_mode, before.st_mode);
      EXPECT_EQ(read_bytes(file), bytes);
    }
    // Not even as the output of another file's edit.
    RunResult r = as_nobody(s, {"patch", "--set-rpath", "/x", "--output", file, root_owned});
    EXPECT_EQ(r.status, 5) << r.err;
    EXPECT_EQ(status_of(file).st_ino, before.st_ino);
  }
  // Wrappers and desktop entries over such a file: refused too.
  RunResult w = as_nobody(s, {"wrap", "/bin/true", root_owned});
  EXPECT_NE(w.status, 0);
  RunResult d = as_nobody(s, {"desktop", "--out", root_owned, "--name", "X", "--exec", "true"});
  EXPECT_NE(d.status, 0);
  EXPECT_EQ(status_of(root_owned).st_uid, 0u);
  EXPECT_EQ(leftovers(s.dir), "");
}

TEST(Permissions, AWritableFileKeepsItsOwnerAndMode) {
  Sandbox s;
  if (!make_sandbox(s)) return;
  std::string mine = copy_file(patch_fixture("prog-runpath"), s.dir, "mine");
  ASSERT_EQ(chown(mine.c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(chmod(mine.c_str(), 0750), 0);
  RunResult r = as_nobody(s, {"patch", "--set-rpath", "/a/longer/runpath/than/before/x", mine});
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat after = status_of(mine);
  EXPECT_EQ(after.st_uid, kNobody);
  EXPECT_EQ(after.st_mode & 07777, 0750u);
  EXPECT_EQ(shelf({"patch", "--print-rpath", mine}).out, "/a/longer/runpath/than/before/x\n");
  // Root patching somebody else's file keeps that owner.
  r = shelf({"patch", "--set-rpath", "/b/an/even/longer/runpath/than/that/one/x", mine});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(status_of(mine).st_uid, kNobody);
  EXPECT_EQ(status_of(mine).st_mode & 07777, 0750u);
}

}  // namespace
}  // namespace shelf::test
