#include "patch/os_abi.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "elf/names.h"

namespace shelf::patch {

namespace {

std::string normalise(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\n");
  size_t end = text.find_last_not_of(" \t\n");
  if (begin == std::string::npos) return {};
  std::string out = text.substr(begin, end - begin + 1);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string os_abi_print_name(uint8_t os_abi) {
  for (const elf::OsAbiName& n : elf::os_abi_names())
    if (n.patchelf && n.value == os_abi) return n.name;
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(os_abi));
  return buf;
}

std::optional<uint8_t> os_abi_from_argument(const std::string& argument) {
  std::string name = normalise(argument);
  for (const elf::OsAbiName& n : elf::os_abi_names())
    for (const char* alias : n.aliases)
      if (alias && name == alias) return n.value;
  // A number is accepted too (patchelf prints unnamed values as 0x..).
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
    char* end = nullptr;
    unsigned long v = std::strtoul(name.c_str(), &end, 0);
    if (end && *end == '\0' && v <= 0xff) return static_cast<uint8_t>(v);
  }
  return std::nullopt;
}

}  // namespace shelf::patch
