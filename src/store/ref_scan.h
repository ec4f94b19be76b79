// Finds references to store paths in a byte stream, as Nix's RefScanSink
// does: every 32-character run of base-32 digits is a candidate hash part,
// looked up in the set of hash parts of paths that may be referenced. The
// scan carries the last 31 bytes across writes, so a hash split between two
// chunks (or two files of a NAR) is still found. One pass, no backtracking.
#pragma once

#include <set>
#include <string>
#include <unordered_set>

#include "store/sink.h"

namespace shelf::store {

class RefScanSink : public Sink {
 public:
  static constexpr size_t kHashLength = 32;
  explicit RefScanSink(std::unordered_set<std::string> candidates) : candidates_(std::move(candidates)) {}
  void write(std::string_view data) override;
  // Hash parts of the candidates seen so far.
  const std::set<std::string>& found() const { return found_; }

 private:
  void search(std::string_view s);
  std::unordered_set<std::string> candidates_;
  std::set<std::string> found_;
  std::string tail_;
};

}  // namespace shelf::store
