// An independent reading of the facts `shelf inspect` reports, done with
// elfutils' libelf (its own byte-order conversion and record types), used as
// a test oracle. Dynamic data is found through PT_DYNAMIC, as the loader
// does, so files without section headers are read too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shelf::test {

struct OracleFacts {
  int bits = 0;
  bool little_endian = true;
  uint16_t machine = 0;
  uint16_t type = 0;
  uint8_t os_abi = 0;
  std::optional<std::string> interpreter, soname, rpath, runpath;
  std::vector<std::string> needed;
  std::vector<std::pair<std::string, std::vector<std::string>>> version_needs;
  std::vector<std::string> version_defs;  // without the VER_FLG_BASE record
  std::optional<bool> execstack;          // null without program headers
  bool pie = false;
  bool is_static = false;
};

// Throws std::runtime_error naming the file and libelf's message on failure.
OracleFacts libelf_facts(const std::string& path);

}  // namespace shelf::test
