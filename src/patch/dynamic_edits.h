// The dynamic-section part of an edit plan, decided on entries alone: which
// entries stay, which are removed, which get a new string and which are added.
// Layout (where strings and entries go in the file) is the writer's business.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "patch/edit_plan.h"

namespace shelf::patch {

struct PlannedEntry {
  uint64_t tag;
  uint64_t value;                   // kept as is unless `text` is set
  std::optional<std::string> text;  // the entry must point at this string
};

struct DynamicEdit {
  std::vector<PlannedEntry> entries;  // in final order, DT_NULL excluded
  // NEEDED names replaced (--replace-needed): version records naming the old
  // file must name the new one too.
  std::vector<std::pair<std::string, std::string>> renamed_files;
};

// What the file looks like to the planner.
struct DynamicView {
  std::vector<elf::DynEntry> entries;
  std::function<std::string(uint64_t)> string_at;  // a .dynstr string
  uint16_t e_type;
  uint16_t e_machine;
};

// Applies the plan in patchelf's order (SONAME, search path, NEEDED removal,
// replacement, addition, DT_FLAGS_1, DT_DEBUG). Added NEEDED entries go to
// the top of the table, as patchelf puts them; other new tags go to the end,
// so an in-place addition rewrites one slot instead of shifting all. Edits that would not change
// anything (same SONAME, NEEDED already present, tag already there) are
// skipped so applying a plan twice changes nothing the second time.
DynamicEdit plan_dynamic(const DynamicView& view, const EditPlan& plan);

// For --shrink-rpath: does `dir` hold `library` built for `machine`?
bool directory_holds_library(const std::string& dir, const std::string& library, uint16_t machine);

}  // namespace shelf::patch
