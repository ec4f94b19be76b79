// [[wrapper]] and [[desktop]]: launch wrappers (src/wrap, the flags of
// `shelf wrap`) and Desktop Entry files written into the output. Values
// are expanded first ($out, ${deps.NAME}); a relative wrapper target or
// out is relative to $out.
#pragma once

#include <string>

#include "recipe/expand.h"
#include "recipe/recipe.h"

namespace shelf::recipe {

// `launcher`: the static launcher compiled wrappers are made from; only
// needed when a wrapper has binary = true (empty otherwise is fine).
void write_wrappers(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                    const std::string& launcher);

// share/applications/<id>.desktop for every [[desktop]].
void write_desktop_entries(const Recipe& recipe, const std::string& built, const Substitutions& subst);

}  // namespace shelf::recipe
