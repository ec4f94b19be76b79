#include "patch/operations.h"

#include <sstream>
#include <stdexcept>

#include "base/error.h"
#include "base/input_file.h"
#include "base/text.h"
#include "patch/os_abi.h"

namespace shelf::patch {

namespace {

using Values = std::vector<std::string>;

void set_page_size(EditPlan& plan, const Values& v) {
  long size = std::atol(v[0].c_str());
  if (size <= 0) throw std::invalid_argument("invalid argument to --page-size: " + v[0]);
  plan.page_size = static_cast<uint64_t>(size);
}

void set_os_abi(EditPlan& plan, const Values& v) {
  plan.os_abi = os_abi_from_argument(v[0]);
  if (!plan.os_abi) throw std::invalid_argument("unrecognized OS ABI '" + v[0] + "'");
}

// --remove-rpath and --shrink-rpath win over --set-rpath and --add-rpath
// in any order, as in patchelf (whose run-path edit takes the first of
// shrink, remove, set, add).
void set_rpath(EditPlan& plan, const Values& v) {
  plan.rpath.value = v[0];
  if (plan.rpath.op == RpathEdit::Op::kKeep || plan.rpath.op == RpathEdit::Op::kAdd) plan.rpath.op = RpathEdit::Op::kSet;
}

void add_rpath(EditPlan& plan, const Values& v) {
  plan.rpath.value = v[0];
  if (plan.rpath.op == RpathEdit::Op::kKeep || plan.rpath.op == RpathEdit::Op::kSet) plan.rpath.op = RpathEdit::Op::kAdd;
}

// A map file holds "old_name new_name" per line (patchelf's format); the
// file is the caller's input, read without blocking on a FIFO.
void rename_symbols(EditPlan& plan, const Values& v) {
  const std::string& map_file = v[0];
  std::istringstream in;
  try {
    in.str(base::read_whole_file(map_file));
  } catch (const base::Error& e) {
    throw std::invalid_argument("cannot open map file '" + map_file + "': " + e.reason());
  }
  std::string line, from, to;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    std::istringstream words(line);
    if (!(words >> from)) break;
    if (!(words >> to))
      throw std::invalid_argument(map_file + ":" + std::to_string(line_no) +
                                  ": map file line is missing the second element");
    plan.rename_symbols[from] = to;
  }
}

// clang-format off
const Operation kOperations[] = {
  {"--set-interpreter", 1, "FILENAME", "", "interpreter", RecipeValue::kString, true, false,
   [](EditPlan& p, const Values& v) { p.interpreter = v[0]; }},
  {"--page-size", 1, "SIZE", "", "", RecipeValue::kNone, false, false, set_page_size},
  {"--set-os-abi", 1, "ABI", "Sets 'EI_OSABI' field of ELF header to ABI.", "", RecipeValue::kNone, false, false, set_os_abi},
  {"--set-soname", 1, "SONAME", "Sets 'DT_SONAME' entry to SONAME.", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values& v) { p.soname = v[0]; }},
  {"--set-rpath", 1, "RPATH", "", "rpath", RecipeValue::kPath, true, false, set_rpath},
  {"--add-rpath", 1, "RPATH", "", "", RecipeValue::kNone, false, false, add_rpath},
  {"--remove-rpath", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.rpath.op = RpathEdit::Op::kRemove; }},
  {"--shrink-rpath", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.rpath.op = RpathEdit::Op::kShrink; }},
  {"--allowed-rpath-prefixes", 1, "PREFIXES",
   "With '--shrink-rpath', reject rpath entries not starting with the allowed prefix", "", RecipeValue::kNone, false, true,
   // An empty prefix would let every directory through: only non-empty ones.
   [](EditPlan& p, const Values& v) { p.rpath.allowed_prefixes = base::split_nonempty(v[0], ':'); }},
  {"--force-rpath", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.force_rpath = true; }},
  {"--add-needed", 1, "LIBRARY", "", "add_needed", RecipeValue::kList, false, false,
   [](EditPlan& p, const Values& v) { p.add_needed.push_back(v[0]); }},
  {"--remove-needed", 1, "LIBRARY", "", "remove_needed", RecipeValue::kList, false, false,
   [](EditPlan& p, const Values& v) { p.remove_needed.insert(v[0]); }},
  {"--replace-needed", 2, "LIBRARY NEW_LIBRARY", "", "replace_needed", RecipeValue::kPairs, false, true,
   [](EditPlan& p, const Values& v) { p.replace_needed[v[0]] = v[1]; }},
  {"--no-default-lib", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.no_default_lib = true; }},
  {"--clear-symbol-version", 1, "SYMBOL", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values& v) { p.clear_symbol_version.insert(v[0]); }},
  {"--add-debug-tag", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.add_debug_tag = true; }},
  // --clear-execstack wins over --set-execstack in any order (patchelf).
  {"--clear-execstack", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { p.execstack = false; }},
  {"--set-execstack", 0, "", "", "", RecipeValue::kNone, false, false,
   [](EditPlan& p, const Values&) { if (!p.execstack) p.execstack = true; }},
  {"--rename-dynamic-symbols", 1, "NAME_MAP_FILE",
   "Renames dynamic symbols. The map file should contain two symbols (old_name new_name) per line", "",
   RecipeValue::kNone, false, true, rename_symbols},
  {"--build-resolution-cache", 0, "",
   "Records where each NEEDED library resolves against the run path (.note.nixos.ldcache)", "", RecipeValue::kNone,
   false, false, [](EditPlan& p, const Values&) { p.build_resolution_cache = true; }},
};
// clang-format on

}  // namespace

std::span<const Operation> operations() { return kOperations; }

const Operation* operation_for_flag(std::string_view flag) {
  if (flag == "--interpreter") flag = "--set-interpreter";  // patchelf's old spelling
  for (const Operation& op : kOperations)
    if (op.flag == flag) return &op;
  return nullptr;
}

const Operation* operation_for_recipe_key(std::string_view key) {
  if (key.empty()) return nullptr;
  for (const Operation& op : kOperations)
    if (op.recipe_key == key) return &op;
  return nullptr;
}

std::string describe_recipe_edit(const Operation& op, const std::vector<std::string>& values) {
  std::string line(op.recipe_key);
  for (size_t i = 0; i < values.size(); ++i) line += (i == 0 ? " " : "=") + values[i];
  return line;
}

}  // namespace shelf::patch
