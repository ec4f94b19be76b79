// Findings beyond missing libraries, for every object of a link map:
// DT_RPATH/DT_RUNPATH entries that are relative or empty (resolved against
// whatever directory the program is started from), that do not exist, or
// that anyone can write to or create (the build machine's /tmp baked into an
// RPATH is the classic); and executable stacks.
#pragma once

#include <vector>

#include "inspect/audit_report.h"
#include "resolve/loader.h"
#include "resolve/root.h"

namespace shelf::resolve {

std::vector<inspect::Finding> hygiene_findings(const LinkMap& map, const Root& root);

}  // namespace shelf::resolve
