#include "patch/string_space.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

namespace shelf::patch {

StringSpace::Bits::Bits(uint64_t size, bool value, uint64_t capacity) {
  words_.reserve((std::max(size, capacity) + 63) / 64);
  resize(size, value);
}

void StringSpace::Bits::resize(uint64_t size, bool value) {
  uint64_t old = size_;
  words_.resize((size + 63) / 64, value ? ~0ull : 0);
  size_ = size;
  if (size > old) set_range(old, size, value);
  // Bits past the end stay 0, so word scans need no masking at the end.
  if (size % 64) words_.back() &= (1ull << (size % 64)) - 1;
}

void StringSpace::Bits::set_range(uint64_t begin, uint64_t end, bool value) {
  end = std::min(end, size_);
  while (begin < end) {
    uint64_t w = begin >> 6, lo = begin & 63;
    uint64_t hi = std::min<uint64_t>(64, lo + (end - begin));
    uint64_t mask = (hi == 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1);
    if (value) words_[w] |= mask;
    else words_[w] &= ~mask;
    begin += hi - lo;
  }
}

bool StringSpace::Bits::any_in(uint64_t begin, uint64_t end) const {
  end = std::min(end, size_);
  while (begin < end) {
    uint64_t w = begin >> 6, lo = begin & 63;
    uint64_t hi = std::min<uint64_t>(64, lo + (end - begin));
    uint64_t mask = (hi == 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1);
    if (words_[w] & mask) return true;
    begin += hi - lo;
  }
  return false;
}

uint64_t StringSpace::Bits::find(uint64_t from, bool value) const {
  while (from < size_) {
    uint64_t w = from >> 6;
    uint64_t bits = (value ? words_[w] : ~words_[w]) & ~((1ull << (from & 63)) - 1);
    if (bits) return std::min(size_, (w << 6) + static_cast<uint64_t>(std::countr_zero(bits)));
    from = (w + 1) << 6;
  }
  return size_;
}

StringSpace::StringSpace(std::vector<uint8_t> table, bool reuse_dead, uint64_t room)
    : bytes_(std::move(table)),
      live_(bytes_.size(), !reuse_dead, bytes_.size() + room),
      dropped_(bytes_.size(), false, bytes_.size() + room),
      reuse_dead_(reuse_dead) {
  if (bytes_.capacity() < bytes_.size() + room) bytes_.reserve(bytes_.size() + room);
  if (!bytes_.empty()) live_.set_range(0, 1, true);  // offset 0 is the empty string everyone may use
}

uint64_t StringSpace::string_end(uint64_t offset) const {
  if (offset >= bytes_.size()) return bytes_.size();
  const void* nul = std::memchr(bytes_.data() + offset, 0, bytes_.size() - offset);
  return nul ? static_cast<uint64_t>(static_cast<const uint8_t*>(nul) - bytes_.data()) : bytes_.size();
}

void StringSpace::mark(uint64_t begin, uint64_t end) {
  if (begin >= bytes_.size()) return;
  end = std::min<uint64_t>(end, bytes_.size() - 1);
  if (end >= begin) live_.set_range(begin, end + 1, true);
}

bool StringSpace::all_dead(uint64_t begin, uint64_t end) const {
  if (end >= bytes_.size()) return false;
  return !live_.any_in(begin, end + 1);
}

void StringSpace::keep(uint64_t offset) { mark(offset, string_end(offset)); }

void StringSpace::drop(uint64_t offset) {
  uint64_t end = string_end(offset);
  if (end > offset) dropped_.set_range(offset, end, true);
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
    dropped_.set_range(at, at + needle.size(), false);
    return at;
  }
  if (!reuse_dead_) return std::nullopt;
  auto write_at = [&](uint64_t at) {
    std::memcpy(bytes_.data() + at, text.data(), text.size());
    bytes_[at + text.size()] = 0;
    mark(at, at + text.size());
    dropped_.set_range(at, at + text.size() + 1, false);
    return at;
  };
  // 2. The slot of the string it replaces.
  if (preferred && *preferred < bytes_.size() && all_dead(*preferred, *preferred + text.size()))
    return write_at(*preferred);
  // 3. The smallest dead run that holds it.
  std::optional<uint64_t> best;
  uint64_t best_len = UINT64_MAX;
  const uint64_t n = bytes_.size();
  for (uint64_t i = live_.find(0, false); i < n;) {
    uint64_t j = live_.find(i, true);
    uint64_t len = j - i;
    if (len >= text.size() + 1 && len < best_len) {
      best = i;
      best_len = len;
    }
    i = live_.find(j, false);
  }
  if (best) return write_at(*best);
  return std::nullopt;
}

uint64_t StringSpace::place_or_append(std::string_view text, std::optional<uint64_t> preferred) {
  if (std::optional<uint64_t> at = place(text, preferred)) return *at;
  if (reuse_dead_) {
    size_t end = bytes_.size();
    while (end > 1 && !live_.test(end - 1)) --end;
    bytes_.resize(end);
    live_.resize(end, false);
    dropped_.resize(end, false);
  }
  uint64_t at = bytes_.size();
  bytes_.insert(bytes_.end(), text.begin(), text.end());
  bytes_.push_back(0);
  live_.resize(bytes_.size(), true);
  dropped_.resize(bytes_.size(), false);
  return at;
}

std::vector<uint8_t> StringSpace::finish() {
  // A dropped byte nobody keeps is cleared; the flags are compared 64 bytes
  // at a time, and only the few dropped ones are visited.
  for (size_t w = 0; w * 64 < bytes_.size(); ++w) {
    for (uint64_t clear = dropped_.word(w) & ~live_.word(w); clear; clear &= clear - 1)
      bytes_[w * 64 + static_cast<size_t>(std::countr_zero(clear))] = 0;
  }
  live_.resize(0, false);
  dropped_.resize(0, false);
  return std::move(bytes_);
}

}  // namespace shelf::patch
