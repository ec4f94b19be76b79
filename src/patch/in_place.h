// The first half of the writer: applies a plan without moving anything.
// Strings go to existing copies, their old slots or dead .dynstr bytes; new
// dynamic entries take spare DT_NULL slots; header fields are rewritten where
// they are. What does not fit is described in `Growth` for the relayout
// (relayout.h), which moves exactly those tables into one added segment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "patch/edit_plan.h"
#include "patch/image.h"

namespace shelf::patch {

struct Growth {
  std::optional<std::string> interpreter;   // PT_INTERP contents, NUL excluded
  std::optional<std::vector<uint8_t>> dynstr;  // the whole new string table
  // The whole new dynamic table (tag, value; DT_NULL excluded) when it must
  // be rewritten by the relayout: it has too few slots, or DT_STRTAB and
  // DT_STRSZ change because the string table moves.
  std::optional<std::vector<std::pair<uint64_t, uint64_t>>> dynamic;
  std::optional<uint32_t> add_gnu_stack;  // p_flags of a PT_GNU_STACK to add
  // A note to add: an SHF_ALLOC SHT_NOTE section of this name holding these
  // bytes (whole records, padded), with a PT_NOTE covering it.
  struct Note {
    std::string section;
    std::vector<uint8_t> bytes;
  };
  std::optional<Note> note;

  bool empty() const { return !interpreter && !dynstr && !dynamic && !add_gnu_stack && !note; }
  // One line for errors: what had to grow.
  std::string describe() const;
};

// Applies to `image` every edit of `plan` that fits (the input is read from
// image.original()) and returns what the relayout must still do. Throws
// elf::Error (naming the file) for malformed input and for edits that make
// no sense for the file (no PT_INTERP to replace, no dynamic section…).
Growth edit_in_place(Image& image, const EditPlan& plan);

}  // namespace shelf::patch
