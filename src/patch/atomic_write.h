// Safe output: the new image is written to a temporary file in the target's
// directory, checked (parsed again) and only then put in place, so a failure
// at any step (full disk, read-only directory, a result that does not parse)
// leaves the original byte-identical.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace shelf::patch {

struct OutputOptions {
  // Rewrite the target file itself instead of renaming a new file over it,
  // so its inode (and every hard link to it) is kept. The temporary copy is
  // still written and checked first, and only the bytes that differ are
  // written into the target, after reserving the space they need.
  bool keep_inode = false;
};

// Writes `bytes` to `target` (the file a symlink names, if it is one), giving it the mode and owner of `like` (the
// input file; may equal `target`). `check` receives the temporary file's path
// and throws to abort. Throws elf::Error naming `target` on failure.
void write_atomically(const std::string& target, std::span<const uint8_t> bytes, const std::string& like,
                      const OutputOptions& options, const std::function<void(const std::string&)>& check);

}  // namespace shelf::patch
