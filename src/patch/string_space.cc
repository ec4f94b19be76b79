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
  for (uint64_t i = begin; i <= end && i < bytes_.size(); ++i) live_[i] = 1;
}

bool StringSpace::all_dead(uint64_t begin, uint64_t end) const {
  if (end >= bytes_.size()) return false;
  for (uint64_t i = begin; i <= end; ++i)
    if (live_[i]) return false;
  return true;
}

void StringSpace::keep(uint64_t offset) { mark(offset, string_end(offset)); }

void StringSpace::drop(uint64_t offset) {
  for (uint64_t i = offset, end = string_end(offset); i < end; ++i) dropped_[i] = 1;
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
  for (uint64_t i = 0; i < bytes_.size();) {
    if (live_[i]) {
      ++i;
      continue;
    }
    uint64_t j = i;
    while (j < bytes_.size() && !live_[j]) ++j;
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
  for (size_t i = 0; i < out.size(); ++i)
    if (dropped_[i] && !live_[i]) out[i] = 0;
  return out;
}

}  // namespace shelf::patch
