// .note.dlopen: a program declaring the libraries it may dlopen() (systemd's
// ELF dlopen metadata: owner "FDO", type 0x407c0c0a, a JSON array whose
// "soname" alternatives each satisfy the entry) gets a RUNPATH that finds
// one of them; the same program without the note does not.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

class AutopatchDlopenNote : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-dlopen");
    std::string store = scratch_ + "/store";
    glibc64_ = make_glibc(store, Arch::kX86_64);
    // The i386 plugin comes first and has the right name: passed over.
    plugin32_ = store_path(store, "plugin-i686-1.0");
    copy(fixture("dlopen/plugin32/libplugin.so.1"), plugin32_ + "/lib/libplugin.so.1");
    plugin_ = store_path(store, "plugin-1.0");
    copy(fixture("dlopen/plugin/libplugin.so.1"), plugin_ + "/lib/libplugin.so.1");
  }

  std::string tree(const std::string& program) {
    std::string t = scratch_ + "/" + program;
    copy(fixture("dlopen/" + program), t + "/bin/app");
    copy(fixture("dlopen/libloader.so.1"), t + "/lib/libloader.so.1");
    return t;
  }

  std::string scratch_, glibc64_, plugin32_, plugin_;
};

TEST_F(AutopatchDlopenNote, TheFixtureCarriesTheNote) {
  // readelf, not shelf, says the note is there and what it holds.
  RunResult notes = run({"readelf", "-nW", fixture("dlopen/app_note")});
  EXPECT_NE(notes.out.find("Displaying notes found in: .note.dlopen"), std::string::npos) << notes.out;
  EXPECT_NE(notes.out.find("FDO"), std::string::npos) << notes.out;
  RunResult dump = run({"readelf", "-p", ".note.dlopen", fixture("dlopen/app_note")});
  EXPECT_NE(dump.out.find("libplugin-missing.so.9"), std::string::npos) << dump.out;
  RunResult plain = run({"readelf", "-nW", fixture("dlopen/app_plain")});
  EXPECT_EQ(plain.out.find(".note.dlopen"), std::string::npos);
}

TEST_F(AutopatchDlopenNote, AnyOneAlternativeSatisfiesTheEntry) {
  std::string t = tree("app_note");
  RunResult r = autopatch({t, "--deps", glibc64_, plugin32_, plugin_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(readelf_runpath(t + "/bin/app"), "$ORIGIN/../lib:" + glibc64_ + "/lib:" + plugin_ + "/lib");
  EXPECT_EQ(run_program(Arch::kX86_64, t + "/bin/app").out, "direct: plugin x86_64\nvia library: not found\n");
}

TEST_F(AutopatchDlopenNote, WithoutTheNoteThePluginIsNotFound) {
  std::string t = tree("app_plain");
  RunResult r = autopatch({t, "--deps", glibc64_, plugin32_, plugin_});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(readelf_runpath(t + "/bin/app"), "$ORIGIN/../lib:" + glibc64_ + "/lib");
  EXPECT_EQ(run_program(Arch::kX86_64, t + "/bin/app").out, "direct: not found\nvia library: not found\n");
}

TEST_F(AutopatchDlopenNote, TheJsonPlanMarksTheDlopenLibrary) {
  std::string t = tree("app_note");
  auto before = snapshot(t);
  RunResult r = autopatch({t, "--dry-run", "--json", "--deps", glibc64_, plugin_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(snapshot(t) == before);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  bool seen = false;
  for (const auto& f : doc["files"])
    for (const auto& lib : f["libraries"])
      if (lib["name"] == "libplugin.so.1") {
        seen = true;
        EXPECT_EQ(f["path"], t + "/bin/app");
        EXPECT_EQ(lib["dlopen"], true);
        EXPECT_EQ(lib["path"], plugin_ + "/lib/libplugin.so.1");
      }
  EXPECT_TRUE(seen) << r.out;
}

TEST_F(AutopatchDlopenNote, NoAlternativeFoundIsAProblemUnlessIgnored) {
  std::string t = tree("app_note");
  auto before = snapshot(t);
  RunResult r = autopatch({t, "--deps", glibc64_, plugin32_});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, t + "/bin/app: missing libplugin-missing.so.9 | libplugin.so.1 (dlopen, feature plugin)\n");
  EXPECT_TRUE(snapshot(t) == before);

  RunResult ignored = autopatch({t, "--deps", glibc64_, plugin32_, "--ignore-missing", "libplugin*"});
  ASSERT_EQ(ignored.status, 0) << ignored.out << ignored.err;
  EXPECT_EQ(readelf_runpath(t + "/bin/app"), "$ORIGIN/../lib:" + glibc64_ + "/lib");
}

}  // namespace
}  // namespace shelf::test::autopatch
