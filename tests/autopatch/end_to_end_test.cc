// A vendor-like tree mixing x86_64, i386 and aarch64 programs and bundled
// libraries is patched against store paths made from each toolchain's glibc;
// every program then runs from its patched interpreter and RUNPATH alone
// (qemu-user without a sysroot for the foreign ones) and prints what it
// printed when given its libraries by hand.
#include <filesystem>

#include <gtest/gtest.h>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

namespace fs = std::filesystem;

struct Program {
  Arch arch;
  std::string rel;      // under the tree
  std::string libdirs;  // its libraries, for the run by hand (relative to the tree)
};

class AutopatchEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-e2e");
    tree_ = scratch_ + "/vendor";
    copy(fixture("vendor"), tree_);
    std::string store = scratch_ + "/store";
    glibc32_ = make_glibc(store, Arch::kI386);
    glibc_arm_ = make_glibc(store, Arch::kAarch64);
    glibc64_ = make_glibc(store, Arch::kX86_64);
  }

  std::vector<Program> programs() const {
    return {{Arch::kX86_64, "bin/app64", "lib:lib/util"},
            {Arch::kX86_64, "bin/app64-rpath", "lib:lib/util"},
            {Arch::kI386, "bin/app32", "bin:lib32"},
            {Arch::kAarch64, "arm/app-arm", "arm/lib"}};
  }

  std::string absolute_dirs(const std::string& rel_dirs) const {
    std::string out;
    size_t start = 0;
    while (start <= rel_dirs.size()) {
      size_t end = std::min(rel_dirs.find(':', start), rel_dirs.size());
      out += (out.empty() ? "" : ":") + tree_ + "/" + rel_dirs.substr(start, end - start);
      start = end + 1;
    }
    return out;
  }

  std::string scratch_, tree_, glibc32_, glibc_arm_, glibc64_;
};

TEST_F(AutopatchEndToEnd, EveryProgramRunsFromTheStoreAndPrintsWhatItPrintedByHand) {
  std::map<std::string, std::string> by_hand;
  for (const Program& p : programs()) {
    RunResult r = run_by_hand(p.arch, tree_ + "/" + p.rel, absolute_dirs(p.libdirs));
    ASSERT_EQ(r.status, 0) << p.rel << " by hand: " << r.err;
    ASSERT_FALSE(r.out.empty());
    by_hand[p.rel] = r.out;
  }
  // Before patching the foreign programs cannot start without a sysroot:
  // their interpreters are not on this machine. (The wrong glibc stores come
  // first in --deps: the resolver has to pass over them.)
  EXPECT_NE(run_program(Arch::kAarch64, tree_ + "/arm/app-arm").status, 0);

  RunResult r = autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");

  for (const Program& p : programs()) {
    RunResult run = run_program(p.arch, tree_ + "/" + p.rel);
    EXPECT_EQ(run.status, 0) << p.rel << ": " << run.err;
    EXPECT_EQ(run.out, by_hand[p.rel]) << p.rel;
  }
  // What each program printed names its own class: the i386 libcore next to
  // app64 was passed over.
  EXPECT_EQ(by_hand["bin/app64"], "app64: core 64-bit, util 64\n");
  EXPECT_EQ(by_hand["bin/app32"], "app32: core 32-bit, util 32\n");
  EXPECT_EQ(by_hand["arm/app-arm"], "app-arm: core 64-bit, util 8\n");
}

TEST_F(AutopatchEndToEnd, ReadelfShowsTheLoaderAndTheSmallestRunpath) {
  RunResult r = autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::string libc64 = glibc64_ + "/lib", libc32 = glibc32_ + "/lib", libc_arm = glibc_arm_ + "/lib";

  // Executables: the loader of their own machine from the store.
  EXPECT_EQ(readelf_interpreter(tree_ + "/bin/app64"), libc64 + "/ld-linux-x86-64.so.2");
  EXPECT_EQ(readelf_interpreter(tree_ + "/bin/app64-rpath"), libc64 + "/ld-linux-x86-64.so.2");
  EXPECT_EQ(readelf_interpreter(tree_ + "/bin/app32"), libc32 + "/ld-linux.so.2");
  EXPECT_EQ(readelf_interpreter(tree_ + "/arm/app-arm"), libc_arm + "/ld-linux-aarch64.so.1");
  EXPECT_EQ(readelf_interpreter(tree_ + "/lib/libcore.so.1"), std::nullopt);

  // One directory per library, the tree's relative to $ORIGIN; the build
  // machine's RUNPATH and RPATH are gone (RPATH becomes RUNPATH).
  EXPECT_EQ(readelf_runpath(tree_ + "/bin/app64"), "$ORIGIN/../lib:" + libc64);
  EXPECT_EQ(readelf_runpath(tree_ + "/bin/app64-rpath"), "$ORIGIN/../lib:" + libc64);
  EXPECT_EQ(readelf_rpath(tree_ + "/bin/app64-rpath"), std::nullopt);
  EXPECT_EQ(readelf_runpath(tree_ + "/lib/libcore.so.1"), "$ORIGIN/util:" + libc64);
  EXPECT_EQ(readelf_runpath(tree_ + "/bin/app32"), "$ORIGIN:" + libc32);
  EXPECT_EQ(readelf_runpath(tree_ + "/bin/libcore.so.1"), "$ORIGIN/../lib32:" + libc32);
  EXPECT_EQ(readelf_runpath(tree_ + "/arm/app-arm"), "$ORIGIN/lib:" + libc_arm);
  EXPECT_EQ(readelf_runpath(tree_ + "/arm/lib/libcore.so.1"), "$ORIGIN:" + libc_arm);
}

