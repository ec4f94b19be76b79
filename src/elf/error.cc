#include "elf/error.h"

#include <cstdio>

namespace shelf::elf {

namespace {
std::string compose(const std::string& file, const std::string& reason,
                    std::optional<uint64_t> offset) {
  std::string text = file + ": " + reason;
  if (offset) text += " (offset " + hex(*offset) + ")";
  return text;
}
}  // namespace

Error::Error(std::string file, std::string reason, std::optional<uint64_t> offset)
    : std::runtime_error(compose(file, reason, offset)),
      file_(std::move(file)),
      reason_(std::move(reason)),
      offset_(offset) {}

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace shelf::elf
