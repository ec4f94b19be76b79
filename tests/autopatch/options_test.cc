// The options and the tree rules: --ignore-missing, --keep-rpath,
// --runtime-dep(-libs), libraries of the right name but the wrong class or
// machine, links leaving the tree, hard links.
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

namespace fs = std::filesystem;

class AutopatchOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-options");
    store_ = scratch_ + "/store";
    glibc64_ = make_glibc(store_, Arch::kX86_64);
  }
  std::string scratch_, store_, glibc64_;
};

TEST_F(AutopatchOptions, IgnoreMissingTakesRepeatableFnmatchGlobs) {
  std::string tree = scratch_ + "/tree";
  copy(fixture("gone/app_gone"), tree + "/bin/app_gone");
  copy(fixture("gone/libuser.so.1"), tree + "/lib/libuser.so.1");
  auto before = snapshot(tree);

  // 'libgone*' covers libgone.so.1 and libgone2.so.1, not libnvidia-fake.so.1.
  RunResult one = autopatch({tree, "--deps", glibc64_, "--ignore-missing", "libgone*"});
  EXPECT_EQ(one.status, 1) << one.err;
  EXPECT_EQ(one.out, tree + "/bin/app_gone: missing libnvidia-fake.so.1\n");
  EXPECT_TRUE(snapshot(tree) == before);

  // A glob that matches nothing here changes nothing.
  RunResult other = autopatch({tree, "--deps", glibc64_, "--ignore-missing", "libgone?.so.1",
                               "--ignore-missing", "libnv*"});
  EXPECT_EQ(other.status, 1) << other.err;
  EXPECT_EQ(other.out, tree + "/bin/app_gone: missing libgone.so.1\n");
  EXPECT_TRUE(snapshot(tree) == before);

  RunResult both = autopatch({tree, "--deps", glibc64_, "--ignore-missing", "libgone*",
                              "--ignore-missing", "libnv*"});
  ASSERT_EQ(both.status, 0) << both.out << both.err;
  EXPECT_EQ(readelf_interpreter(tree + "/bin/app_gone"), glibc64_ + "/lib/ld-linux-x86-64.so.2");
  EXPECT_EQ(readelf_runpath(tree + "/bin/app_gone"), glibc64_ + "/lib");
  EXPECT_EQ(readelf_runpath(tree + "/lib/libuser.so.1"), glibc64_ + "/lib");
  // The loader confirms: libc from the store, the ignored library missing.
  RunResult trace = run_program(Arch::kX86_64, tree + "/bin/app_gone", {{"LD_TRACE_LOADED_OBJECTS", "1"}});
  EXPECT_NE(trace.out.find("libgone.so.1 => not found"), std::string::npos) << trace.out;
  EXPECT_NE(trace.out.find("libc.so.6 => " + glibc64_ + "/lib/libc.so.6"), std::string::npos) << trace.out;
}

