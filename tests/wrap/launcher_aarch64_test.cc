// The launcher built for AArch64 (arch_aarch64.h), run under qemu-user.
#include <gtest/gtest.h>

#include <filesystem>

#include "launcher_support.h"
#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

// arch.h also has AArch64's system calls and entry point, so shelf builds
// on such a host. Built here with the cross compiler and the flags of
// src/wrap/launcher/CMakeLists.txt, it runs under qemu-aarch64: it reads its
// configuration through qemu's /proc/self/exe and execs its target, a host
// qemu-aarch64 that runs an AArch64 printargs with the environment it got.
TEST(WrapLauncher, Aarch64BuildRunsUnderQemu) {
  ASSERT_TRUE(require_tool("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"));
  ASSERT_TRUE(require_tool("qemu-aarch64", "qemu-user"));
  ASSERT_TRUE(require_tool("readelf", "binutils"));
  std::string dir = make_temp_dir("wrap-launcher-aarch64");
  std::vector<std::string> sources;
  for (const auto& entry : fs::directory_iterator(source_dir() + "/src/wrap/launcher"))
    if (entry.path().extension() == ".c") sources.push_back(entry.path().string());
  RunResult built = build_freestanding("aarch64-linux-gnu-gcc", sources, dir + "/launcher");
  ASSERT_EQ(built.status, 0) << built.err;
  RunResult header = run({"readelf", "-hlW", dir + "/launcher"}, {{"LC_ALL", "C"}});
  EXPECT_NE(header.out.find("AArch64"), std::string::npos) << header.out;
  EXPECT_EQ(header.out.find("INTERP"), std::string::npos) << header.out;
  RunResult program = run({"aarch64-linux-gnu-gcc", "-static", "-O2", "-o", dir + "/printargs",
                           source_dir() + "/testdata/wrap/printargs.c"});
  ASSERT_EQ(program.status, 0) << program.err;

  std::string qemu = fs::canonical(lines(run({"sh", "-c", "command -v qemu-aarch64"}).out).at(0)).string();
  std::string w = dir + "/w";
  RunResult made = run({shelf_bin(), "wrap", "--binary", qemu, w, "--add-flag", dir + "/printargs", "--set",
                        "T_ARCH", "aarch64 'launcher'", "--prefix", "T_P", ":", "/x", "--append-flag", "last"},
                       {{"SHELF_LAUNCHER", dir + "/launcher"}});
  ASSERT_EQ(made.status, 0) << made.err;
  RunResult r = run({"qemu-aarch64", w, "caller"}, {{"T_P", "/y"}});
  ASSERT_EQ(r.status, 0) << r.err;
  Seen s = parse_seen(r.out);
  EXPECT_EQ(s.argv, (std::vector<std::string>{dir + "/printargs", "caller", "last"}));
  EXPECT_EQ(s.get("T_ARCH"), "aarch64 'launcher'");
  EXPECT_EQ(s.get("T_P"), "/x:/y");
  RunResult shown = run({"qemu-aarch64", w, "--shelf-wrapper-show"});
  EXPECT_EQ(shown.out.rfind("target '" + qemu + "'\n", 0), 0u) << shown.out << shown.err;
  RunResult corrupt = run({"qemu-aarch64", dir + "/launcher"});
  EXPECT_EQ(corrupt.status, 127);
  expect_one_line(corrupt, dir + "/launcher", "bare aarch64 launcher");
}

}  // namespace
}  // namespace shelf::test
