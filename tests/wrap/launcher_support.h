// Helpers shared by the launcher tests (launcher_*test.cc).
#pragma once

#include <string>
#include <vector>

#include "support/run.h"

namespace shelf::test {

// The shelf-launcher beside shelf, where `shelf wrap --binary` finds it.
std::string launcher_path();

std::string slurp(const std::string& path);

// `r.err` is one line, "PROGRAM: ...\n", and nothing else.
void expect_one_line(const RunResult& r, const std::string& program, const std::string& context);

// Compiles `sources` with `compiler` (gcc or a cross gcc) into a static
// program with no libc, with the launcher's flags and its headers
// (src/wrap/launcher/arch.h) on the include path.
RunResult build_freestanding(const std::string& compiler, const std::vector<std::string>& sources,
                             const std::string& out);

}  // namespace shelf::test
