#include "store/base32.h"

#include <array>

namespace shelf::store::base32 {

namespace {
constexpr std::array<int8_t, 256> make_values() {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) values[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return values;
}
constexpr std::array<int8_t, 256> kValues = make_values();
}  // namespace

bool is_digit(char c) { return kValues[static_cast<uint8_t>(c)] >= 0; }

std::string encode(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return {};
  size_t length = encoded_length(bytes.size());
  std::string out;
  out.reserve(length);
  for (size_t n = length; n-- > 0;) {
    size_t bit = n * 5;
    size_t i = bit / 8, j = bit % 8;
    unsigned c = bytes[i] >> j;
    if (i + 1 < bytes.size()) c |= static_cast<unsigned>(bytes[i + 1]) << (8 - j);
    out.push_back(kAlphabet[c & 0x1f]);
  }
  return out;
}

std::optional<std::vector<uint8_t>> decode(std::string_view text, size_t bytes) {
  if (bytes == 0 || text.size() != encoded_length(bytes)) return std::nullopt;
  std::vector<uint8_t> out(bytes, 0);
  for (size_t n = 0; n < text.size(); ++n) {
    int digit = kValues[static_cast<uint8_t>(text[text.size() - 1 - n])];
    if (digit < 0) return std::nullopt;
    size_t bit = n * 5;
    size_t i = bit / 8, j = bit % 8;
    out[i] |= static_cast<uint8_t>(digit << j);
    unsigned carry = static_cast<unsigned>(digit) >> (8 - j);
    if (i + 1 < bytes)
      out[i + 1] |= static_cast<uint8_t>(carry);
    else if (carry)
      return std::nullopt;  // bits beyond the last byte
  }
  return out;
}

}  // namespace shelf::store::base32
