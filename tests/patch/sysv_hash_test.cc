// s390x's System V hash table has 8-byte entries in ELFCLASS64. A file
// without section headers gets its dynamic symbol count from DT_HASH's
// nchain; read with the wrong width it would cut .dynsym short and edits of
// the later symbols would silently do nothing. binutils' readelf, reading
// the same file with its section headers put back, is the oracle.
#include <gtest/gtest.h>

#include <fstream>

#include "patch_support.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

// The symbol lines of `readelf --dyn-syms -W`, as "name@@version" words.
std::vector<std::string> dynamic_symbol_names(const std::string& file) {
  std::vector<std::string> names;
  for (const std::string& line : lines(run({"readelf", "--dyn-syms", "-W", file}).out)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || line.find("FUNC") == std::string::npos) continue;
    names.push_back(line.substr(line.rfind(' ') + 1));
  }
  return names;
}

// Puts the section header fields of an ELFCLASS64 header back from `from`.
void restore_section_headers(const std::string& file, const std::string& from) {
  std::vector<uint8_t> bytes = read_bytes(file), original = read_bytes(from);
  std::copy(original.begin() + 0x28, original.begin() + 0x30, bytes.begin() + 0x28);  // e_shoff
  std::copy(original.begin() + 0x3C, original.begin() + 0x40, bytes.begin() + 0x3C);  // e_shnum, e_shstrndx
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST(PatchSysvHash, S390xSymbolCountComesFromTheEightByteNchain) {
  if (!require_tool("readelf", "binutils")) return;
  std::string with_sections = patch_fixture("s390x/libsysv.so");
  std::vector<std::string> before = dynamic_symbol_names(with_sections);
  ASSERT_EQ(before.size(), 7u) << "fixture: seven versioned functions";
  // The last symbol in .dynsym order: past the bucket count (3).
  std::string last = before.back().substr(0, before.back().find('@'));
  ASSERT_EQ(before.back(), last + "@@SYSV_1.0");

  std::string dir = make_temp_dir("sysv-hash");
  std::string lib = copy_file(patch_fixture("s390x/libsysv-nosections.so"), dir, "libsysv.so");
  RunResult r = shelf({"patch", "--clear-symbol-version", last, lib});
  ASSERT_EQ(r.status, 0) << r.err;
  restore_section_headers(lib, with_sections);
  std::vector<std::string> after = dynamic_symbol_names(lib);
  std::vector<std::string> want = before;
  want.back() = last;  // only its version is gone
  EXPECT_EQ(after, want);
}

}  // namespace
}  // namespace shelf::test
