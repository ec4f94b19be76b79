// One exception type for everything that can be wrong with an input file.
// It carries the file and, where known, the byte offset, so the CLI can print
// `shelf: FILE: what is wrong (offset 0x…)` without knowing any ELF details.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace shelf::elf {

class Error : public std::runtime_error {
 public:
  Error(std::string file, std::string reason, std::optional<uint64_t> offset = {});

  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }
  std::optional<uint64_t> offset() const { return offset_; }

 private:
  std::string file_;
  std::string reason_;
  std::optional<uint64_t> offset_;
};

// "0x1f" — used in error texts so offsets read the same everywhere.
std::string hex(uint64_t value);

}  // namespace shelf::elf
