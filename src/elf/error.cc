#include "elf/error.h"

#include <cstdio>

namespace shelf::elf {

namespace {
std::string compose(const std::string& file, const std::string& reason,
                    std::optional<uint64_t> offset) {
  // Built with append() rather than operator+: GCC 12 reports a false
  // -Wrestrict on chained string concatenation at -O2 (GCC bug 105329).
  std::string text;
  text.append(file).append(": ").append(reason);
  if (offset) text.append(" (offset ").append(hex(*offset)).append(")");
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
