// [patch]: what makes the installed ELF files load from the store. With
// `auto = true`, src/autopatch resolves every ELF file of the output against
// the output itself and the dependencies' store paths (autoPatchelfHook);
// then the explicit [patch.files."GLOB"] edits are applied on top, so an
// override always wins.
#pragma once

#include <string>
#include <vector>

#include "recipe/expand.h"
#include "recipe/recipe.h"

namespace shelf::recipe {

// Patches the output being built at `built` (its final path is
// `subst.out`). `dependency_paths`: the dependencies' store paths in the
// recipe's order (autopatch's priority order).
void patch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                  const std::vector<std::string>& dependency_paths);

// The `auto = true` step alone: autopatch `built` against `dependency_paths`,
// refusing (naming every unresolved library) when anything stays missing
// that `ignore_missing` does not allow.
void autopatch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                      const std::vector<std::string>& dependency_paths);

}  // namespace shelf::recipe
