// Section headers in file-offset order. The relayout moves sections to the
// end of the file without renumbering them, which leaves the section header
// table out of offset order. Linkers never write that, and patchelf relies
// on it: to make room for its program headers it walks the sections by
// index while their offsets lie below the table's end, so on an unsorted
// table it stops at the first moved section and writes its program headers
// over the notes that follow (seen with Debian's patchelf 0.14 run after a
// growing edit). So after a relayout the headers are put back in offset
// order, as patchelf itself does by default, and every section index is
// renumbered with them: sh_link, sh_info of relocation sections and
// SHF_INFO_LINK, e_shstrndx, and st_shndx of every symbol (SHN_XINDEX
// through .symtab_shndx), which patchelf leaves stale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "patch/image.h"

namespace shelf::patch {

// True when the section headers of the file in `bytes` are in offset order
// (or there are none).
bool sections_in_offset_order(const std::string& name, std::span<const uint8_t> bytes);

// Sorts the section headers of `image` by offset (a stable sort: sections at
// one offset keep their order) and renumbers every reference to them.
// Does nothing when they are in order already.
void sort_sections_by_offset(Image& image);

// Removes section header `index` (never 0 or the section name table) and
// renumbers every reference as above; a reference to the removed section
// becomes 0. The section's bytes are left where they are.
void remove_section(Image& image, size_t index);

}  // namespace shelf::patch
