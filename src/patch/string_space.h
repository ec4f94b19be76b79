// StringSpace: the dynamic string table as the writer rebuilds it in place.
// Every byte is either live (part of a string something still refers to) or
// dead. A new string goes, in this order of preference, to an existing copy
// (a whole string or the tail of one, as linkers merge tails), to the slot of
// the string it replaces, or to the smallest dead run it fits in; the table
// grows only when the caller allows it (the table then moves). Bytes that held a string and are no longer referenced
// are cleared, so no stale path stays behind as a false store reference.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace shelf::patch {

class StringSpace {
 public:
  // `table` is the current content of the string table. When `reuse_dead` is
  // false (the writer could not enumerate every reference), all bytes count as
  // live and only existing copies and the end of nothing can be used.
  StringSpace(std::span<const uint8_t> table, bool reuse_dead);

  // Record a reference that stays: the string at `offset` and its NUL.
  void keep(uint64_t offset);
  // Record a reference that goes away (its bytes become dead unless kept).
  void drop(uint64_t offset);

  // Offset of `text` in the final table, or nullopt when it fits nowhere.
  // `preferred` is the slot of the string being replaced.
  std::optional<uint64_t> place(std::string_view text, std::optional<uint64_t> preferred);

  // Like place(), but when nothing fits the dead bytes at the end of the
  // table are cut off and `text` is appended: the table grows by at most the
  // string, and a table grown this way before sheds its dead strings first,
  // so repeated edits do not accumulate copies.
  uint64_t place_or_append(std::string_view text, std::optional<uint64_t> preferred);

  // The final table: placed strings written, dropped dead strings cleared.
  std::vector<uint8_t> finish() const;

  uint64_t size() const { return bytes_.size(); }

 private:
  uint64_t string_end(uint64_t offset) const;  // offset of the NUL
  bool all_dead(uint64_t begin, uint64_t end) const;
  void mark(uint64_t begin, uint64_t end);

  std::vector<uint8_t> bytes_;
  std::vector<uint8_t> live_;     // 1: referenced in the result
  std::vector<uint8_t> dropped_;  // 1: held a string whose reference was removed
  bool reuse_dead_;
};

}  // namespace shelf::patch
