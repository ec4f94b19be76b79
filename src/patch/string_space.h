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
  // `room` is how many bytes appends may add at most: reserved up front so
  // an append never copies the table again (libLLVM's is 3 MB).
  StringSpace(std::vector<uint8_t> table, bool reuse_dead, uint64_t room = 0);
  StringSpace(std::span<const uint8_t> table, bool reuse_dead, uint64_t room = 0)
      : StringSpace(std::vector<uint8_t>(table.begin(), table.end()), reuse_dead, room) {}

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
  // Hands the table over (no copy); the space is empty afterwards.
  std::vector<uint8_t> finish();

  uint64_t size() const { return bytes_.size(); }

 private:
  // One bit per table byte, 64 to a word: a table of 3 MB (libLLVM's)
  // costs 0.4 MB of flags, and runs of flags are scanned a word at a time.
  class Bits {
   public:
    // `capacity`: the size it may grow to without moving.
    Bits(uint64_t size, bool value, uint64_t capacity = 0);
    bool test(uint64_t i) const { return words_[i >> 6] >> (i & 63) & 1; }
    void set_range(uint64_t begin, uint64_t end, bool value);  // [begin, end)
    bool any_in(uint64_t begin, uint64_t end) const;
    // The first index in [from, size) whose bit is `value`, or size.
    uint64_t find(uint64_t from, bool value) const;
    void resize(uint64_t size, bool value);
    uint64_t word(size_t i) const { return i < words_.size() ? words_[i] : 0; }

   private:
    std::vector<uint64_t> words_;
    uint64_t size_ = 0;
  };

  uint64_t string_end(uint64_t offset) const;  // offset of the NUL
  bool all_dead(uint64_t begin, uint64_t end) const;
  void mark(uint64_t begin, uint64_t end);

  std::vector<uint8_t> bytes_;
  Bits live_;     // referenced in the result
  Bits dropped_;  // held a string whose reference was removed
  bool reuse_dead_;
};

}  // namespace shelf::patch
