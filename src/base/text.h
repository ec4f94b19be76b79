// Splitting and joining lists written as text (run paths, PATH-like values,
// version lists), once for every module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shelf::base {

// Every part between separators, empty ones included, as the loader reads
// a run path: "a::b:" is {"a", "", "b", ""}, "" is {""}.
std::vector<std::string> split(std::string_view text, char sep);

// The non-empty parts only: "a::b:" is {"a", "b"}.
std::vector<std::string> split_nonempty(std::string_view text, char sep);

// The items with `sep` between them.
std::string join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace shelf::base
