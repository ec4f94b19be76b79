// The primitive steps a wrapper executes, in order: what the shell wrapper
// writes as script lines and what the compiled wrapper's blob records hold.
// `lower()` expands the user's operations (splitting --add-flags, the
// components of --prefix values, reading --*-contents files) and validates
// every name and value.
#pragma once

#include <string>
#include <vector>

#include "wrap/launcher/blob_format.h"
#include "wrap/wrapper_spec.h"

namespace shelf::wrap {

struct Step {
  shelf_step_kind kind;
  std::vector<std::string> fields;  // shelf_step_field_count(kind) of them
  bool operator==(const Step&) const = default;
};

struct Plan {
  std::string target;  // absolute path of the wrapped program
  std::vector<Step> steps;
  bool operator==(const Plan&) const = default;
};

// Expands and checks `spec`. Throws wrap::Error naming the flag and value.
Plan lower(const WrapperSpec& spec);

// Appends `more` after `base`'s steps (used when wrapping a wrapper again).
Plan merged(const Plan& base, const std::vector<Step>& more);

// True when VAR is a name both /bin/sh and the launcher accept.
bool valid_variable_name(const std::string& name);

// Checks a plan read back from an existing wrapper exactly as lower()
// checks command-line input: an absolute target, shell names where a step
// names a variable, no NUL anywhere. A crafted plan must never put text
// into a script unquoted. Throws wrap::Error naming `context`.
void check_plan(const Plan& plan, const std::string& context);

// Throws wrap::Error when `spec` uses flags a compiled wrapper cannot
// execute (--run needs a shell; --*-contents are refused like
// makeBinaryWrapper refuses them).
void require_compilable(const WrapperSpec& spec);
// The same for steps (a shell wrapper being wrapped again as a binary).
void require_compilable(const Plan& plan);

// The steps as readable lines, one flag per line with sh-quoted values:
// "target '/nix/…/bin/x'", "--set 'A' 'b'", … The launcher's
// --shelf-wrapper-show prints the same text.
std::string describe(const Plan& plan);

}  // namespace shelf::wrap
