// Compiled wrappers: the static launcher program (launcher/launcher.c)
// with the plan appended in the blob format of launcher/blob_format.h.
// No compiler runs at wrap time.
#pragma once

#include <optional>
#include <string>

#include "wrap/plan.h"

namespace shelf::wrap {

// The plan as records plus trailer (blob_format.h), ready to append.
std::string encode_plan(const Plan& plan);

// The plan at the end of `bytes` (a whole wrapper file, or an encoded
// blob). nullopt when there is no trailer; wrap::Error naming `context`
// when there is one but the records are malformed (with the offset of the
// bad record within the configuration).
std::optional<Plan> decode_plan(const std::string& bytes, const std::string& context);

// The launcher's bytes followed by the plan. `launcher` may itself be a
// compiled wrapper: its old blob is dropped first.
std::string build_binary_wrapper(const Plan& plan, const std::string& launcher);

// Where the launcher is: $SHELF_LAUNCHER if set, else shelf-launcher beside
// `self_exe` (shelf's own path) or in ../libexec/shelf/ from there.
// Throws wrap::Error listing the places tried.
std::string find_launcher(const std::string& self_exe);

}  // namespace shelf::wrap
