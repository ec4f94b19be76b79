// The exit statuses every shelf command uses (DESIGN.md, "Command line").
#pragma once

namespace shelf::cli {

enum ExitCode : int {
  kOk = 0,
  kFindings = 1,   // e.g. audit found missing libraries or versions
  kUsage = 2,
  kBadInput = 3,   // unreadable or malformed input
  kInternal = 4,
};

}  // namespace shelf::cli
