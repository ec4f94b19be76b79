// Reading the loader's own answer: the lines `ldd` and
// LD_TRACE_LOADED_OBJECTS (or `ld.so --list`) print, and the same shape
// built from an audit report, so the two can be compared as sets.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "inspect/audit_report.h"

namespace shelf::test {

// {name, path}; path "" for "not found". The vDSO is left out.
using Loaded = std::set<std::pair<std::string, std::string>>;

// One program's trace lines ("\tlibc.so.6 => /lib/…/libc.so.6 (0x…)").
Loaded parse_trace(const std::string& text);

// `ldd A B …` output: "A:" headers, then each program's lines.
std::map<std::string, Loaded> parse_ldd_many(const std::string& text);

// Every object the audit loads (by the name it was first requested as, as
// ldd prints it) and every name it could not find.
Loaded loaded_by_audit(const inspect::AuditReport& report);

}  // namespace shelf::test
