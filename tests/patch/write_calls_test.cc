// The writer writes in pages, not in runs of bytes. A relayout renumbers
// section indices, so every symbol's st_shndx differs: thousands of 2-byte
// runs, a few dozen pages. The write system calls (strace, both output
// modes) must follow the pages touched, not the symbols.
#include <gtest/gtest.h>

#include <set>

#include "patch_support.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

constexpr uint64_t kPage = 4096;

// Pages where `after` differs from `before` (common length), plus the
// pages of what was appended.
uint64_t pages_touched(const std::vector<uint8_t>& before, const std::vector<uint8_t>& after) {
  std::set<uint64_t> pages;
  size_t common = std::min(before.size(), after.size());
  for (size_t i = 0; i < common; ++i)
    if (before[i] != after[i]) pages.insert(i / kPage);
  uint64_t appended = after.size() > before.size() ? (after.size() - before.size() + kPage - 1) / kPage : 0;
  return pages.size() + appended;
}

// Write-family calls on files whose name contains `name` (strace -y names
// each descriptor's file; the sanitizers' own writes go to pipes).
size_t write_calls(const std::string& log, const std::string& name) {
  size_t calls = 0;
  for (const std::string& line : lines(run({"cat", log}).out))
    if (line.find("write") != std::string::npos && line.find(name) != std::string::npos) ++calls;
  return calls;
}

TEST(PatchWriteCalls, FollowThePagesTouchedNotTheSymbols) {
  if (!require_tool("strace", "strace")) return;
  std::string dir = make_temp_dir("write-calls");
  const std::string rpath = "/a/runpath/longer/than/any/spare/room/" + std::string(600, 'y');
  for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
    std::string lib = copy_file(patch_fixture("lib/libmany.so.1"), dir, "libmany.so.1");
    std::vector<uint8_t> before = read_bytes(lib);
    std::string log = dir + "/strace.log";
    std::vector<std::string> argv{"strace", "-f", "-qq", "-y", "-e", "signal=none", "-e",
                                  "trace=write,pwrite64,writev,pwritev,pwritev2", "-o", log, shelf_bin(), "patch"};
    argv.insert(argv.end(), mode.begin(), mode.end());
    argv.insert(argv.end(), {"--set-rpath", rpath, lib});
    RunResult r = run(argv);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<uint8_t> after = read_bytes(lib);
    ASSERT_GT(after.size(), before.size()) << "the edit should relayout";
    uint64_t pages = pages_touched(before, after);
    size_t calls = write_calls(log, "libmany.so.1");
    SCOPED_TRACE(mode.empty() ? "copy mode" : "--in-place");
    EXPECT_GT(calls, 0u);
    EXPECT_LE(calls, pages + 2) << pages << " pages touched";
    EXPECT_LT(calls, 1000u) << "8,000 symbols must not mean thousands of writes";
    EXPECT_EQ(run({"patchelf", "--print-rpath", lib}).out, rpath + "\n");
    EXPECT_EQ(run({"readelf", "--dyn-syms", "-W", lib}).err, "");
  }
}

}  // namespace
}  // namespace shelf::test