TEST_F(AutopatchEndToEnd, TheLoaderTakesEveryLibraryFromTheTreeOrTheStore) {
  ASSERT_EQ(autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_}).status, 0);
  struct Want {
    Arch arch;
    std::string program, core, util, libc;
  };
  for (const Want& w : std::vector<Want>{
           {Arch::kX86_64, "bin/app64", "lib", "lib/util", glibc64_},
           {Arch::kI386, "bin/app32", "bin", "lib32", glibc32_},
           {Arch::kAarch64, "arm/app-arm", "arm/lib", "arm/lib", glibc_arm_}}) {
    std::map<std::string, std::string> loaded = loaded_objects(w.arch, tree_ + "/" + w.program);
    ASSERT_EQ(loaded.count("libcore.so.1"), 1u) << w.program;
    EXPECT_EQ(fs::canonical(loaded["libcore.so.1"]), fs::canonical(tree_ + "/" + w.core + "/libcore.so.1"));
    EXPECT_EQ(fs::canonical(loaded["libvutil.so.1"]), fs::canonical(tree_ + "/" + w.util + "/libvutil.so.1"));
    EXPECT_EQ(loaded["libc.so.6"], w.libc + "/lib/libc.so.6") << w.program;
  }
}

TEST_F(AutopatchEndToEnd, StaticAndNonElfFilesAreUntouched) {
  std::map<std::string, std::string> before = snapshot(tree_);
  ASSERT_EQ(autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_}).status, 0);
  std::map<std::string, std::string> after = snapshot(tree_);
  for (const char* rel : {"bin/static64", "bin/run.sh", "share/doc/README", "lib/libcore.so"})
    EXPECT_TRUE(before[rel] == after[rel]) << rel << " changed";
  EXPECT_FALSE(before["bin/app64"] == after["bin/app64"]);
  EXPECT_EQ(run({tree_ + "/bin/static64"}).out, "static\n");
}

TEST_F(AutopatchEndToEnd, ThePatchedTreeStillRunsAfterItMoves) {
  ASSERT_EQ(autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_}).status, 0);
  std::string moved = scratch_ + "/moved-elsewhere";
  fs::rename(tree_, moved);
  EXPECT_EQ(run_program(Arch::kX86_64, moved + "/bin/app64").out, "app64: core 64-bit, util 64\n");
  EXPECT_EQ(run_program(Arch::kI386, moved + "/bin/app32").out, "app32: core 32-bit, util 32\n");
  EXPECT_EQ(run_program(Arch::kAarch64, moved + "/arm/app-arm").out, "app-arm: core 64-bit, util 8\n");
}

TEST_F(AutopatchEndToEnd, ParallelWritesGiveTheSameBytesAsOneWriter) {
  std::string other = scratch_ + "/vendor-j1";
  copy(fixture("vendor"), other);
  ASSERT_EQ(autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_, "-j", "4"}).status, 0);
  ASSERT_EQ(autopatch({other, "--deps", glibc32_, glibc_arm_, glibc64_, "-j", "1"}).status, 0);
  EXPECT_TRUE(snapshot(tree_) == snapshot(other));
}

TEST_F(AutopatchEndToEnd, ASecondRunFindsNothingToChange) {
  ASSERT_EQ(autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_}).status, 0);
  std::map<std::string, std::string> once = snapshot(tree_);
  RunResult again = autopatch({tree_, "--deps", glibc32_, glibc_arm_, glibc64_});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(snapshot(tree_) == once);
}

}  // namespace
}  // namespace shelf::test::autopatch
