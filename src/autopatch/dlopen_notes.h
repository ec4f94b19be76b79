// The libraries a file says it may dlopen(), from its `.note.dlopen` ELF
// note (owner "FDO", type NT_FDO_DLOPEN_METADATA = 0x407c0c0a), as specified
// at https://systemd.io/ELF_DLOPEN_METADATA/: the descriptor is a
// NUL-terminated JSON array of objects
//   {"feature": "...", "description": "...", "priority": "required|recommended|suggested",
//    "soname": ["libfoo.so.1", "libfoo.so.0"]}
// where any one of the sonames satisfies the entry.
#pragma once

#include <string>
#include <vector>

namespace shelf::autopatch {

constexpr uint32_t kNtFdoDlopenMetadata = 0x407c0c0a;

struct DlopenEntry {
  std::vector<std::string> sonames;  // alternatives, in preference order
  std::string feature;
  std::string priority;  // "recommended" when the note does not say
};

// Every entry of every dlopen note of the file (sections of type SHT_NOTE,
// or PT_NOTE segments when the file has no section headers). Throws
// elf::Error (file, offset) for a note that is cut short or whose JSON is
// not an array of such objects.
std::vector<DlopenEntry> read_dlopen_notes(const std::string& path);

}  // namespace shelf::autopatch
