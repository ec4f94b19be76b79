// Human names for header values, in the spellings users already know:
// machine names as in GNU triplets, OS ABI names as patchelf prints them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shelf::elf {

std::string machine_name(uint16_t e_machine);     // "x86_64", "aarch64", "EM_4242"
std::string os_abi_name(uint8_t os_abi);          // "System V", "Linux", …
std::optional<uint8_t> os_abi_from_name(const std::string& name);
std::string type_name(uint16_t e_type);           // "EXEC", "DYN", …
std::string dynamic_tag_name(uint64_t tag);       // "DT_NEEDED"

}  // namespace shelf::elf