TEST_F(AutopatchOptions, KeepRpathKeepsTheOldEntriesAfterTheChosenOnes) {
  std::string tree = scratch_ + "/tree";
  copy(fixture("vendor/bin/app64"), tree + "/bin/app64");
  copy(fixture("vendor/bin/app64-rpath"), tree + "/bin/app64-rpath");
  copy(fixture("vendor/lib/libcore.so.1"), tree + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util"), tree + "/lib/util");
  ASSERT_EQ(readelf_runpath(tree + "/bin/app64"), "/home/builder/build/lib");  // the fixture's
  ASSERT_EQ(readelf_rpath(tree + "/bin/app64-rpath"), "/home/builder/build/lib");

  RunResult r = autopatch({tree, "--deps", glibc64_, "--keep-rpath"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::string want = "$ORIGIN/../lib:" + glibc64_ + "/lib:/home/builder/build/lib";
  EXPECT_EQ(readelf_runpath(tree + "/bin/app64"), want);
  EXPECT_EQ(readelf_runpath(tree + "/bin/app64-rpath"), want);
  EXPECT_EQ(run_program(Arch::kX86_64, tree + "/bin/app64").out, "app64: core 64-bit, util 64\n");

  // Without it the build machine's directory is dropped.
  std::string plain = scratch_ + "/plain";
  copy(fixture("vendor/bin/app64"), plain + "/bin/app64");
  copy(fixture("vendor/lib/libcore.so.1"), plain + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util"), plain + "/lib/util");
  ASSERT_EQ(autopatch({plain, "--deps", glibc64_}).status, 0);
  EXPECT_EQ(readelf_runpath(plain + "/bin/app64"), "$ORIGIN/../lib:" + glibc64_ + "/lib");
}

class AutopatchRuntimeDep : public AutopatchOptions {
 protected:
  void SetUp() override {
    AutopatchOptions::SetUp();
    tree_ = scratch_ + "/tree";
    copy(fixture("dlopen/app_plain"), tree_ + "/bin/app");
    copy(fixture("dlopen/libloader.so.1"), tree_ + "/lib/libloader.so.1");
    plugin_ = store_path(store_, "plugin-1.0");
    copy(fixture("dlopen/plugin/libplugin.so.1"), plugin_ + "/lib/libplugin.so.1");
  }
  std::string tree_, plugin_;
};

TEST_F(AutopatchRuntimeDep, WithoutItNothingFindsThePlugin) {
  ASSERT_EQ(autopatch({tree_, "--deps", glibc64_}).status, 0);
  EXPECT_EQ(run_program(Arch::kX86_64, tree_ + "/bin/app").out, "direct: not found\nvia library: not found\n");
}

TEST_F(AutopatchRuntimeDep, ExecutablesGetIt) {
  RunResult r = autopatch({tree_, "--deps", glibc64_, "--runtime-dep", plugin_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(readelf_runpath(tree_ + "/bin/app"), "$ORIGIN/../lib:" + glibc64_ + "/lib:" + plugin_ + "/lib");
  EXPECT_EQ(readelf_runpath(tree_ + "/lib/libloader.so.1"), glibc64_ + "/lib");
  // dlopen() searches the caller's RUNPATH: the program finds the plugin,
  // the library does not.
  EXPECT_EQ(run_program(Arch::kX86_64, tree_ + "/bin/app").out,
            "direct: plugin x86_64\nvia library: not found\n");
}

TEST_F(AutopatchRuntimeDep, WithRuntimeDepLibsLibrariesGetItToo) {
  RunResult r = autopatch({tree_, "--deps", glibc64_, "--runtime-dep", plugin_, "--runtime-dep-libs"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(readelf_runpath(tree_ + "/lib/libloader.so.1"), glibc64_ + "/lib:" + plugin_ + "/lib");
  EXPECT_EQ(run_program(Arch::kX86_64, tree_ + "/bin/app").out,
            "direct: plugin x86_64\nvia library: plugin x86_64\n");
}

TEST_F(AutopatchOptions, ALibraryOfTheRightNameButWrongClassOrMachineIsPassedOver) {
  // app64's own directory holds an i386 libcore.so.1 (wrong class) and the
  // first dependency an aarch64 one (wrong machine); the x86_64 one is in
  // the second dependency.
  std::string tree = scratch_ + "/tree";
  copy(fixture("vendor/bin/app64"), tree + "/bin/app64");
  copy(fixture("vendor/bin/libcore.so.1"), tree + "/bin/libcore.so.1");
  copy(fixture("vendor/lib32/libvutil.so.1"), tree + "/lib32/libvutil.so.1");
  std::string arm = store_path(store_, "core-aarch64");
  copy(fixture("vendor/arm/lib/libcore.so.1"), arm + "/lib/libcore.so.1");
  std::string core64 = store_path(store_, "core-x86_64");
  copy(fixture("vendor/lib/libcore.so.1"), core64 + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util/libvutil.so.1"), core64 + "/lib/libvutil.so.1");
  std::string glibc32 = make_glibc(store_, Arch::kI386);

  RunResult r = autopatch({tree, "--deps", arm, glibc32, core64, glibc64_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(readelf_runpath(tree + "/bin/app64"), core64 + "/lib:" + glibc64_ + "/lib");
  // The i386 library in the tree got its own, 32-bit, answer.
  EXPECT_EQ(readelf_runpath(tree + "/bin/libcore.so.1"), "$ORIGIN/../lib32:" + glibc32 + "/lib");
  // The loader agrees on libcore (the dependency's libcore has no RUNPATH of
  // its own, so only the program's own NEEDED is checked here).
  RunResult trace = run_program(Arch::kX86_64, tree + "/bin/app64", {{"LD_TRACE_LOADED_OBJECTS", "1"}});
  EXPECT_NE(trace.out.find("libcore.so.1 => " + core64 + "/lib/libcore.so.1"), std::string::npos) << trace.out;
}

TEST_F(AutopatchOptions, LinksLeavingTheTreeAreNotFollowed) {
  std::string outside = scratch_ + "/outside";
  copy(fixture("vendor/bin/app64"), outside + "/app64");
  copy(fixture("vendor/lib/libcore.so.1"), outside + "/libcore.so.1");
  std::string tree = scratch_ + "/tree";
  copy(fixture("vendor/bin/app64"), tree + "/bin/app64");
  copy(fixture("vendor/lib/util"), tree + "/lib/util");
  copy(fixture("vendor/lib/libcore.so.1"), tree + "/lib/libcore.so.1");
  fs::create_symlink("../../outside/app64", tree + "/bin/outside-app");
  fs::create_symlink(outside, tree + "/linked-dir");
  auto outside_before = snapshot(outside);

  RunResult r = autopatch({tree, "--json", "--deps", glibc64_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(snapshot(outside) == outside_before) << "a file outside the tree changed";
  EXPECT_TRUE(fs::is_symlink(tree + "/bin/outside-app"));
  nlohmann::json doc = nlohmann::json::parse(r.out);
  std::set<std::string> files, skipped;
  for (const auto& f : doc["files"]) files.insert(f["path"]);
  for (const auto& s : doc["skipped"]) skipped.insert(s["path"]);
  EXPECT_EQ(files, (std::set<std::string>{tree + "/bin/app64", tree + "/lib/libcore.so.1",
                                          tree + "/lib/util/libvutil.so.1"}));
  EXPECT_TRUE(skipped.count(tree + "/bin/outside-app")) << r.out;
  EXPECT_TRUE(skipped.count(tree + "/linked-dir")) << r.out;
  EXPECT_EQ(run_program(Arch::kX86_64, tree + "/bin/app64").out, "app64: core 64-bit, util 64\n");

  // A bundled library that is a link out of the tree does not count.
  std::string leaky = scratch_ + "/leaky";
  copy(fixture("vendor/bin/app64"), leaky + "/bin/app64");
  fs::create_directories(leaky + "/lib");
  fs::create_symlink(outside + "/libcore.so.1", leaky + "/lib/libcore.so.1");
  auto leaky_before = snapshot(leaky);
  RunResult missing = autopatch({leaky, "--deps", glibc64_});
  EXPECT_EQ(missing.status, 1) << missing.err;
  EXPECT_EQ(missing.out, leaky + "/bin/app64: missing libcore.so.1\n");
  EXPECT_TRUE(snapshot(leaky) == leaky_before);
  EXPECT_TRUE(snapshot(outside) == outside_before);
}

TEST_F(AutopatchOptions, HardLinkedFilesArePatchedOnceAndStayLinked) {
  std::string tree = scratch_ + "/tree";
  copy(fixture("vendor/bin/app64"), tree + "/bin/app64");
  copy(fixture("vendor/lib/libcore.so.1"), tree + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util"), tree + "/lib/util");
  fs::create_hard_link(tree + "/bin/app64", tree + "/bin/app64-again");
  struct stat before {};
  ASSERT_EQ(::stat((tree + "/bin/app64").c_str(), &before), 0);

  RunResult r = autopatch({tree, "--deps", glibc64_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  struct stat a {}, b {};
  ASSERT_EQ(::stat((tree + "/bin/app64").c_str(), &a), 0);
  ASSERT_EQ(::stat((tree + "/bin/app64-again").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_ino, before.st_ino);
  EXPECT_EQ(a.st_nlink, 2u);
  EXPECT_EQ(run_program(Arch::kX86_64, tree + "/bin/app64-again").out, "app64: core 64-bit, util 64\n");
}

TEST_F(AutopatchOptions, DryRunPrintsThePlanAndWritesNothing) {
  std::string tree = scratch_ + "/tree";
  copy(fixture("vendor/bin/app64"), tree + "/bin/app64");
  copy(fixture("vendor/lib/libcore.so.1"), tree + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util"), tree + "/lib/util");
  auto before = snapshot(tree);
  RunResult r = autopatch({tree, "--dry-run", "--deps", glibc64_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(snapshot(tree) == before);
  EXPECT_NE(r.out.find("  libcore.so.1 => " + fs::canonical(tree).string() + "/lib/libcore.so.1\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  runpath: $ORIGIN/../lib:" + glibc64_ + "/lib\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace shelf::test::autopatch
