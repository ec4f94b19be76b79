// The second half of the writer: what did not fit in place moves, together,
// into one added PT_LOAD segment at the end of the file (read-write when
// it holds .dynamic, which the loader writes to; read-only otherwise):
// whichever of the interpreter, .dynamic and .dynstr had to grow.
//
// The program header table, which needs an entry for that segment, stays
// where it is, as patchelf keeps it: an unused PT_NULL entry is taken, or
// the sections right after the table (.interp, notes, hash tables, .dynsym,
// .dynstr; only tables that nothing but the dynamic table, the program
// headers and symbol tables point at) move as one block into the added
// segment, keeping their places relative to each other, and the table
// grows over the bytes they left. A program's AT_PHDR stays "base +
// e_phoff" for every kernel, and strip and objcopy copy the result without
// a warning. Only when no such room can be made (no section headers,
// something else follows the table) does the table itself move, to the
// start of the added segment (place_new_segment and binutils_offset in
// relayout.cc say where). Section headers, symbols of moved sections,
// PT_INTERP, PT_NOTE, PT_GNU_PROPERTY, PT_DYNAMIC and the dynamic tags that
// point at moved tables follow the moves.
//
// The segment starts at the end of the file; its address lies above every
// other segment, congruent with its offset modulo the page size. A file
// this writer grew before already ends with such a segment; it is rebuilt
// where it is instead of adding another (what it holds besides the grown
// tables kept in place), so any number of growing edits leaves one added
// segment and no accumulated copies.
#pragma once

#include <cstdint>
#include <optional>

#include "patch/image.h"
#include "patch/in_place.h"

namespace shelf::patch {

// `image` holds the in-place result; `growth` is what must move (taken
// over: its tables are large).
// `page_size` overrides the alignment taken from the file's PT_LOAD entries.
void relayout(Image& image, Growth growth, std::optional<uint64_t> page_size);

}  // namespace shelf::patch
