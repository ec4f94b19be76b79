// Writing wrappers to disk, reading them back, and wrapProgram's in-place
// mode. The one place in src/wrap that touches the filesystem for wrappers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wrap/plan.h"
#include "wrap/wrapper_spec.h"

namespace shelf::wrap {

enum class WrapperKind { shell, binary };

struct WriteOptions {
  WrapperKind kind = WrapperKind::shell;
  std::string shell = "/bin/sh";  // #! interpreter of shell wrappers
  std::string launcher;           // launcher program, for binary wrappers
};

// The bytes of the wrapper for `plan`, for a caller that writes them itself
// (a build writes beneath its output tree). Throws wrap::Error when the plan
// cannot be expressed in the chosen kind.
std::string render_wrapper(const Plan& plan, const WriteOptions& options);

// Writes the wrapper for `plan` to `out` (mode 0755) through a temporary
// file in the same directory, so `out` is never half-written. Throws
// wrap::Error when the plan cannot be expressed in the chosen kind.
void write_wrapper(const Plan& plan, const WriteOptions& options, const std::string& out);

// The plan of a wrapper shelf wrote (either kind), nullopt for any other
// file. Throws wrap::Error for an unreadable file or a corrupt plan.
std::optional<Plan> read_wrapper(const std::string& path);

struct InPlaceResult {
  std::string wrapped;  // where the real program now is (.NAME-wrapped)
  std::string warning;  // non-empty when a wish could not be honoured
};

// wrapProgram: moves `target` to `.NAME-wrapped` beside it (adding `_`
// while that exists) and writes a wrapper at `target` that inherits argv0.
// When `target` already is a shelf wrapper, it is rewritten instead with
// its steps followed by `operations`, still pointing at the real program:
// no chain of wrappers. On failure the original file is back in place.
InPlaceResult wrap_in_place(const std::string& target, const std::vector<Operation>& operations,
                            const WriteOptions& options);

}  // namespace shelf::wrap
