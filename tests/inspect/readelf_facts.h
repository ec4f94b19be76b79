// The same facts as `shelf inspect`, parsed from binutils' readelf output
// (`readelf -W -h -l -d -V`), one readelf run for many files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shelf::test {

struct ReadelfFacts {
  std::string elf_class;  // "ELF64"
  std::string data;       // "2's complement, little endian"
  std::string os_abi;     // "UNIX - System V"
  std::string type;       // "DYN (Position-Independent Executable file)"
  std::string machine;    // "Advanced Micro Devices X86-64"
  bool has_program_headers = false;
  bool has_sections = true;  // e_shnum (readelf -h) is not 0
  std::optional<std::string> interpreter, soname, rpath, runpath;
  std::vector<std::string> needed;
  std::optional<bool> execstack;  // from the GNU_STACK flags; null without one
  std::vector<std::pair<std::string, std::vector<std::string>>> version_needs;
  std::vector<std::string> version_defs;  // without the BASE record
  std::string errors;                      // readelf's stderr lines for the file
};

// Runs readelf once over `files` (fails the test when readelf is missing) and
// returns the facts per path.
std::map<std::string, ReadelfFacts> readelf_facts(const std::vector<std::string>& files);

}  // namespace shelf::test
