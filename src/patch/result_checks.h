// The writer's last check: the result, parsed again, must show every edit
// the plan asked for (the interpreter, the search path, SONAME, NEEDED,
// flags, OS ABI, execstack), so a wrong write can never end with success.
// Fuzzing found writes that parsed well and were silently wrong (a RUNPATH
// pointing at the old bytes, an interpreter overwritten by the dynamic
// table); this check is what turns such a bug into an error.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "patch/edit_plan.h"

namespace shelf::patch {

// Throws elf::Error naming `name` when the result does not show an edit.
void check_edits(const std::string& name, std::span<const uint8_t> bytes, const EditPlan& plan);

}  // namespace shelf::patch
