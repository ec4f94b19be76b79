// The example recipes (recipes/examples), built from their C sources by
// build-sources.sh into a private store, must run from the store and print
// what the unpatched vendor programs print when their libraries are given
// to the loader by hand (ld.so --library-path; qemu-i386 with
// LD_LIBRARY_PATH for the i386 game). Expected outputs are computed that
// way, never written down here.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "recipe_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

class RecipeExamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new RecipeEnv("recipe-examples");
    dir_ = env_->root + "/recipes";
    RunResult made = run({source_dir() + "/recipes/examples/build-sources.sh", dir_});
    ASSERT_EQ(made.status, 0) << made.err;
    RunResult built = env_->build({dir_ + "/hello-vendor.toml", dir_ + "/game-demo.toml", "--json"});
    ASSERT_EQ(built.status, 0) << built.err;
    json_ = new nlohmann::json(nlohmann::json::parse(built.out));
  }
  static void TearDownTestSuite() {
    delete env_;
    delete json_;
  }
  static std::string output(size_t i) { return (*json_)["outputs"][i]["path"]; }
  static std::string dependency(size_t i) { return (*json_)["outputs"][i]["dependencies"][0]; }

  static RecipeEnv* env_;
  static std::string dir_;
  static nlohmann::json* json_;
};

RecipeEnv* RecipeExamples::env_ = nullptr;
std::string RecipeExamples::dir_;
nlohmann::json* RecipeExamples::json_ = nullptr;

