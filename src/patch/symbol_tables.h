// Where the dynamic symbol table and the version records of a file are, found
// the way the loader finds them (DT_SYMTAB, DT_VERSYM, DT_VERNEED, DT_VERDEF),
// so files without section headers are handled too. The writer needs them to
// know which .dynstr bytes are still referenced and to edit version indexes.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "elf/elf_file.h"

namespace shelf::patch {

struct DynamicSymbols {
  uint64_t offset = 0;  // file offset of entry 0
  uint64_t count = 0;
  std::optional<uint64_t> versym_offset;  // .gnu.version: one Half per symbol
};

// A 32-bit field holding an offset into the dynamic string table, outside
// the dynamic section itself.
struct StringField {
  enum class Kind { kSymbolName, kVerneedFile, kVersionName };
  Kind kind;
  uint64_t field_offset;  // file offset of the Word
  uint32_t value;         // the string table offset it holds
};

// The symbol table named by DT_SYMTAB; its size comes from the section header
// that covers it, else DT_HASH's chain count, else a DT_GNU_HASH walk.
template <typename E>
std::optional<DynamicSymbols> find_dynamic_symbols(const elf::ElfFile<E>& file);

// Every string reference of the symbol table and of the version records.
template <typename E>
std::vector<StringField> string_fields(const elf::ElfFile<E>& file);

}  // namespace shelf::patch
