// Which generations `shelf generations --delete` removes: the specifications
// of `nix-env --delete-generations`, parsed, and applied to a profile's
// generations. Pure functions, so the rules can be read in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shelf::store {

struct GenerationSelection {
  enum class Kind {
    kNumbers,         // "3 5 7": exactly these
    kAllButCurrent,   // "old"
    kKeepLast,        // "+K": the current one, the K-1 before it and every newer one stay
    kOlderThan,       // "Nd": older than N days, except the one current at that time
  };
  Kind kind = Kind::kNumbers;
  std::vector<int> numbers;
  int keep = 0;
  int64_t days = 0;
};

// Parses the arguments of --delete: one or more generation numbers, or
// exactly one of `old`, `+K` (K >= 1) or `Nd` (N >= 1). Throws BadInput naming the
// offending argument.
GenerationSelection parse_generation_selection(const std::vector<std::string>& specs);

// A generation's number and creation time (seconds since the epoch).
struct GenerationAge {
  int number = 0;
  int64_t time = 0;
};

// The numbers `which` selects among `all` (sorted by number), never
// `current`. For kNumbers, throws Refused when one is the current generation
// and BadInput when one names no generation; `subject` (the profile) goes
// into the message. `now` is the reference time of kOlderThan.
std::vector<int> select_generations(const GenerationSelection& which, const std::vector<GenerationAge>& all,
                                    std::optional<int> current, int64_t now, const std::string& subject);

}  // namespace shelf::store
