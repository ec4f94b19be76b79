// `shelf build`: recipes into store paths. Dependencies that are recipes
// are built first (each once per Builder, cycles refused); the output path
// is named from the inputs (output_path.h) before the build, so a recipe
// whose path is valid already is not built again. The build itself runs
// inside Store::add_input_addressed: sources unpacked and checked
// (sources.h), bundled files removed and the rest installed (tree_ops.h),
// ELF files patched (patch_step.h), wrappers and desktop entries written
// (launchers.h); the store registers the result atomically or not at all.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "recipe/recipe.h"
#include "store/store.h"

namespace shelf::recipe {

struct BuildOptions {
  bool dry_run = false;  // compute paths and plans, build nothing
  std::string launcher;  // for binary wrappers (wrap::find_launcher); may be empty
};

struct BuildResult {
  std::string recipe;  // the recipe file, as named
  std::string name;    // <name>-<version>
  std::string package; // the recipe's `name`: ${deps.PACKAGE} in its users
  std::string path;    // the output store path
  enum class State { kBuilt, kValid, kPlanned } state = State::kPlanned;
  std::vector<std::string> dependencies;  // store paths, in the recipe's order
  std::vector<std::string> plan;          // the steps, one readable line each
};

class Builder {
 public:
  Builder(store::Store& store, BuildOptions options) : store_(store), options_(std::move(options)) {}

  // Builds `recipe_file` and, first, the recipes it depends on. Throws
  // recipe::Error (bad recipe or build step), store::Error.
  BuildResult build(const std::string& recipe_file);

  // Every recipe handled so far (dependencies before their users).
  const std::vector<BuildResult>& results() const { return results_; }

 private:
  BuildResult build_parsed(const Recipe& recipe);
  std::string dependency_path(const Recipe& recipe, const Dependency& dep, std::string& name);

  store::Store& store_;
  BuildOptions options_;
  std::map<std::string, BuildResult> done_;  // by canonical recipe path
  std::vector<std::string> in_progress_;      // canonical paths, for cycles
  std::vector<BuildResult> results_;
};

// The plan lines of `recipe` (what --dry-run prints).
std::vector<std::string> describe_plan(const Recipe& recipe);

}  // namespace shelf::recipe
