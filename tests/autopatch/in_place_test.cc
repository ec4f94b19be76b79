// Autopatch without copies: the changed bytes go into each file (the inode
// kept, as autoPatchelfHook does through patchelf), a file linked from
// outside the tree or mapped by a running process gets a new file instead
// (nothing outside the tree changes), --copy makes every file new, and the
// whole tree is all or nothing: when one file fails, every file already
// written is restored.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

namespace fs = std::filesystem;

ino_t inode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

class AutopatchInPlace : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-inplace");
    glibc64_ = make_glibc(scratch_ + "/store", Arch::kX86_64);
    tree_ = scratch_ + "/tree";
    copy(fixture("vendor/bin/app64"), tree_ + "/bin/app64");
    copy(fixture("vendor/lib/libcore.so.1"), tree_ + "/lib/libcore.so.1");
    copy(fixture("vendor/lib/util"), tree_ + "/lib/util");
  }
  void expect_runs() {
    EXPECT_EQ(run_program(Arch::kX86_64, tree_ + "/bin/app64").out, "app64: core 64-bit, util 64\n");
  }
  std::string scratch_, glibc64_, tree_;
};

TEST_F(AutopatchInPlace, FilesKeepTheirInodesAndCopyMakesNewOnes) {
  ino_t app = inode_of(tree_ + "/bin/app64"), core = inode_of(tree_ + "/lib/libcore.so.1");
  RunResult r = autopatch({tree_, "--deps", glibc64_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(inode_of(tree_ + "/bin/app64"), app);
  EXPECT_EQ(inode_of(tree_ + "/lib/libcore.so.1"), core);
  expect_runs();
  // --copy: the same result, as new files.
  fs::remove_all(tree_);
  SetUp();
  app = inode_of(tree_ + "/bin/app64");
  r = autopatch({tree_, "--deps", glibc64_, "--copy"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(inode_of(tree_ + "/bin/app64"), app);
  expect_runs();
  for (const auto& e : fs::recursive_directory_iterator(tree_))
    EXPECT_EQ(e.path().filename().string().find(".shelf-"), std::string::npos) << "left behind: " << e.path();
}

TEST_F(AutopatchInPlace, AFileLinkedFromOutsideTheTreeIsNeverChanged) {
  std::string outside = scratch_ + "/outside-app64";
  fs::create_hard_link(tree_ + "/bin/app64", outside);
  fs::create_hard_link(tree_ + "/bin/app64", tree_ + "/bin/app64-again");
  std::string before = read_bytes(outside);
  RunResult r = autopatch({tree_, "--deps", glibc64_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_bytes(outside), before) << "the inode shared with a file outside the tree changed";
  EXPECT_NE(inode_of(tree_ + "/bin/app64"), inode_of(outside));
  // The tree's two names stay one file, the new one.
  EXPECT_EQ(inode_of(tree_ + "/bin/app64"), inode_of(tree_ + "/bin/app64-again"));
  expect_runs();
  EXPECT_EQ(run_program(Arch::kX86_64, tree_ + "/bin/app64-again").out, "app64: core 64-bit, util 64\n");
}

TEST_F(AutopatchInPlace, ALibraryARunningProcessHasMappedGetsANewFile) {
  // A process maps the tree's library (as the loader would) and waits.
  if (!require_tool("python3", "python3")) return;
  std::string lib = tree_ + "/lib/libcore.so.1";
  ino_t old_inode = inode_of(lib);
  std::string ready = scratch_ + "/ready";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execlp("python3", "python3", "-c",
           "import mmap, sys, time\n"
           "f = open(sys.argv[1], 'rb')\n"
           "m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)\n"
           "open(sys.argv[2], 'w').close()\n"
           "time.sleep(120)\n",
           lib.c_str(), ready.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600 && !fs::exists(ready); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(ready)) << "the process did not load the library";
  RunResult r = autopatch({tree_, "--deps", glibc64_});
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(inode_of(lib), old_inode) << "a mapped library was changed in place";
  expect_runs();
}

// One file of the tree cannot be written (shelf runs as nobody, the file is
// root's): every file written before it is restored, byte for byte.
TEST_F(AutopatchInPlace, AFailureRestoresEveryFileAlreadyWritten) {
  if (getuid() != 0) {
    ADD_FAILURE() << "this test runs as root (as CI does) to make a file nobody can write";
    return;
  }
  if (!require_tool("setpriv", "util-linux")) return;
  // Files are written in path order with -j1: bin/app64 first, then
  // lib/libcore.so.1, which nobody may write.
  ASSERT_EQ(chmod(scratch_.c_str(), 0755), 0);
  for (const auto& e : fs::recursive_directory_iterator(scratch_)) {
    (void)chown(e.path().c_str(), 65534, 65534);
    (void)chmod(e.path().c_str(), fs::is_directory(e.path()) ? 0755 : 0755);
  }
  ASSERT_EQ(chown((tree_ + "/lib/libcore.so.1").c_str(), 0, 0), 0);
  ASSERT_EQ(chmod((tree_ + "/lib/libcore.so.1").c_str(), 0555), 0);
  std::string shelf_copy = scratch_ + "/shelf";
  fs::copy_file(shelf_bin(), shelf_copy);
  ASSERT_EQ(chmod(shelf_copy.c_str(), 0755), 0);
  auto before = snapshot(tree_);
  ino_t app = inode_of(tree_ + "/bin/app64");
  RunResult r = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", shelf_copy, "autopatch", tree_,
                     "--deps", glibc64_, "-j", "1"});
  EXPECT_EQ(r.status, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("lib/libcore.so.1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(snapshot(tree_) == before) << "a file written before the failure was not restored";
  EXPECT_EQ(inode_of(tree_ + "/bin/app64"), app);
  for (const auto& e : fs::recursive_directory_iterator(tree_))
    EXPECT_EQ(e.path().filename().string().find(".shelf-"), std::string::npos) << "left behind: " << e.path();
}

}  // namespace
}  // namespace shelf::test::autopatch
