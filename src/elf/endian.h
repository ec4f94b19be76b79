// Endian-aware integers stored as raw bytes. A record field of type
// `Int<LE, uint32_t>` reads and writes in the file's byte order by plain
// member access, so byte order is decided once per file, by the record type,
// and never tested at a call site (the mold `U32<E>` idea).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace shelf::elf {

template <bool LE, typename T>
struct Int {
  static_assert(std::is_unsigned_v<T>);
  uint8_t bytes[sizeof(T)];

  constexpr operator T() const {
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      size_t shift = LE ? i : sizeof(T) - 1 - i;
      value |= static_cast<T>(bytes[i]) << (8 * shift);
    }
    return value;
  }

  constexpr Int& operator=(T value) {
    for (size_t i = 0; i < sizeof(T); ++i) {
      size_t shift = LE ? i : sizeof(T) - 1 - i;
      bytes[i] = static_cast<uint8_t>(value >> (8 * shift));
    }
    return *this;
  }
};

static_assert(sizeof(Int<true, uint64_t>) == 8 && alignof(Int<true, uint64_t>) == 1);

}  // namespace shelf::elf