std::string readelf(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"readelf", "-W"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

TEST_F(RecipeExamples, HelloVendorRunsFromTheStoreWithTheStoresGlibc) {
  if (!require_tool("readelf", "binutils")) return;
  std::string hello = output(0), glibc = dependency(0);
  EXPECT_TRUE(glibc.ends_with("-glibc-host")) << glibc;
  // The unpatched program with its library given to the host loader by hand.
  std::string vendor = dir_ + "/build/hello-1.0";
  RunResult expected = run({"/lib64/ld-linux-x86-64.so.2", "--library-path", vendor + "/lib", vendor + "/bin/hello", "x"});
  ASSERT_EQ(expected.status, 0) << expected.err;
  ASSERT_FALSE(expected.out.empty());
  RunResult unpatched = run({vendor + "/bin/hello", "x"});
  EXPECT_NE(unpatched.status, 0) << "without help the vendor program cannot find its library";

  RunResult actual = run({hello + "/bin/hello", "x"}, {{"LD_LIBRARY_PATH", ""}});
  EXPECT_EQ(actual.status, 0) << actual.err;
  EXPECT_EQ(actual.out, expected.out);
  // Loaded from the store only: the store's loader and RUNPATH (readelf's view).
  EXPECT_NE(readelf({"-l", hello + "/bin/hello"}).find("[Requesting program interpreter: " + glibc +
                                                        "/lib/ld-linux-x86-64.so.2]"),
            std::string::npos);
  EXPECT_NE(readelf({"-d", hello + "/bin/hello"}).find("Library runpath: [" + hello + "/lib:" + glibc + "/lib]"),
            std::string::npos);
  RunResult ldd = run({glibc + "/lib/ld-linux-x86-64.so.2", "--list", hello + "/bin/hello"});
  EXPECT_NE(ldd.out.find("libc.so.6 => " + glibc + "/lib/libc.so.6"), std::string::npos) << ldd.out;
  EXPECT_NE(ldd.out.find("libvendor.so.1 => " + hello + "/lib/libvendor.so.1"), std::string::npos) << ldd.out;

  // The wrapper adds its flag in front of the caller's.
  RunResult expected_wrapped =
      run({"/lib64/ld-linux-x86-64.so.2", "--library-path", vendor + "/lib", vendor + "/bin/hello", "--from-wrapper", "y"});
  RunResult wrapped = run({hello + "/bin/hello-greeter", "y"});
  EXPECT_EQ(wrapped.status, 0) << wrapped.err;
  EXPECT_EQ(wrapped.out, expected_wrapped.out);
  // The store records the reference to glibc, found in the patched files.
  EXPECT_NE(env_->shelf({"store", "refs", hello}).out.find(glibc), std::string::npos);
}

TEST_F(RecipeExamples, GameDemoDropsTheOldLibgccAndRunsInItsDataDirectory) {
  if (!require_tool("qemu-i386", "qemu-user") || !require_tool("readelf", "binutils")) return;
  std::string game = output(1), glibc = dependency(1);
  std::string payload = dir_ + "/build/game";
  // As shipped: the bundled libgcc_s.so.1 is found first and is too old.
  RunResult shipped = run({"sh", "-c", "cd '" + payload + "' && exec qemu-i386 -L /usr/i686-linux-gnu "
                                       "-E LD_LIBRARY_PATH=lib -E GAME_MODE=demo bin/game"});
  EXPECT_NE(shipped.status, 0);
  EXPECT_NE(shipped.err.find("version `GCC_3.3' not found"), std::string::npos) << shipped.err;
  // Expected: the same program with the toolchain's libgcc_s instead.
  std::string good = env_->root + "/good-libs";
  fs::create_directories(good);
  fs::copy_file(payload + "/lib/libgamecore.so", good + "/libgamecore.so", fs::copy_options::overwrite_existing);
  RunResult expected = run({"sh", "-c", "cd '" + payload + "' && exec qemu-i386 -L /usr/i686-linux-gnu "
                                        "-E LD_LIBRARY_PATH=" + good + ":/usr/i686-linux-gnu/lib -E GAME_MODE=demo bin/game"});
  ASSERT_EQ(expected.status, 0) << expected.err;
  ASSERT_NE(expected.out.find("stack walk ok"), std::string::npos) << expected.out;

  EXPECT_FALSE(fs::exists(game + "/lib/libgcc_s.so.1")) << "the bundled libgcc_s must be removed";
  EXPECT_TRUE(fs::exists(game + "/lib/libgamecore.so"));
  std::string program = game + "/libexec/game-demo/game";
  std::string dynamic = readelf({"-d", program});
  EXPECT_EQ(dynamic.find("/home/builder"), std::string::npos) << "the build machine's RPATH must be gone\n" << dynamic;
  EXPECT_NE(readelf({"-l", program}).find("[Requesting program interpreter: " + glibc + "/lib/ld-linux.so.2]"),
            std::string::npos);

  // What the wrapper does (its plan, read back by shelf wrap --show).
  RunResult shown = env_->shelf({"wrap", "--show", game + "/bin/game-demo"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_NE(shown.out.find("--chdir '" + game + "/share/game-demo'"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("--set 'GAME_MODE' 'demo'"), std::string::npos) << shown.out;
  // The kernel here cannot start i386 programs: run the store's program
  // under qemu the way the wrapper starts it (in its data directory).
  RunResult actual = run({"sh", "-c", "cd '" + game + "/share/game-demo' && GAME_MODE=demo exec qemu-i386 '" +
                                          program + "'"},
                         {{"LD_LIBRARY_PATH", ""}});
  EXPECT_EQ(actual.status, 0) << actual.err;
  EXPECT_EQ(actual.out, expected.out);
  // Through the wrapper itself (its chdir and environment), from this
  // test's working directory, where data/ does not exist.
  if (fs::exists("/proc/sys/fs/binfmt_misc/qemu-i386")) {
    RunResult through_wrapper = run({game + "/bin/game-demo"});
    EXPECT_EQ(through_wrapper.out, expected.out) << through_wrapper.err;
    return;
  }
  // Without a binfmt handler: in a bubblewrap mount namespace the store's
  // game file is a shim that starts the real one under qemu-i386, from a
  // second mount of the output so its $ORIGIN RUNPATH still holds.
  if (!require_tool("bwrap", "bubblewrap")) return;
  std::string mirror = env_->root + "/mirror", shim = env_->root + "/qemu-shim";
  fs::create_directories(mirror);
  write_file(shim, "#!/bin/sh\nexec qemu-i386 '" + mirror + "/libexec/game-demo/game' \"$@\"\n", 0755);
  RunResult through_wrapper = run({"bwrap", "--dev-bind", "/", "/", "--ro-bind", game, mirror, "--ro-bind", shim, program,
                                   "--", game + "/bin/game-demo"},
                                  {{"LD_LIBRARY_PATH", ""}, {"GAME_MODE", "from the caller"}});
  EXPECT_EQ(through_wrapper.status, 0) << through_wrapper.err;
  EXPECT_EQ(through_wrapper.out, expected.out) << "the wrapper's --set wins over the caller's GAME_MODE";
}

TEST_F(RecipeExamples, GameDemoDesktopEntryIsValid) {
  if (!require_tool("desktop-file-validate", "desktop-file-utils")) return;
  std::string game = output(1);
  std::string entry = game + "/share/applications/game-demo.desktop";
  ASSERT_TRUE(fs::exists(entry));
  RunResult v = run({"desktop-file-validate", entry});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  EXPECT_EQ(v.out, "") << "no warnings";
  EXPECT_NE(read_file(entry).find("Exec=" + game + "/bin/game-demo"), std::string::npos) << read_file(entry);
}

TEST_F(RecipeExamples, StoreVerifiesAndRebuildIsANoOp) {
  RunResult verify = env_->shelf({"store", "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  RunResult again = env_->build({dir_ + "/hello-vendor.toml", dir_ + "/game-demo.toml", "--json"});
  ASSERT_EQ(again.status, 0) << again.err;
  nlohmann::json j = nlohmann::json::parse(again.out);
  for (const auto& r : j["all"]) EXPECT_EQ(r["state"], "valid") << r["name"];
  EXPECT_EQ(j["outputs"][0]["path"], output(0));
  EXPECT_EQ(j["outputs"][1]["path"], output(1));
}

// build-sources.sh is reproducible: another output directory gets the same
// bytes (sha256sum's view), so its recipes name the same store paths,
// which are valid already.
TEST_F(RecipeExamples, SourcesAreReproducibleSoPathsAreShared) {
  std::string again = env_->root + "/recipes-again";
  RunResult made = run({source_dir() + "/recipes/examples/build-sources.sh", again});
  ASSERT_EQ(made.status, 0) << made.err;
  for (const char* f : {"/sources/hello-vendor-1.0.tar.gz", "/sources/game-demo-1.0.run"})
    EXPECT_EQ(sha256_of(again + f), sha256_of(dir_ + f)) << f;
  RunResult built = env_->build({again + "/hello-vendor.toml", again + "/game-demo.toml", "--json"});
  ASSERT_EQ(built.status, 0) << built.err;
  nlohmann::json j = nlohmann::json::parse(built.out);
  EXPECT_EQ(j["outputs"][0]["path"], output(0));
  EXPECT_EQ(j["outputs"][1]["path"], output(1));
  for (const auto& r : j["all"]) EXPECT_EQ(r["state"], "valid") << r["name"];
}

}  // namespace
