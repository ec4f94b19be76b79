// `shelf inspect --json` against two independent readers, field by field:
// elfutils' libelf (tests/inspect/libelf_oracle.cc) and binutils' readelf
// (tests/inspect/readelf_facts.cc), on every cross-architecture fixture and
// on a deterministic sample of the host's programs and libraries. shelf runs
// once per file set (it takes many files).
#include <elf.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "libelf_oracle.h"
#include "readelf_facts.h"
#include "samples.h"
#include "support/paths.h"
#include "support/run.h"

namespace {

using namespace shelf;
using json = nlohmann::ordered_json;

// How readelf spells each machine and OS ABI, and what shelf prints.
struct Spelling {
  unsigned value;
  const char* readelf;
  const char* shelf;
};
constexpr Spelling kMachines[] = {
    {EM_386, "Intel 80386", "i386"},     {EM_X86_64, "Advanced Micro Devices X86-64", "x86_64"},
    {EM_AARCH64, "AArch64", "aarch64"},  {EM_ARM, "ARM", "arm"},
    {EM_PPC64, "PowerPC64", "ppc64"},    {EM_PPC, "PowerPC", "ppc"},
    {EM_S390, "IBM S/390", "s390"},      {EM_RISCV, "RISC-V", "riscv"},
    {EM_MIPS, "MIPS R3000", "mips"},
};
constexpr Spelling kOsAbis[] = {{ELFOSABI_SYSV, "UNIX - System V", "System V"},
                                {ELFOSABI_GNU, "UNIX - GNU", "Linux"}};

const Spelling* find(const auto& table, unsigned value) {
  for (const Spelling& s : table)
    if (s.value == value) return &s;
  return nullptr;
}

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json needs_json(const std::vector<std::pair<std::string, std::vector<std::string>>>& needs) {
  json out = json::object();
  for (const auto& [lib, versions] : needs) out[lib] = versions;
  return out;
}

void expect_agrees_with_libelf(const json& j, const test::OracleFacts& o) {
  EXPECT_EQ(j["class"], o.bits);
  EXPECT_EQ(j["endian"], o.little_endian ? "little" : "big");
  if (const Spelling* m = find(kMachines, o.machine))
    EXPECT_EQ(j["machine"], m->shelf);
  else
    ADD_FAILURE() << "e_machine " << o.machine << " is not in this test's table";
  if (const Spelling* a = find(kOsAbis, o.os_abi))
    EXPECT_EQ(j["os_abi"], a->shelf);
  else
    ADD_FAILURE() << "OS ABI " << int(o.os_abi) << " is not in this test's table";
  EXPECT_EQ(j["interpreter"], optional_json(o.interpreter));
  EXPECT_EQ(j["soname"], optional_json(o.soname));
  EXPECT_EQ(j["needed"], json(o.needed));
  EXPECT_EQ(j["rpath"], optional_json(o.rpath));
  EXPECT_EQ(j["runpath"], optional_json(o.runpath));
  EXPECT_EQ(j["version_needs"], needs_json(o.version_needs));
  EXPECT_EQ(j["version_defs"], json(o.version_defs));
  EXPECT_EQ(j["execstack"], o.execstack ? json(*o.execstack) : json(nullptr));
  EXPECT_EQ(j["pie"], o.pie);
  EXPECT_EQ(j["static"], o.is_static);
}

void expect_agrees_with_readelf(const json& j, const test::ReadelfFacts& r) {
  EXPECT_EQ(r.errors, "") << "readelf complained";
  EXPECT_EQ("ELF" + std::to_string(j["class"].get<int>()), r.elf_class);
  EXPECT_EQ("2's complement, " + j["endian"].get<std::string>() + " endian", r.data);
  std::string type = r.type.substr(0, r.type.find(' '));
  EXPECT_EQ(j["type"], type);
  bool machine_known = false, abi_known = false;
  for (const Spelling& m : kMachines) {
    if (m.readelf != r.machine) continue;
    machine_known = true;
    EXPECT_EQ(j["machine"], m.shelf);
  }
  for (const Spelling& a : kOsAbis) {
    if (a.readelf != r.os_abi) continue;
    abi_known = true;
    EXPECT_EQ(j["os_abi"], a.shelf);
  }
  EXPECT_TRUE(machine_known) << r.machine;
  EXPECT_TRUE(abi_known) << r.os_abi;
  EXPECT_EQ(j["interpreter"], optional_json(r.interpreter));
  EXPECT_EQ(j["soname"], optional_json(r.soname));
  EXPECT_EQ(j["needed"], json(r.needed));
  EXPECT_EQ(j["rpath"], optional_json(r.rpath));
  EXPECT_EQ(j["runpath"], optional_json(r.runpath));
  // readelf -V reads versions from section headers only.
  if (r.has_sections) {
    EXPECT_EQ(j["version_needs"], needs_json(r.version_needs));
    EXPECT_EQ(j["version_defs"], json(r.version_defs));
  }
  // No PT_GNU_STACK means the kernel gives an executable stack.
  json execstack = r.has_program_headers ? json(r.execstack.value_or(true)) : json(nullptr);
  EXPECT_EQ(j["execstack"], execstack);
  // readelf calls an ET_DYN with DF_1_PIE a PIE; shelf also counts an ET_DYN
  // with an interpreter (libc.so.6 is one), so the two agree one way, and
  // where they differ the file must have an interpreter.
  bool readelf_pie = r.type.find("Position-Independent Executable") != std::string::npos;
  if (readelf_pie) {
    EXPECT_EQ(j["pie"], true);
  } else if (j["pie"] == true) {
    EXPECT_TRUE(r.interpreter.has_value()) << r.type;
  }
  bool executable = type == "EXEC" || readelf_pie;
  EXPECT_EQ(j["static"], executable && !r.interpreter && r.needed.empty());
}

// Runs shelf once over `files` and compares every object with both oracles.
void expect_agreement(const std::vector<std::string>& files) {
  int status = -1;
  json all = json::parse(test::inspect_json(files, &status), nullptr, false);
  ASSERT_EQ(status, 0);
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), files.size());
  std::map<std::string, test::ReadelfFacts> readelf = test::readelf_facts(files);
  ASSERT_EQ(readelf.size(), files.size()) << "readelf output did not cover every file";
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i] + "\nshelf: " + all[i].dump());
    ASSERT_EQ(all[i]["path"], files[i]) << "files out of order";
    try {
      expect_agrees_with_libelf(all[i], test::libelf_facts(files[i]));
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    expect_agrees_with_readelf(all[i], readelf[files[i]]);
  }
}

