// Choosing the ElfFile<E> instantiation for a file, once. Callers pass a
// generic lambda to `visit`; the lambda body is written once and compiled for
// every class and byte order, so no caller ever tests `is64`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "elf/elf_file.h"
#include "elf/error.h"

namespace shelf::elf {

struct Ident {
  bool is64;
  bool is_le;
};

// True if `bytes` start with the ELF magic (cheap test used to skip non-ELF
// files in directory walks).
bool has_elf_magic(std::span<const uint8_t> bytes);

// Reads e_ident; throws for a short file, wrong magic or unknown class/data.
Ident identify(const std::string& name, std::span<const uint8_t> bytes);

template <typename F>
decltype(auto) visit(const std::string& name, std::span<const uint8_t> bytes, F&& f) {
  Ident id = identify(name, bytes);
  if (id.is64) {
    if (id.is_le) return std::forward<F>(f)(ElfFile<Elf64LE>(name, bytes));
    return std::forward<F>(f)(ElfFile<Elf64BE>(name, bytes));
  }
  if (id.is_le) return std::forward<F>(f)(ElfFile<Elf32LE>(name, bytes));
  return std::forward<F>(f)(ElfFile<Elf32BE>(name, bytes));
}

}  // namespace shelf::elf
