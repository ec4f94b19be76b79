// What an edit checks before it reads a file: every table it reads parses
// exactly as `shelf inspect` parses it (an edit must never succeed on a file
// inspect refuses), and the layouts the writer cannot edit safely are
// refused: a PT_LOAD whose file size exceeds its memory size (the kernel
// refuses to load it, and a table placed after its memory end would land
// inside its file bytes), and tables the writer rewrites that overlap each
// other (PT_INTERP, the dynamic table, .dynstr): writing one would silently
// overwrite the other.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace shelf::patch {

// Throws elf::Error naming `name` (and the offset) on the first problem.
void check_input(const std::string& name, std::span<const uint8_t> bytes);

}  // namespace shelf::patch
