// The exit statuses every shelf command uses (docs/ARCHITECTURE.md, "Errors and exit statuses").
#pragma once

#include "base/error.h"

namespace shelf::cli {

enum ExitCode : int {
  kOk = 0,
  kFindings = 1,   // e.g. audit found missing libraries or versions
  kUsage = 2,
  kBadInput = 3,   // unreadable or malformed input
  kInternal = 4,
  kEnvironment = 5,  // permission denied, no space, I/O error
};

// The status for an error of the base layer's kinds.
inline int exit_status_of(base::Error::Kind kind) {
  switch (kind) {
    case base::Error::Kind::usage:
      return kUsage;
    case base::Error::Kind::bad_input:
    case base::Error::Kind::not_found:
    case base::Error::Kind::conflict:
      return kBadInput;
    case base::Error::Kind::permission:
    case base::Error::Kind::io:
      return kEnvironment;
    case base::Error::Kind::internal:
      break;
  }
  return kInternal;
}

}  // namespace shelf::cli
