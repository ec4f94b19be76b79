// Human names for header values, in the spellings users already know:
// machine names as in GNU triplets, OS ABI names as patchelf prints them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <optional>
#include <string>

namespace shelf::elf {

std::string machine_name(uint16_t e_machine);     // "x86_64", "aarch64", "EM_4242"
std::string os_abi_name(uint8_t os_abi);          // "System V", "Linux", … or "0x61"
std::string type_name(uint16_t e_type);           // "EXEC", "DYN", …

// The OS ABI values with a name, once: patchelf's spellings (printed by
// `--print-os-abi`, accepted by `--set-os-abi` with the aliases) and the
// few more inspect names.
struct OsAbiName {
  uint8_t value;
  const char* name;
  std::array<const char*, 3> aliases;  // lower case; unused slots are nullptr
  bool patchelf;                       // in patchelf's table
};
std::span<const OsAbiName> os_abi_names();

// The dynamic tags whose value is an offset into the dynamic string table
// (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_AUXILIARY, DT_FILTER,
// DT_CONFIG, DT_DEPAUDIT, DT_AUDIT), and their names.
bool is_string_tag(uint64_t tag);
const char* string_tag_name(uint64_t tag);

}  // namespace shelf::elf