TEST(InspectAgreement, EveryFixtureAgreesWithLibelfAndReadelf) {
  std::vector<std::string> files = test::arch_fixtures();
  ASSERT_EQ(files.size(), 8u * 8) << "8 architectures × 8 files from testdata/arch/build.sh";
  expect_agreement(files);
  RecordProperty("files", static_cast<int>(files.size()));
}

TEST(InspectAgreement, HostSampleAgreesWithLibelfAndReadelf) {
  std::vector<std::string> files = test::host_sample(240);
  ASSERT_GE(files.size(), 200u) << "too few ELF files in /usr/bin and /usr/lib/x86_64-linux-gnu";
  expect_agreement(files);
  RecordProperty("files", static_cast<int>(files.size()));
  std::printf("compared %zu host files\n", files.size());
}

// A copy without section headers (sstrip) must give the same facts as the
// original: everything shelf reports comes through PT_DYNAMIC.
TEST(InspectAgreement, FilesWithoutSectionHeadersReadLikeTheirOriginals) {
  std::vector<std::string> files;
  std::string dir = test::fixtures_dir() + "/arch/";
  for (std::string arch : {"x86_64", "i686", "aarch64", "armhf", "ppc64el", "s390x", "riscv64", "mips64el"})
    for (std::string name : {"hello", "libgreet.so.1"}) {
      files.push_back(dir + arch + "/" + name);
      files.push_back(dir + arch + "/nosections/" + name);
    }
  int status = -1;
  json all = json::parse(test::inspect_json(files, &status), nullptr, false);
  ASSERT_EQ(status, 0);
  ASSERT_EQ(all.size(), files.size());
  std::map<std::string, test::ReadelfFacts> readelf = test::readelf_facts(files);
  for (size_t i = 0; i < files.size(); i += 2) {
    SCOPED_TRACE(files[i + 1]);
    EXPECT_TRUE(readelf[files[i]].has_sections);
    EXPECT_FALSE(readelf[files[i + 1]].has_sections) << "the copy still has section headers";
    json original = all[i], stripped = all[i + 1];
    original.erase("path");
    stripped.erase("path");
    EXPECT_EQ(stripped, original);
    EXPECT_FALSE(original["needed"].empty() && original["soname"].is_null()) << "nothing dynamic to compare";
  }
}

// Text output (the default) shows the interpreter, SONAME and NEEDED names
// readelf finds, in file order.
TEST(InspectText, ShowsInterpreterSonameAndNeededAsReadelfFindsThem) {
  std::vector<std::string> files = test::arch_fixtures();
  ASSERT_FALSE(files.empty());
  test::RunResult r = test::run([&] {
    std::vector<std::string> argv{test::shelf_bin(), "inspect"};
    argv.insert(argv.end(), files.begin(), files.end());
    return argv;
  }());
  ASSERT_EQ(r.status, 0) << r.err;
  // One block per file, starting with the path at column 0.
  std::map<std::string, std::string> blocks;
  std::string* current = nullptr;
  for (const std::string& line : test::lines(r.out)) {
    if (!line.empty() && line[0] != ' ')
      current = &blocks[line];
    else if (current)
      *current += line + "\n";
  }
  ASSERT_EQ(blocks.size(), files.size());
  std::map<std::string, test::ReadelfFacts> readelf = test::readelf_facts(files);
  for (const std::string& f : files) {
    SCOPED_TRACE(f + "\n" + blocks[f]);
    const test::ReadelfFacts& re = readelf[f];
    const std::string& text = blocks[f];
    std::string needed;
    for (const std::string& n : re.needed) needed += (needed.empty() ? "" : " ") + n;
    EXPECT_NE(text.find("  needed:       " + (needed.empty() ? "-" : needed) + "\n"), std::string::npos);
    EXPECT_NE(text.find("  interpreter:  " + re.interpreter.value_or("-") + "\n"), std::string::npos);
    EXPECT_NE(text.find("  soname:       " + re.soname.value_or("-") + "\n"), std::string::npos);
  }
}

}  // namespace
