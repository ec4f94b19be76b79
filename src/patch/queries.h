// The --print-* answers, in patchelf's formats and with patchelf's notion of
// what is an error (a missing PT_INTERP or dynamic section is one; a missing
// SONAME or RUNPATH is not), so scripts parsing patchelf output keep working.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace shelf::patch {

struct PrintRequest {
  bool interpreter = false;
  bool os_abi = false;
  bool soname = false;
  bool rpath = false;
  bool execstack = false;
  bool needed = false;
  bool any() const { return interpreter || os_abi || soname || rpath || execstack || needed; }
};

// Appends the requested answers to `out`, in patchelf's order (interpreter,
// OS ABI, SONAME, rpath, execstack, NEEDED), one line each (NEEDED: one line
// per library). Throws elf::Error when an answer does not exist; `out` then
// holds the answers printed before it, as patchelf would have printed them.
void print_answers(const std::string& name, std::span<const uint8_t> bytes, const PrintRequest& request,
                   std::string& out);

}  // namespace shelf::patch
