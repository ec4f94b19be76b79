// Every edit the patcher offers, defined once: the patchelf option that asks
// for it, what argument it takes, the key a recipe uses for it under
// [patch.files."GLOB"] (if recipes offer it), and how it fills an EditPlan.
// The `shelf patch` / `patchelf` command line, its --help, the recipe keys
// and the recipe plan's description are all read from this table, so a new
// operation is one EditPlan field and one row here (docs/ARCHITECTURE.md,
// "Where to add things").
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "patch/edit_plan.h"

namespace shelf::patch {

// How a recipe spells an operation's value.
enum class RecipeValue {
  kNone,    // not offered in recipes
  kString,  // key = "value"
  kPath,    // key = "a:b" or ["a", "b"] (joined with ':')
  kList,    // key = ["x", "y"]: one edit per element
  kPairs,   // key = { old = "new" }: one edit per entry
};

struct Operation {
  std::string_view flag;      // "--set-rpath"
  int arguments;              // 0, 1 or 2 values after the flag
  std::string_view argument;  // its name in --help ("RPATH"), empty without one
  std::string_view about;     // the rest of its --help line (may be empty)
  std::string_view recipe_key;  // "rpath"; empty when recipes do not offer it
  RecipeValue recipe_value;
  // Recipe values may name store paths (@out@, @dep@) that the build
  // substitutes before the edit.
  bool expands;
  // patchelf takes these values as they are; others may be @FILE (read
  // from FILE, verbatim).
  bool literal;
  // Adds the edit to `plan`. `values` has `arguments` entries. Throws
  // std::invalid_argument with a one-line reason for an unusable value.
  void (*apply)(EditPlan& plan, const std::vector<std::string>& values);
};

// The table, in the order --help lists the operations.
std::span<const Operation> operations();

// The operation a command-line flag or a recipe key names, or nullptr.
const Operation* operation_for_flag(std::string_view flag);
const Operation* operation_for_recipe_key(std::string_view key);

// "key value" (or "key old=new") for a recipe edit, as the plan shows it.
std::string describe_recipe_edit(const Operation& op, const std::vector<std::string>& values);

}  // namespace shelf::patch
