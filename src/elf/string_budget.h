// A bound on the bytes of strings a reader takes out of a file. A
// well-formed file refers to each string about once, so what a reader
// copies adds up to less than the file; a hostile one can point thousands
// of entries at one long string and make the copies quadratic in its size.
// Every reader that copies dynamic strings (inspect's facts, the patcher's
// planner) spends from one budget of twice the file size, so both refuse
// the same files with the same words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "elf/elf_file.h"

namespace shelf::elf {

template <typename E>
class StringBudget {
 public:
  explicit StringBudget(const ElfFile<E>& file) : file_(file), left_(2 * uint64_t(file.bytes().size()) + 4096) {}

  // Counts `s` against the budget; fails naming `what` when it is spent.
  std::string_view take(std::string_view s, const char* what) {
    if (s.size() > left_)
      file_.fail(std::string(what) +
                     ": the referenced strings add up to more than twice the file size "
                     "(entries repeat a long string)",
                 file_.dynamic_offset());
    left_ -= s.size();
    return s;
  }

 private:
  const ElfFile<E>& file_;
  uint64_t left_;
};

}  // namespace shelf::elf
