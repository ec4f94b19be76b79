// What the autopatch tests share: fixture trees copied to a scratch
// directory, store-like glibc paths made from each toolchain's loader and
// libc, the independent views of a patched file (readelf) and running
// programs of every machine (qemu-user without -L: only the patched
// interpreter and RUNPATH can find anything).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/run.h"

namespace shelf::test::autopatch {

// $SHELF_FIXTURES/autopatch/REL.
std::string fixture(const std::string& rel);

// Copies FROM (a file or a tree; symbolic links stay links) to TO, creating
// TO's parent directories.
void copy(const std::string& from, const std::string& to);

// Every entry under DIR by relative path: file bytes prefixed "file:", link
// targets prefixed "link:", directories "dir". Two snapshots compare equal
// exactly when nothing under DIR changed.
std::map<std::string, std::string> snapshot(const std::string& dir);

std::string read_bytes(const std::string& path);

// The machines the tests use, with their glibc loader names and the
// directory holding the toolchain's loader and libc.
enum class Arch { kX86_64, kI386, kAarch64 };

// A store-like path STORE/<32 nix-base32 characters>-NAME, created empty.
std::string store_path(const std::string& store, const std::string& name);

// STORE/<hash>-glibc-<version>/lib holding copies of ARCH's loader and
// libc.so.6. Returns the store path.
std::string make_glibc(const std::string& store, Arch arch);

// The loader's file name for ARCH ("ld-linux-x86-64.so.2", ...).
std::string loader_name(Arch arch);

// Runs PROGRAM (the patched file itself decides its interpreter and
// libraries) natively or under qemu-user without a sysroot; ENV is given to
// the program only.
RunResult run_program(Arch arch, const std::string& program,
                      const std::map<std::string, std::string>& env = {});

// Runs the unpatched PROGRAM the way one would by hand: ARCH's toolchain
// loader with --library-path LIBDIRS (':'-joined) and the program.
RunResult run_by_hand(Arch arch, const std::string& program, const std::string& libdirs);

// `shelf autopatch ARGS...`.
RunResult autopatch(const std::vector<std::string>& args);

// What readelf -d says of DT_RUNPATH / DT_RPATH, and readelf -l of PT_INTERP
// (nullopt when the file has none).
std::optional<std::string> readelf_runpath(const std::string& file);
std::optional<std::string> readelf_rpath(const std::string& file);
std::optional<std::string> readelf_interpreter(const std::string& file);

// The "NAME => PATH" lines the real loader prints for PROGRAM under
// LD_TRACE_LOADED_OBJECTS=1 (as ldd does), as NAME -> PATH.
std::map<std::string, std::string> loaded_objects(Arch arch, const std::string& program);

// True when every tool is in PATH; fails the test naming the Debian
// package otherwise.
bool require_tools();

}  // namespace shelf::test::autopatch
