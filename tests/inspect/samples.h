// Which files the agreement tests read: every ELF fixture built from
// testdata/arch, and a deterministic sample of the host's programs and
// libraries.
#pragma once

#include <string>
#include <vector>

namespace shelf::test {

// Every ELF file under $SHELF_FIXTURES/arch, sorted.
std::vector<std::string> arch_fixtures();

// Regular ELF files (symlinks skipped, so no file appears twice) directly in
// /usr/bin and /usr/lib/x86_64-linux-gnu, sorted, then every k-th so about
// `target` remain: the same sample on every run of the same machine.
std::vector<std::string> host_sample(size_t target);

// Runs `shelf inspect --json` once over `files` and returns the array.
std::string inspect_json(const std::vector<std::string>& files, int* status);

}  // namespace shelf::test
