// The loader's built-in ("system") search directories and its $LIB value.
// glibc compiles them into ld.so as one run of NUL-separated strings
// (SYSTEM_DIRS: "/lib/x86_64-linux-gnu/\0/usr/lib/x86_64-linux-gnu/\0/lib/\0
// /usr/lib/\0" on Debian, "/lib32/\0/usr/lib32/\0…" for its biarch i386
// loader, "/lib64/\0/usr/lib64/\0" upstream), so we read them from the
// interpreter itself. Without a readable glibc interpreter we fall back to
// the multiarch triplet (Debian roots) or the upstream library directory.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "inspect/facts.h"
#include "resolve/root.h"

namespace shelf::resolve {

struct SystemDirs {
  std::vector<std::string> dirs;  // in search order
  std::string lib;                // $LIB: "lib/x86_64-linux-gnu", "lib64", …
};

// The SYSTEM_DIRS list compiled into the glibc loader `bytes`: the longest
// run of at least two NUL-separated absolute directories ending in '/'.
// Empty when there is none (not glibc).
std::vector<std::string> builtin_system_dirs(std::span<const uint8_t> bytes);

// `interpreter`: the loader-visible path of the loader that will run `want`,
// when there is one.
SystemDirs system_dirs(const inspect::Facts& want, const Root& root,
                       const std::optional<std::string>& interpreter);

}  // namespace shelf::resolve
