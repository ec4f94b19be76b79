#include "patch/string_space.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace shelf::patch {

StringSpace::StringSpace(std::span<const uint8_t> table, bool reuse_dead)
    : bytes_(table.begin(), table.end()),
      live_(table.size(), reuse_dead ? 0 : 1),
      dropped_(table.size(), 0),
      reuse_dead_(reuse_dead) {
  if (!bytes_.empty()) live_[0] = 1;  // offset 0 is the empty string everyone may use
}

uint64_t StringSpace::string_end(uint64_t offset) const {
  if (offset >= bytes_.size()) return bytes_.size();
  const void* nul = std::memchr(bytes_.data() + offset, 0, bytes_.size() - offset);
  return nul ? static_cast<uint64_t>(static_cast<const uint8_t*>(nul) - bytes_.data()) : bytes_.size();
}

void StringSpace::mark(uint64_t begin, uint64_t end) {
  if (begin >= bytes_.size()) return;
  end = std::min<uint64_t>(end, bytes_.size() - 1);
  if (end >= begin) std::memset(live_.data() + begin, 1, end - begin + 1);
}

bool StringSpace::all_dead(uint64_t begin, uint64_t end) const {
  if (end >= bytes_.size()) return false;
  return std::find(live_.begin() + static_cast<std::ptrdiff_t>(begin), live_.begin() + static_cast<std::ptrdiff_t>(end) + 1,
                   uint8_t(1)) == live_.begin() + static_cast<std::ptrdiff_t>(end) + 1;
}

void StringSpace::keep(uint64_t offset) { mark(offset, string_end(offset)); }

void StringSpace::drop(uint64_t offset) {
  uint64_t end = string_end(offset);
  if (end > offset) std::memset(dropped_.data() + offset, 1, end - offset);
}

std::optional<uint64_t> StringSpace::place(std::string_view text, std::optional<uint64_t> preferred) {
  // 1. An existing copy, whole or as the tail of a longer string.
  std::string_view all(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
  std::string needle(text);
  needle.push_back('\0');
  for (size_t at = all.find(needle); at != std::string_view::npos; at = all.find(needle, at + 1)) {
    // A copy in dead bytes stays valid because marking it live keeps every
    // later placement from writing over it.
    mark(at, at + text.size());
    for (size_t i = at; i < at + needle.size(); ++i) dropped_[i] = 0;
    return at;
  }
  if (!reuse_dead_) return std::nullopt;
  auto write_at = [&](uint64_t at) {
    std::memcpy(bytes_.data() + at, text.data(), text.size());
    bytes_[at + text.size()] = 0;
    mark(at, at + text.size());
    for (size_t i = at; i <= at + text.size(); ++i) dropped_[i] = 0;
    return at;
  };
  // 2. The slot of the string it replaces.
  if (preferred && *preferred < bytes_.size() && all_dead(*preferred, *preferred + text.size()))
    return write_at(*preferred);
  // 3. The smallest dead run that holds it.
  std::optional<uint64_t> best;
  uint64_t best_len = UINT64_MAX;
  const uint8_t* flags = live_.data();
  const uint64_t n = live_.size();
  for (uint64_t i = 0; i < n;) {
    // The next dead byte, then the next live one: memchr over the flags.
    const void* dead = std::memchr(flags + i, 0, n - i);
    if (!dead) break;
    i = static_cast<uint64_t>(static_cast<const uint8_t*>(dead) - flags);
    const void* live = std::memchr(flags + i, 1, n - i);
    uint64_t j = live ? static_cast<uint64_t>(static_cast<const uint8_t*>(live) - flags) : n;
    uint64_t len = j - i;
    if (len >= text.size() + 1 && len < best_len) {
      best = i;
      best_len = len;
    }
    i = j;
  }
  if (best) return write_at(*best);
  return std::nullopt;
}

uint64_t StringSpace::place_or_append(std::string_view text, std::optional<uint64_t> preferred) {
  if (std::optional<uint64_t> at = place(text, preferred)) return *at;
  if (reuse_dead_) {
    size_t end = bytes_.size();
    while (end > 1 && !live_[end - 1]) --end;
    bytes_.resize(end);
    live_.resize(end);
    dropped_.resize(end);
  }
  uint64_t at = bytes_.size();
  bytes_.insert(bytes_.end(), text.begin(), text.end());
  bytes_.push_back(0);
  live_.resize(bytes_.size(), 1);
  dropped_.resize(bytes_.size(), 0);
  return at;
}

std::vector<uint8_t> StringSpace::finish() const {
  std::vector<uint8_t> out = bytes_;
  // A dropped byte nobody keeps is cleared; eight at a time (the flags are
  // 0 or 1 per byte, so flag * 0xff is a byte mask).
  size_t i = 0;
  for (; i + 8 <= out.size(); i += 8) {
    uint64_t word, dropped, live;
    std::memcpy(&word, out.data() + i, 8);
    std::memcpy(&dropped, dropped_.data() + i, 8);
    std::memcpy(&live, live_.data() + i, 8);
    uint64_t clear = (dropped & ~live & 0x0101010101010101ull) * 0xff;
    word &= ~clear;
    std::memcpy(out.data() + i, &word, 8);
  }
  for (; i < out.size(); ++i)
    if (dropped_[i] && !live_[i]) out[i] = 0;
  return out;
}

}  // namespace shelf::patch
