// Which objects one process can hold together: glibc's loader checks every
// candidate file's class, byte order, machine, OS ABI and (for ARM, MIPS and
// RISC-V) the float/ABI bits of e_flags, and silently passes over a file that
// does not match before trying the next directory. The same ABI decides
// which ld.so.cache entries the loader may use, the multiarch triplet of the
// default directories and the values of $PLATFORM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inspect/facts.h"

namespace shelf::resolve {

// Why a candidate cannot be loaded, in words for the report ("wrong ELF
// class: 32-bit, need 64-bit"). glibc's open_verify passes over a file of
// the wrong class or machine and tries the next directory, but stops the
// whole search with an error for a wrong byte order, OS ABI or file type:
// `fatal` says which.
struct Incompatibility {
  std::string reason;
  bool fatal = false;
};

// nullopt when `candidate` can join a process whose main program is `want`.
std::optional<Incompatibility> incompatibility(const inspect::Facts& want,
                                               const inspect::Facts& candidate);

// ld.so.cache `flags` values the loader of `want`'s ABI accepts
// (_dl_cache_check_flags in glibc's sysdeps/*/dl-cache.h).
std::vector<int32_t> accepted_cache_flags(const inspect::Facts& want);

// Debian multiarch triplet ("x86_64-linux-gnu", "arm-linux-gnueabihf"), or
// empty for a machine we do not know.
std::string multiarch_triplet(const inspect::Facts& want);

// The library directory upstream glibc uses for this ABI ("lib64", "lib",
// "lib64/lp64d", "lib32" for MIPS n32, "libx32").
std::string upstream_libdir(const inspect::Facts& want);

// AT_PLATFORM as Linux reports it for this ABI, the value of $PLATFORM
// ("x86_64", "i686", "aarch64"); nullopt where the kernel passes none.
std::optional<std::string> platform_name(const inspect::Facts& want);

// The conventional PT_INTERP for this ABI ("/lib64/ld-linux-x86-64.so.2"),
// used when the audited file is a library and names no interpreter.
std::optional<std::string> standard_interpreter(const inspect::Facts& want);

}  // namespace shelf::resolve
