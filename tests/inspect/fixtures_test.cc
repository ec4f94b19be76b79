// The cross-architecture fixtures are real: every program runs (natively or
// under qemu-user with the cross toolchain's libraries) and prints what its
// source says, and each file has the property it was built to have, as
// readelf sees it. The agreement tests rely on both.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "readelf_facts.h"
#include "support/paths.h"
#include "support/run.h"

namespace {

using namespace shelf;

struct Arch {
  std::string name, qemu, sysroot;
};

// What testdata/arch/build.sh built, from its arches.txt.
std::vector<Arch> built_arches() {
  std::ifstream in(test::fixtures_dir() + "/arch/arches.txt");
  std::vector<Arch> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Arch a;
    if (fields >> a.name >> a.qemu >> a.sysroot) out.push_back(a);
  }
  return out;
}

// Each architecture the issue names, with readelf's view of its ELF header.
struct Expected {
  const char* arch;
  const char* elf_class;
  const char* data;
  const char* machine;
};
constexpr Expected kExpected[] = {
    {"x86_64", "ELF64", "little", "Advanced Micro Devices X86-64"},
    {"i686", "ELF32", "little", "Intel 80386"},
    {"aarch64", "ELF64", "little", "AArch64"},
    {"armhf", "ELF32", "little", "ARM"},
    {"ppc64el", "ELF64", "little", "PowerPC64"},
    {"s390x", "ELF64", "big", "IBM S/390"},
    {"riscv64", "ELF64", "little", "RISC-V"},
    {"mips64el", "ELF64", "little", "MIPS R3000"},
};

std::string dir_of(const std::string& arch) { return test::fixtures_dir() + "/arch/" + arch + "/"; }

TEST(Fixtures, EveryArchitectureWasBuilt) {
  std::vector<Arch> arches = built_arches();
  ASSERT_EQ(arches.size(), std::size(kExpected));
  for (size_t i = 0; i < arches.size(); ++i) EXPECT_EQ(arches[i].name, kExpected[i].arch);
}

TEST(Fixtures, EveryProgramRunsAndPrintsItsMessage) {
  for (const Arch& a : built_arches()) {
    if (a.qemu != "-" && !test::require_tool(a.qemu, "qemu-user")) continue;
    for (std::string prog : {"hello", "hello-rpath", "hello-nopie", "hello-execstack", "hello-static",
                             "nosections/hello"}) {
      // nosections/hello finds nosections/libgreet.so.1 through $ORIGIN, so
      // both stripped copies are exercised.
      std::string path = dir_of(a.name) + prog;
      SCOPED_TRACE(a.name + "/" + prog);
      std::vector<std::string> argv;
      if (a.qemu != "-") argv = {a.qemu, "-L", a.sysroot};
      argv.push_back(path);
      argv.push_back("shelf fixture");
      test::RunResult r = test::run(argv);
      EXPECT_EQ(r.status, 0) << r.err;
      std::string greeting = prog == "hello-static" ? "hello from a static program\n"
                                                    : "hello from libgreet (GREET_2.0); 2 versions\n";
      EXPECT_EQ(r.out, greeting + "arg 1: shelf fixture\n");
    }
  }
}

// A missing cross compiler stops the fixture build with the package to
// install: PATH holds only the host gcc and the tools build.sh needs.
TEST(Fixtures, MissingCompilerFailsTheBuildNamingThePackage) {
  std::string bin = test::make_temp_dir("nocross-bin");
  for (std::string tool : {"gcc", "dirname", "mkdir", "rm", "python3"}) {
    std::vector<std::string> found = test::lines(test::run({"sh", "-c", "command -v " + tool}).out);
    ASSERT_EQ(found.size(), 1u) << tool;
    std::filesystem::create_symlink(found[0], bin + "/" + tool);
  }
  std::string out = test::make_temp_dir("nocross-out");
  test::RunResult r = test::run({"/usr/bin/env", "PATH=" + bin, "/bin/bash",
                                 test::source_dir() + "/testdata/arch/build.sh", out});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("i686-linux-gnu-gcc not found: install the Debian package gcc-i686-linux-gnu"),
            std::string::npos)
      << r.err;
}

TEST(Fixtures, EachFileHasThePropertyItWasBuiltFor) {
  std::vector<std::string> files;
  for (const Expected& e : kExpected)
    for (std::string f : {"hello", "hello-rpath", "hello-nopie", "hello-execstack", "hello-static",
                          "libgreet.so.1"})
      files.push_back(dir_of(e.arch) + f);
  std::map<std::string, test::ReadelfFacts> re = test::readelf_facts(files);
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.arch);
    std::string d = dir_of(e.arch);
    for (std::string f : {"hello", "hello-rpath", "hello-nopie", "hello-execstack", "hello-static",
                          "libgreet.so.1"}) {
      EXPECT_EQ(re[d + f].elf_class, e.elf_class) << f;
      EXPECT_EQ(re[d + f].data, std::string("2's complement, ") + e.data + " endian") << f;
      EXPECT_EQ(re[d + f].machine, e.machine) << f;
    }
    const test::ReadelfFacts& hello = re[d + "hello"];
    EXPECT_TRUE(hello.interpreter.has_value());
    EXPECT_EQ(hello.needed, (std::vector<std::string>{"libgreet.so.1", "libc.so.6"}));
    EXPECT_EQ(hello.runpath.value_or(""), "$ORIGIN");
    EXPECT_FALSE(hello.rpath.has_value());
    EXPECT_EQ(hello.type.rfind("DYN (Position-Independent Executable", 0), 0u) << hello.type;
    bool needs_greet_2 = false;
    for (const auto& [lib, versions] : hello.version_needs)
      for (const std::string& v : versions) needs_greet_2 |= lib == "libgreet.so.1" && v == "GREET_2.0";
    EXPECT_TRUE(needs_greet_2);
    const test::ReadelfFacts& rpath = re[d + "hello-rpath"];
    EXPECT_EQ(rpath.rpath.value_or(""), "$ORIGIN:/opt/shelf-fixture/lib");
    EXPECT_FALSE(rpath.runpath.has_value());
    EXPECT_EQ(re[d + "hello-nopie"].type.rfind("EXEC", 0), 0u);
    EXPECT_EQ(re[d + "hello-execstack"].execstack, std::optional<bool>(true));
    const test::ReadelfFacts& st = re[d + "hello-static"];
    EXPECT_FALSE(st.interpreter.has_value());
    EXPECT_TRUE(st.needed.empty());
    const test::ReadelfFacts& lib = re[d + "libgreet.so.1"];
    EXPECT_EQ(lib.soname.value_or(""), "libgreet.so.1");
    EXPECT_EQ(lib.version_defs, (std::vector<std::string>{"GREET_1.0", "GREET_2.0"}));
  }
}

}  // namespace
