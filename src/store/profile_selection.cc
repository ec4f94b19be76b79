#include "store/profile_selection.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "store/error.h"

namespace shelf::store {

namespace {

// A decimal number in [0, 10^9) filling all of `text`; nullopt otherwise.
std::optional<int64_t> whole_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

GenerationSelection parse_generation_selection(const std::vector<std::string>& specs) {
  if (specs.empty()) throw BadInput("--delete", "expected generation numbers, old, +K or Nd");
  GenerationSelection which;
  const std::string& first = specs.front();
  bool keyword = first == "old" || first.starts_with("+") || first.ends_with("d");
  if (keyword) {
    if (specs.size() > 1) throw BadInput(specs[1], "old, +K and Nd stand alone after --delete");
    if (first == "old") {
      which.kind = GenerationSelection::Kind::kAllButCurrent;
    } else if (first.starts_with("+")) {
      auto keep = whole_number(std::string_view(first).substr(1));
      if (!keep || *keep < 1) throw BadInput(first, "+K needs K >= 1 (the current generation is always kept)");
      which.kind = GenerationSelection::Kind::kKeepLast;
      which.keep = static_cast<int>(*keep);
    } else {
      // At least one day, as nix-env (which refuses "0d" rather than
      // deleting every generation but the one current now).
      auto days = whole_number(std::string_view(first).substr(0, first.size() - 1));
      if (!days || *days < 1) throw BadInput(first, "expected a number of days of at least 1, as in 30d");
      which.kind = GenerationSelection::Kind::kOlderThan;
      which.days = *days;
    }
    return which;
  }
  for (const std::string& spec : specs) {
    auto n = whole_number(spec);
    if (!n || *n < 1) throw BadInput(spec, "expected a generation number, old, +K or Nd");
    which.numbers.push_back(static_cast<int>(*n));
  }
  return which;
}

std::vector<int> select_generations(const GenerationSelection& which, const std::vector<GenerationAge>& all,
                                    std::optional<int> current, int64_t now, const std::string& subject) {
  std::vector<int> doomed;
  switch (which.kind) {
    case GenerationSelection::Kind::kNumbers: {
      std::set<int> existing;
      for (const GenerationAge& g : all) existing.insert(g.number);
      for (int n : std::set<int>(which.numbers.begin(), which.numbers.end())) {
        if (n == current) throw Refused(subject, "generation " + std::to_string(n) + " is current and cannot be deleted");
        if (!existing.count(n)) throw BadInput(subject, "no generation " + std::to_string(n));
        doomed.push_back(n);
      }
      break;
    }
    case GenerationSelection::Kind::kAllButCurrent:
      for (const GenerationAge& g : all)
        if (g.number != current) doomed.push_back(g.number);
      break;
    case GenerationSelection::Kind::kKeepLast: {
      // As Nix: walking back from the current generation, keep it and the
      // K-1 before it; generations newer than the current one stay too.
      int kept = 0;
      for (auto g = all.rbegin(); g != all.rend(); ++g) {
        if (current && g->number > *current) continue;
        if (kept < which.keep) {
          ++kept;
          continue;
        }
        doomed.push_back(g->number);
      }
      break;
    }
    case GenerationSelection::Kind::kOlderThan: {
      // The newest generation made before the cutoff was the one in use at
      // that time, so it stays, as in Nix; every older one goes.
      int64_t cutoff = now - which.days * 24 * 60 * 60;
      bool seen_active_at_cutoff = false;
      for (auto g = all.rbegin(); g != all.rend(); ++g) {
        if (g->time >= cutoff) continue;
        if (!seen_active_at_cutoff) {
          seen_active_at_cutoff = true;
          continue;
        }
        if (g->number != current) doomed.push_back(g->number);
      }
      break;
    }
  }
  std::sort(doomed.begin(), doomed.end());
  return doomed;
}

}  // namespace shelf::store
