// The system directories we read out of a glibc loader equal what that
// loader says about itself (`ld.so --help`, "system search path"), for the
// host's loaders and, under qemu, the cross toolchains' loaders.
#include <gtest/gtest.h>

#include "inspect/facts.h"
#include "resolve/default_dirs.h"
#include "resolve/root.h"
#include "support/run.h"

namespace {

using namespace shelf;

struct LoaderCase {
  std::string qemu;     // empty: run natively
  std::string sysroot;  // empty: the host
  std::string interpreter;
  std::string package;  // providing the sysroot's loader
};

void PrintTo(const LoaderCase& c, std::ostream* os) { *os << c.sysroot << c.interpreter; }

std::vector<std::string> dirs_from_help(const std::string& help) {
  std::vector<std::string> out;
  for (const std::string& line : test::lines(help)) {
    size_t tag = line.find(" (system search path)");
    if (tag == std::string::npos) continue;
    size_t start = line.find_first_not_of(' ');
    out.push_back(line.substr(start, tag - start));
  }
  return out;
}

class ResolveDefaultDirsTest : public ::testing::TestWithParam<LoaderCase> {};

TEST_P(ResolveDefaultDirsTest, MatchTheLoadersOwnHelp) {
  const LoaderCase& c = GetParam();
  if (!c.qemu.empty() && !test::require_tool(c.qemu, "qemu-user")) return;
  std::string host_loader = c.sysroot + c.interpreter;
  std::vector<std::string> argv;
  if (!c.qemu.empty()) argv = {c.qemu, "-L", c.sysroot.empty() ? "/" : c.sysroot};
  argv.push_back(host_loader);
  argv.push_back("--help");
  test::RunResult help = test::run(argv);
  ASSERT_EQ(help.status, 0) << "cannot run " << host_loader << " (Debian package " << c.package
                            << "): " << help.err;
  std::vector<std::string> expected = dirs_from_help(help.out);
  ASSERT_FALSE(expected.empty()) << help.out;

  inspect::Facts facts = inspect::read_facts(host_loader);
  resolve::SystemDirs ours =
      resolve::system_dirs(facts, resolve::Root(c.sysroot), c.interpreter);
  EXPECT_EQ(ours.dirs, expected);
  EXPECT_EQ("/" + ours.lib, expected[0]);
}

INSTANTIATE_TEST_SUITE_P(
    ResolveLoaders, ResolveDefaultDirsTest,
    ::testing::Values(
        LoaderCase{"", "", "/lib64/ld-linux-x86-64.so.2", "libc6"},
        LoaderCase{"qemu-i386", "", "/lib/ld-linux.so.2", "libc6-i386"},
        LoaderCase{"qemu-aarch64", "/usr/aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1",
                   "libc6-arm64-cross"},
        LoaderCase{"qemu-arm", "/usr/arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3",
                   "libc6-armhf-cross"},
        LoaderCase{"qemu-ppc64le", "/usr/powerpc64le-linux-gnu", "/lib/ld64.so.2",
                   "libc6-ppc64el-cross"},
        LoaderCase{"qemu-s390x", "/usr/s390x-linux-gnu", "/lib/ld64.so.1", "libc6-s390x-cross"},
        LoaderCase{"qemu-riscv64", "/usr/riscv64-linux-gnu", "/lib/ld-linux-riscv64-lp64d.so.1",
                   "libc6-riscv64-cross"},
        LoaderCase{"qemu-mips64el", "/usr/mips64el-linux-gnuabi64", "/lib64/ld.so.1",
                   "libc6-mips64el-cross"}),
    [](const auto& info) {
      std::string name = info.param.qemu.empty() ? "host" : info.param.qemu.substr(5);
      return name;
    });

TEST(ResolveDefaultDirs, NonGlibcBytesYieldNothing) {
  const char text[] = "no\0/etc/\0directories here";
  std::vector<uint8_t> bytes(text, text + sizeof text);
  EXPECT_TRUE(resolve::builtin_system_dirs(bytes).empty());
}

}  // namespace
