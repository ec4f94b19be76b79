// Symbol versions, as glibc's dl-version.c checks them once every object is
// loaded: each DT_VERNEED requirement of each object must be defined in the
// DT_VERDEF of the object that was loaded for the named file. A library
// without any version definitions passes (the loader only warns in verbose
// mode); a requirement on a library that was not found is not checked again.
#pragma once

#include <vector>

#include "inspect/audit_report.h"
#include "resolve/loader.h"

namespace shelf::resolve {

struct VersionCheck {
  std::vector<inspect::VersionProblem> problems;
  std::vector<inspect::Finding> notes;  // requirements on unversioned libraries
};

VersionCheck check_versions(const LinkMap& map);

}  // namespace shelf::resolve
