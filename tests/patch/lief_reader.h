// LIEF as an independent reader, kept in its own translation unit because
// LIEF's headers clash with <elf.h>'s macros.
#pragma once

#include <string>
#include <vector>

namespace shelf::test {

// "1=libc.so.6" (NEEDED), "14=…" (SONAME), "15=…" (RPATH), "29=…" (RUNPATH),
// in dynamic-table order, as LIEF parses them; `interpreter` gets PT_INTERP.
std::vector<std::string> lief_dynamic_strings(const std::string& path, std::string& interpreter);

}  // namespace shelf::test
