// The second half of the writer: what did not fit in place moves, together,
// into one added PT_LOAD segment at the end of the file (read-write, as
// .dynamic must be for the loader). The segment holds the program header
// table (which needs the extra entry; PT_PHDR follows it), and whichever of
// the interpreter, .dynamic and .dynstr had to grow. Section headers,
// PT_INTERP, PT_DYNAMIC, DT_STRTAB/DT_STRSZ and e_phoff follow the moves.
// The segment starts at the end of the file (after less than a page of
// padding, so that strip and objcopy keep it as it is); its address lies
// above every other segment, congruent with its offset modulo the page size
// (see place_new_segment and binutils_offset in relayout.cc, and there for
// programs' AT_PHDR).
//
// A file this writer grew before already ends with such a segment; it is
// rebuilt where it is instead of adding another, so any number of growing
// edits leaves one added segment and no accumulated copies.
#pragma once

#include <cstdint>
#include <optional>

#include "patch/image.h"
#include "patch/in_place.h"

namespace shelf::patch {

// `image` holds the in-place result; `growth` is what must move.
// `page_size` overrides the alignment taken from the file's PT_LOAD entries.
void relayout(Image& image, const Growth& growth, std::optional<uint64_t> page_size);

}  // namespace shelf::patch
