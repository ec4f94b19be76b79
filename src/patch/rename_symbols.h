// --rename-dynamic-symbols after the strings are placed: the loader finds a
// symbol through DT_GNU_HASH or DT_HASH by its name's hash, so both tables are
// refilled for the new names. DT_GNU_HASH also fixes the order of the hashed
// symbols (a bucket's symbols are adjacent), so renamed symbols may move in
// .dynsym; their .gnu.version entries move with them and every dynamic
// relocation's symbol index follows. Everything is rewritten in place: the
// tables keep their sizes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "patch/image.h"

namespace shelf::patch {

// The name each dynamic symbol has after `renames` (in .dynsym order), or
// nullopt when no symbol's name changes.
template <typename E>
std::optional<std::vector<std::string>> names_after_renames(const elf::ElfFile<E>& in,
                                                            const std::map<std::string, std::string>& renames);

// `out` is the result of editing `in`, with the symbols' st_name already pointing at `names`
// (as returned above). Reorders the hashed symbols, their versions and the
// relocations' symbol indexes, and rewrites both hash tables. Throws
// elf::Error for tables it cannot rebuild (MIPS's GOT-ordered .dynsym,
// DT_MIPS_XHASH, DT_SYMINFO, a malformed DT_GNU_HASH).
template <typename E>
void rehash_dynamic_symbols(const elf::ElfFile<E>& in, Image& out,
                            const std::vector<std::string>& names);

}  // namespace shelf::patch
