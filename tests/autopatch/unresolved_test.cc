// A tree that cannot be fully resolved fails before anything is written:
// exit 1, every file byte-identical afterwards, and the report lists every
// file -> missing library, and the missing symbol version when a library of
// the right name lacks it.
#include <algorithm>
#include <set>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

class AutopatchUnresolved : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-unresolved");
    tree_ = scratch_ + "/tree";
    copy(fixture("vendor"), tree_);
    copy(fixture("gone/app_gone"), tree_ + "/bin/app_gone");
    copy(fixture("gone/libuser.so.1"), tree_ + "/lib/libuser.so.1");
    copy(fixture("versions/app_ver"), tree_ + "/bin/app_ver");
    copy(fixture("versions/old/libver.so.1"), tree_ + "/lib/libver.so.1");
    std::string store = scratch_ + "/store";
    glibc64_ = make_glibc(store, Arch::kX86_64);
    glibc32_ = make_glibc(store, Arch::kI386);
    glibc_arm_ = make_glibc(store, Arch::kAarch64);
  }
  std::string scratch_, tree_, glibc64_, glibc32_, glibc_arm_;
};

TEST_F(AutopatchUnresolved, NothingIsWrittenAndEveryFileIsListed) {
  auto before = snapshot(tree_);
  RunResult r = autopatch({tree_, "--deps", glibc64_, glibc32_, glibc_arm_});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(snapshot(tree_) == before) << "the tree changed";

  std::vector<std::string> got = lines(r.out), want = {
      tree_ + "/bin/app_gone: missing libgone.so.1",
      tree_ + "/bin/app_gone: missing libnvidia-fake.so.1",
      tree_ + "/bin/app_ver: libver.so.1 lacks version VER_2.0 (found " + tree_ + "/lib/libver.so.1)",
      tree_ + "/lib/libuser.so.1: missing libgone2.so.1"};
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  // One line on stderr says nothing was written.
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
}

TEST_F(AutopatchUnresolved, TheJsonReportNamesTheMissingVersion) {
  auto before = snapshot(tree_);
  RunResult r = autopatch({tree_, "--json", "--deps", glibc64_, glibc32_, glibc_arm_});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(snapshot(tree_) == before);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["ok"], false);
  std::set<std::tuple<std::string, std::string, std::string>> problems;
  for (const auto& p : doc["problems"])
    problems.insert({p["file"], p["library"], p["version"].is_null() ? "" : p["version"].get<std::string>()});
  std::set<std::tuple<std::string, std::string, std::string>> want = {
      {tree_ + "/bin/app_gone", "libgone.so.1", ""},
      {tree_ + "/bin/app_gone", "libnvidia-fake.so.1", ""},
      {tree_ + "/bin/app_ver", "libver.so.1", "VER_2.0"},
      {tree_ + "/lib/libuser.so.1", "libgone2.so.1", ""}};
  EXPECT_EQ(problems, want);
}

TEST_F(AutopatchUnresolved, AMissingLoaderAndLibcAreReportedPerFile) {
  // Without the aarch64 glibc the aarch64 files have neither loader nor libc.
  std::string tree = scratch_ + "/arm-only";
  copy(fixture("vendor"), tree);
  auto before = snapshot(tree);
  RunResult r = autopatch({tree, "--deps", glibc64_, glibc32_});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(snapshot(tree) == before);
  std::vector<std::string> got = lines(r.out);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = {
      tree + "/arm/app-arm: missing libc.so.6",
      tree + "/arm/app-arm: no 64-bit aarch64 loader (ld*.so*) in the dependencies",
      tree + "/arm/lib/libcore.so.1: missing libc.so.6"};
  // libvutil.so.1 may or may not need libc, depending on the compiler's
  // as-needed default; take its line from readelf's view of the file.
  if (run({"readelf", "-d", tree + "/arm/lib/libvutil.so.1"}).out.find("[libc.so.6]") != std::string::npos)
    want.push_back(tree + "/arm/lib/libvutil.so.1: missing libc.so.6");
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST_F(AutopatchUnresolved, TheRightVersionInADependencyComesBeforeTheBundledOne) {
  // The bundled libver.so.1 lacks VER_2.0; a dependency has it. The tree's
  // lib/ is still needed (libcore), so the dependency must come first.
  std::string dep = store_path(scratch_ + "/store", "libver-2.0");
  copy(fixture("versions/new/libver.so.1"), dep + "/lib/libver.so.1");
  std::string tree = scratch_ + "/ver";
  copy(fixture("versions/app_ver"), tree + "/bin/app_ver");
  copy(fixture("versions/old/libver.so.1"), tree + "/lib/libver.so.1");
  copy(fixture("vendor/lib/libcore.so.1"), tree + "/lib/libcore.so.1");
  copy(fixture("vendor/lib/util"), tree + "/lib/util");
  RunResult r = autopatch({tree, "--deps", glibc64_, dep});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::optional<std::string> runpath = readelf_runpath(tree + "/bin/app_ver");
  ASSERT_TRUE(runpath);
  std::string rp = ":" + *runpath + ":";
  size_t at_dep = rp.find(":" + dep + "/lib:"), at_lib = rp.find(":$ORIGIN/../lib:");
  ASSERT_NE(at_dep, std::string::npos) << *runpath;
  ASSERT_NE(at_lib, std::string::npos) << *runpath;
  EXPECT_LT(at_dep, at_lib) << *runpath;
  EXPECT_EQ(std::count(runpath->begin(), runpath->end(), ':'), 2) << *runpath;
  RunResult run = run_program(Arch::kX86_64, tree + "/bin/app_ver");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "ver 2, core 64-bit, util 64\n");
}

}  // namespace
}  // namespace shelf::test::autopatch
