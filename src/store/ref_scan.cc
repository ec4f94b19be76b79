#include "store/ref_scan.h"

#include "store/base32.h"

namespace shelf::store {

void RefScanSink::search(std::string_view s) {
  // Boyer-Moore-like skip (Nix's search()): check the window from its end;
  // at a non-digit at offset j, no window containing it can match, so jump
  // past it.
  size_t i = 0;
  while (i + kHashLength <= s.size()) {
    size_t j = kHashLength;
    bool all_digits = true;
    while (j-- > 0) {
      if (!base32::is_digit(s[i + j])) {
        all_digits = false;
        break;
      }
    }
    if (!all_digits) {
      i += j + 1;
      continue;
    }
    std::string candidate(s.substr(i, kHashLength));
    if (candidates_.count(candidate)) found_.insert(std::move(candidate));
    ++i;
  }
}

void RefScanSink::write(std::string_view data) {
  if (candidates_.empty()) return;
  // Windows that straddle the previous write and this one.
  std::string joint = tail_;
  joint.append(data.substr(0, kHashLength - 1));
  search(joint);
  search(data);
  // Keep the last 31 bytes seen for the next write.
  if (data.size() >= kHashLength - 1) {
    tail_.assign(data.substr(data.size() - (kHashLength - 1)));
  } else {
    tail_.append(data);
    if (tail_.size() > kHashLength - 1) tail_.erase(0, tail_.size() - (kHashLength - 1));
  }
}

}  // namespace shelf::store
