#include "elf/identify.h"

#include <cstring>

namespace shelf::elf {

bool has_elf_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

Ident identify(const std::string& name, std::span<const uint8_t> bytes) {
  if (bytes.size() < EI_NIDENT)
    throw Error(name, "not an ELF file (only " + std::to_string(bytes.size()) + " bytes)");
  if (!has_elf_magic(bytes)) throw Error(name, "not an ELF file (bad magic)", 0);
  Ident id{};
  switch (bytes[EI_CLASS]) {
    case ELFCLASS32: id.is64 = false; break;
    case ELFCLASS64: id.is64 = true; break;
    default: throw Error(name, "unknown ELF class " + std::to_string(bytes[EI_CLASS]), EI_CLASS);
  }
  switch (bytes[EI_DATA]) {
    case ELFDATA2LSB: id.is_le = true; break;
    case ELFDATA2MSB: id.is_le = false; break;
    default: throw Error(name, "unknown ELF data encoding " + std::to_string(bytes[EI_DATA]), EI_DATA);
  }
  return id;
}

}  // namespace shelf::elf
