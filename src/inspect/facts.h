// The facts shelf knows about one ELF file: what `shelf inspect` prints and
// what the resolver works from. Plain values, detached from the mapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shelf::inspect {

struct Facts {
  std::string path;
  int bits = 0;                 // 32 or 64
  bool little_endian = true;
  uint16_t machine = 0;         // e_machine
  uint32_t e_flags = 0;         // ABI bits the loader checks (ARM float ABI, MIPS ABI)
  uint16_t type = 0;            // e_type
  uint8_t os_abi = 0;           // e_ident[EI_OSABI]
  uint8_t abi_version = 0;      // e_ident[EI_ABIVERSION]
  std::optional<std::string> interpreter;
  std::optional<std::string> soname;
  std::vector<std::string> needed;
  std::optional<std::string> rpath;    // DT_RPATH, entries joined by ':'
  std::optional<std::string> runpath;  // DT_RUNPATH
  // {library, [versions]} in file order.
  std::vector<std::pair<std::string, std::vector<std::string>>> version_needs;
  std::vector<std::string> version_defs;  // excluding the VER_FLG_BASE record
  std::optional<bool> execstack;          // null without program headers
  bool pie = false;
  bool is_static = false;
  bool has_dynamic = false;
  uint64_t dt_flags = 0;
  uint64_t dt_flags_1 = 0;

  bool nodeflib() const;  // DF_1_NODEFLIB: skip ld.so.cache and default dirs
};

// Reads the facts of one file. Throws elf::Error (file + offset) for input
// that is not a readable, well-formed ELF file.
Facts read_facts(const std::string& path);

// Facts of an in-memory image (already mapped or generated), named `name`.
Facts facts_from_bytes(const std::string& name, const uint8_t* data, uint64_t size);

}  // namespace shelf::inspect
