#include "store/makeself.h"

#include <cctype>
#include <numeric>

#include "store/error.h"

namespace shelf::store {

namespace {

// The decimal number at the start of `text`, if any (and if it fits);
// `digits` (when given) receives how many characters it took, so a caller
// can step over it even when it has leading zeros.
std::optional<uint64_t> leading_number(std::string_view text, size_t* digits_out = nullptr) {
  uint64_t value = 0;
  size_t digits = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (++digits > 18) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (digits == 0) return std::nullopt;
  if (digits_out) *digits_out = digits;
  return value;
}

// The value of the first line `NAME="VALUE"` (at the start of a line).
std::optional<std::string_view> assignment(std::string_view script, std::string_view name) {
  std::string needle = "\n" + std::string(name) + "=\"";
  size_t at = script.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  size_t start = at + needle.size();
  size_t end = script.find('"', start);
  if (end == std::string_view::npos || script.substr(start, end - start).find('\n') != std::string_view::npos)
    return std::nullopt;
  return script.substr(start, end - start);
}

// The number of header lines: `skip="N"` (2.4) or `head -n N "$0"` (older).
std::optional<uint64_t> header_lines(std::string_view script) {
  if (auto skip = assignment(script, "skip")) {
    auto n = leading_number(*skip);
    if (n && std::to_string(*n) == *skip) return n;
  }
  for (size_t at = script.find("head -n "); at != std::string_view::npos; at = script.find("head -n ", at + 1)) {
    std::string_view rest = script.substr(at + 8);
    if (auto n = leading_number(rest)) {
      std::string_view after = rest.substr(std::to_string(*n).size());
      if (after.starts_with(" \"$0\"") || after.starts_with(" $0")) return n;
    }
  }
  return std::nullopt;
}

}  // namespace

bool looks_like_makeself(std::string_view head) {
  return head.starts_with("#!") && head.substr(0, 4096).find("Makeself") != std::string_view::npos;
}

MakeselfPayload parse_makeself(const std::string& file, std::string_view head, uint64_t file_size) {
  auto lines = header_lines(head);
  if (!lines || *lines == 0)
    throw BadInput(file, "makeself header without a line count (no skip=\"N\" nor head -n N \"$0\")");
  MakeselfPayload payload;
  size_t pos = 0;
  for (uint64_t i = 0; i < *lines; ++i) {
    size_t newline = head.find('\n', pos);
    if (newline == std::string_view::npos)
      throw BadInput(file, "makeself header says it has " + std::to_string(*lines) + " lines, but the file has fewer");
    pos = newline + 1;
  }
  payload.offset = pos;
  uint64_t available = file_size - payload.offset;
  if (auto sizes = assignment(head.substr(0, pos), "filesizes")) {
    std::string_view rest = *sizes;
    while (!rest.empty()) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.empty()) break;
      size_t digits = 0;
      auto n = leading_number(rest, &digits);
      if (!n || (digits < rest.size() && rest[digits] != ' '))
        throw BadInput(file, "makeself header has malformed filesizes=\"" + std::string(*sizes) + "\"");
      payload.sizes.push_back(*n);
      rest.remove_prefix(digits);
    }
  }
  if (payload.sizes.empty()) payload.sizes.push_back(available);
  uint64_t total = std::accumulate(payload.sizes.begin(), payload.sizes.end(), uint64_t{0});
  if (total > available)
    throw BadInput(file, "makeself payload is truncated: the header announces " + std::to_string(total) +
                             " bytes, the file has " + std::to_string(available) + " after the header");
  return payload;
}

}  // namespace shelf::store
