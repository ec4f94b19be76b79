// Shell wrappers: a POSIX sh script that applies the plan's steps and
// `exec`s the target, every value single-quoted so any byte but NUL
// survives. Like makeWrapper's output, but for dash as well as bash.
#pragma once

#include <string>

#include "wrap/plan.h"

namespace shelf::wrap {

// Marker line carrying the plan (hex of the blob encoding), so
// `shelf wrap --in-place` and `--show` can read a wrapper back.
inline constexpr const char* kShellPlanMarker = "# shelf-wrapper-plan: ";

// The script text. `shell` is the #! interpreter (absolute, no blanks).
// Throws wrap::Error for a bad shell path.
std::string render_shell_wrapper(const Plan& plan, const std::string& shell);

// True when `shell` accepts `exec -a NAME` (bash, zsh, mksh, busybox sh do;
// dash does not). Needed for --argv0, --inherit-argv0 and --resolve-argv0.
bool shell_supports_exec_a(const std::string& shell);

// Whether the plan's last argv0 step asks for an argv[0] other than the
// target's path (which a shell without `exec -a` cannot give).
bool needs_argv0_control(const Plan& plan);

}  // namespace shelf::wrap
