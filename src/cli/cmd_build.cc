// `shelf build RECIPE... [--json] [--dry-run]`: recipes into store paths
// (src/recipe does the work). Prints one store path per recipe named on
// the command line; --json adds the dependencies' results and the plans.
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "cli/store_errors.h"
#include "elf/error.h"
#include "recipe/build.h"
#include "recipe/error.h"
#include "wrap/binary_wrapper.h"
#include "wrap/error.h"

namespace shelf::cli {

namespace {

struct BuildArgs {
  std::vector<std::string> recipes;
  bool json = false;
  bool dry_run = false;
};

const char* state_name(recipe::BuildResult::State state) {
  switch (state) {
    case recipe::BuildResult::State::kBuilt: return "built";
    case recipe::BuildResult::State::kValid: return "valid";
    case recipe::BuildResult::State::kPlanned: return "planned";
  }
  return "?";
}

nlohmann::ordered_json to_json(const recipe::BuildResult& r) {
  return {{"recipe", r.recipe}, {"name", r.name},           {"path", r.path},
          {"state", state_name(r.state)}, {"dependencies", r.dependencies}, {"plan", r.plan}};
}

// The launcher of compiled wrappers, when one can be found (only recipes
// with binary wrappers need it; they fail naming the places tried).
std::string launcher_or_empty() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  try {
    return wrap::find_launcher(std::string(buf, static_cast<size_t>(n)));
  } catch (const wrap::Error&) {
    return "";
  }
}

int run_build(const BuildArgs& args) {
  store::Store store(store::StoreConfig::from_environment());
  recipe::Builder builder(store, {args.dry_run, launcher_or_empty()});
  nlohmann::ordered_json requested = nlohmann::ordered_json::array();
  for (const std::string& file : args.recipes) {
    recipe::BuildResult result = builder.build(file);
    if (args.json) {
      requested.push_back(to_json(result));
    } else if (args.dry_run) {
      std::cout << result.path << "  (" << state_name(result.state) << ")\n";
      for (const std::string& line : result.plan) std::cout << "  " << line << "\n";
    } else {
      std::cout << result.path << "\n";
    }
  }
  if (args.json) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const recipe::BuildResult& r : builder.results()) all.push_back(to_json(r));
    std::cout << nlohmann::ordered_json{{"outputs", requested}, {"all", all}}.dump(2) << "\n";
  }
  return kOk;
}

}  // namespace

void add_build_command(CLI::App& app, int& status) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* cmd = app.add_subcommand(
      "build",
      "Build recipes (TOML) into the store and print their store paths. Dependencies that are\n"
      "recipes are built first; an output whose path is valid already is not built again (the\n"
      "path is named from the inputs: recipe text, sources' sha256, dependencies' paths).\n"
      "Exit 3 for a bad recipe (file:line:column, key and what was expected), a source whose\n"
      "sha256 differs, an unsafe archive or a failed build step; the store is then unchanged.");
  cmd->add_option("recipe", args->recipes, "recipe files")->required();
  cmd->add_flag("--json", args->json, "print the results (and every dependency's) as JSON");
  cmd->add_flag("--dry-run", args->dry_run, "print each output path and the plan; build nothing");
  cmd->callback([args, &status] {
    // Store errors map as in every store command (store_errors.h); the
    // recipe's own errors, and the patcher's and wrapper's it passes on,
    // are bad input: the recipe or one of its sources is wrong.
    guarded(status, [&]() -> int {
      try {
        return run_build(*args);
      } catch (const recipe::Error& e) {
        print_error(e.what());
      } catch (const elf::Error& e) {
        print_error(e.what());
      } catch (const wrap::Error& e) {
        print_error(e.what());
      } catch (const std::filesystem::filesystem_error& e) {
        print_error(e.what());  // the machine, not the recipe
        return kInternal;
      }
      return kBadInput;
    });
  });
}

}  // namespace shelf::cli
