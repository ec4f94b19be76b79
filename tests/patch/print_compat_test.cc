// --print-* answers compared with Debian's patchelf (interpreter, SONAME,
// rpath, NEEDED: output and success/failure must be identical) and with
// readelf for the answers that patchelf 0.14 cannot give (OS ABI, execstack).
#include <gtest/gtest.h>

#include <map>

#include "patch_support.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

std::vector<std::string> fixture_files() {
  std::vector<std::string> files;
  for (const char* name : {"prog-runpath", "prog-rpath", "prog-nopie", "prog-static", "lib/libpgreet.so.1"})
    files.push_back(patch_fixture(name));
  for (const std::string& arch : fixture_arches())
    for (const char* name : {"hello", "hello-rpath", "hello-nopie", "hello-static", "libgreet.so.1"})
      files.push_back(arch_fixture(arch, name));
  return files;
}

TEST(PatchPrint, FixturesAnswerAsPatchelfDoes) {
  if (!require_tool("patchelf", "patchelf")) return;
  compare_with_patchelf(fixture_files());
}

TEST(PatchPrint, HostSampleAnswersAsPatchelfDoes) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("readelf", "binutils")) return;
  std::vector<std::string> sample = host_elf_sample(120);
  ASSERT_GE(sample.size(), 100u);
  compare_with_patchelf(sample);
}

// Without section headers patchelf cannot answer at all; shelf reads the
// dynamic data through PT_DYNAMIC and must say what it says for the original.
TEST(PatchPrint, FilesWithoutSectionHeadersAnswerLikeTheOriginal) {
  std::vector<std::string> opts{"patchelf", "--print-interpreter", "--print-rpath", "--print-needed"};
  auto with = opts, without = opts;
  with.push_back(patch_fixture("prog-runpath"));
  without.push_back(patch_fixture("prog-nosections"));
  RunResult a = shelf(with), b = shelf(without);
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("libpgreet.so.1"), std::string::npos);
}

// readelf's OS/ABI spellings for the values the fixtures and host carry.
std::string readelf_os_abi(const std::string& file) {
  for (const std::string& line : lines(run({"readelf", "-hW", file}).out))
    if (line.find("OS/ABI:") != std::string::npos) return line.substr(line.find(':') + 1);
  return "";
}

char readelf_execstack(const std::string& file) {
  for (const std::string& line : lines(run({"readelf", "-lW", file}).out))
    if (line.find("GNU_STACK") != std::string::npos) return line.find("RWE") != std::string::npos ? 'X' : '-';
  return '?';
}

TEST(PatchPrint, OsAbiAndExecstackAgreeWithReadelf) {
  if (!require_tool("readelf", "binutils")) return;
  const std::map<std::string, std::string> names{{"UNIX - System V", "System V"}, {"UNIX - GNU", "Linux"}};
  std::vector<std::string> files = fixture_files();
  for (const std::string& arch : fixture_arches()) files.push_back(arch_fixture(arch, "hello-execstack"));
  for (const std::string& f : host_elf_sample(40)) files.push_back(f);
  int executable_stacks = 0;
  for (const std::string& file : files) {
    RunResult r = shelf({"patchelf", "--print-os-abi", "--print-execstack", file});
    ASSERT_EQ(r.status, 0) << file << ": " << r.err;
    std::vector<std::string> out = lines(r.out);
    ASSERT_EQ(out.size(), 2u) << r.out;
    std::string theirs = readelf_os_abi(file);
    theirs = theirs.substr(theirs.find_first_not_of(' '));
    ASSERT_TRUE(names.count(theirs)) << file << ": unexpected OS/ABI " << theirs;
    EXPECT_EQ(out[0], names.at(theirs)) << file;
    char want = readelf_execstack(file);
    executable_stacks += want == 'X';
    EXPECT_EQ(out[1], std::string("execstack: ") + want) << file;
  }
  EXPECT_GT(executable_stacks, 0) << "the -z execstack fixtures should show an executable stack";
}

}  // namespace
}  // namespace shelf::test
