// EI_OSABI names exactly as patchelf prints and accepts them, so
// `--print-os-abi` output and `--set-os-abi` arguments are interchangeable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shelf::patch {

// "System V", "Linux", "GNU Hurd", … or "0x%02X" for values without a name.
std::string os_abi_print_name(uint8_t os_abi);

// Case-insensitive, surrounding blanks ignored; accepts patchelf's aliases
// ("sysv", "system-v", "gnu", "hurd", …) and a number ("0x61", "97").
std::optional<uint8_t> os_abi_from_argument(const std::string& argument);

}  // namespace shelf::patch
