// Helpers shared by the patch tests: fixture paths, scratch copies, byte
// comparisons and the normalised readelf listings used to compare our edits
// with Debian's patchelf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/run.h"

namespace shelf::test {

// $SHELF_FIXTURES/patch/<name> (built by testdata/patch/build.sh).
std::string patch_fixture(const std::string& name);
// $SHELF_FIXTURES/arch/<arch>/<name> (built by testdata/arch/build.sh).
std::string arch_fixture(const std::string& arch, const std::string& name);
// The architectures listed in $SHELF_FIXTURES/arch/arches.txt.
std::vector<std::string> fixture_arches();

// Copies `src` to `dir/name` (mode included) and returns the new path.
std::string copy_file(const std::string& src, const std::string& dir, const std::string& name);
std::vector<uint8_t> read_bytes(const std::string& path);
// Number of byte positions where a and b differ (the common length only).
uint64_t bytes_differing(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

RunResult shelf(const std::vector<std::string>& args);

// `readelf -dW` without the header line and without the values of tags that
// name table addresses (a relayout by patchelf moves those tables): what the
// dynamic section says, entry by entry.
std::string dynamic_listing(const std::string& path);
// The "[Requesting program interpreter: …]" line of `readelf -lW`, or "".
std::string interpreter_line(const std::string& path);

// One patchelf invocation and the same through `shelf patchelf`: the same
// output and exit status, and a failure is one line.
void expect_same_answer(const std::string& file, const std::vector<std::string>& options);
// --print-interpreter alone (it fails on libraries), then --print-soname,
// --print-rpath and --print-needed together, for each file.
void compare_with_patchelf(const std::vector<std::string>& files);

// Up to `count` ELF files with a dynamic section from /usr/bin and the
// host's library directory, in name order (the host corpus sample).
std::vector<std::string> host_elf_sample(size_t count);

}  // namespace shelf::test
