// Nix's base-32: the alphabet omits e, o, u and t (to avoid words), and the
// digits are emitted from the most significant 5-bit group of a little-endian
// bit string first (libutil's printHash32), so it is not RFC 4648.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shelf::store::base32 {

inline constexpr std::string_view kAlphabet = "0123456789abcdfghijklmnpqrsvwxyz";

// Characters needed to encode `bytes` bytes: 32 for 20, 52 for 32.
constexpr size_t encoded_length(size_t bytes) { return (bytes * 8 - 1) / 5 + 1; }

bool is_digit(char c);
std::string encode(std::span<const uint8_t> bytes);
// Decodes into exactly `bytes` bytes; nullopt for a wrong length, a character
// outside the alphabet or bits set beyond the last byte.
std::optional<std::vector<uint8_t>> decode(std::string_view text, size_t bytes);

}  // namespace shelf::store::base32
