// ld.so.cache parsing checked against ldconfig's own listing (`ldconfig -p`)
// for the host cache and for caches ldconfig writes in the old and compat
// formats; hostile caches (truncated, corrupted) must fail cleanly.
#include <gtest/gtest.h>

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "elf/error.h"
#include "elf/mapped_file.h"
#include "resolve/compat.h"
#include "resolve/ld_so_cache.h"
#include "support/paths.h"
#include "support/run.h"

namespace {

using namespace shelf;

// The entry lines of `ldconfig -p [-C file]`, in order.
std::vector<std::string> ldconfig_listing(const std::string& cache_file = "") {
  std::vector<std::string> argv = {"ldconfig", "-p"};
  if (!cache_file.empty()) argv = {"ldconfig", "-C", cache_file, "-p"};
  test::RunResult r = test::run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::string> out;
  for (const std::string& line : test::lines(r.out))
    if (!line.empty() && line[0] == '\t') out.push_back(line);
  return out;
}

std::vector<std::string> our_listing(const resolve::LdSoCache& cache) {
  std::vector<std::string> out;
  for (const resolve::CacheEntry& e : cache.entries())
    out.push_back("\t" + e.name + " (" + resolve::describe_cache_entry(e) + ") => " + e.path);
  return out;
}

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A cache ldconfig writes in `format` for the host's directories (-X: without
// touching the symbolic links in them).
std::string write_cache(const std::string& format) {
  std::string dir = test::make_temp_dir("ldcache-" + format);
  std::string file = dir + "/ld.so.cache";
  test::RunResult r = test::run({"ldconfig", "-i", "-X", "-c", format, "-C", file});
  EXPECT_EQ(r.status, 0) << r.err;
  return file;
}

class ResolveCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(test::require_tool("ldconfig", "libc-bin")); }
};

TEST_F(ResolveCacheTest, HostCacheListsExactlyWhatLdconfigLists) {
  resolve::LdSoCache cache = resolve::read_ld_so_cache("/etc/ld.so.cache");
  std::vector<std::string> expected = ldconfig_listing();
  ASSERT_GT(expected.size(), 10u);
  EXPECT_EQ(our_listing(cache), expected);
}

TEST_F(ResolveCacheTest, NewFormatWrittenByLdconfig) {
  std::string file = write_cache("new");
  resolve::LdSoCache cache = resolve::read_ld_so_cache(file);
  EXPECT_EQ(cache.format(), resolve::CacheFormat::kNew);
  EXPECT_EQ(our_listing(cache), ldconfig_listing(file));
}

TEST_F(ResolveCacheTest, CompatFormatIsOldFollowedByNew) {
  std::string file = write_cache("compat");
  std::vector<uint8_t> bytes = file_bytes(file);
  ASSERT_GE(bytes.size(), 11u);
  ASSERT_EQ(std::memcmp(bytes.data(), "ld.so-1.7.0", 11), 0) << "ldconfig wrote no old header";
  resolve::LdSoCache cache = resolve::read_ld_so_cache(file);
  EXPECT_EQ(cache.format(), resolve::CacheFormat::kOldThenNew);
  EXPECT_EQ(our_listing(cache), ldconfig_listing(file));
}

TEST_F(ResolveCacheTest, OldFormatOnly) {
  std::string file = write_cache("old");
  resolve::LdSoCache cache = resolve::read_ld_so_cache(file);
  EXPECT_EQ(cache.format(), resolve::CacheFormat::kOld);
  EXPECT_EQ(our_listing(cache), ldconfig_listing(file));
}

TEST_F(ResolveCacheTest, LookupTakesOnlyEntriesOfTheRequestedAbi) {
  resolve::LdSoCache cache = resolve::read_ld_so_cache("/etc/ld.so.cache");
  // What ldconfig says libc.so.6 is for x86-64 and for i386 (flags "libc6").
  std::string x86_64, i386;
  for (const std::string& line : ldconfig_listing()) {
    if (line.rfind("\tlibc.so.6 (libc6,x86-64) => ", 0) == 0 && x86_64.empty())
      x86_64 = line.substr(line.find("=> ") + 3);
    if (line.rfind("\tlibc.so.6 (libc6) => ", 0) == 0 && i386.empty())
      i386 = line.substr(line.find("=> ") + 3);
  }
  ASSERT_FALSE(x86_64.empty());
  inspect::Facts amd64;
  amd64.bits = 64;
  amd64.machine = EM_X86_64;
  auto found = cache.lookup("libc.so.6", resolve::accepted_cache_flags(amd64));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, x86_64);

  inspect::Facts x86;
  x86.bits = 32;
  x86.machine = EM_386;
  found = cache.lookup("libc.so.6", resolve::accepted_cache_flags(x86));
  EXPECT_EQ(found.value_or(""), i386) << "no i386 libc in the cache means no match";

  inspect::Facts arm64;
  arm64.bits = 64;
  arm64.machine = EM_AARCH64;
  EXPECT_FALSE(cache.lookup("libc.so.6", resolve::accepted_cache_flags(arm64)));
}

TEST_F(ResolveCacheTest, BigEndianNewFormatReadsTheSame) {
  // Byte-swap the host's (little-endian) cache field by field and mark it
  // big-endian, as ldconfig on s390x would write it.
  std::vector<uint8_t> b = file_bytes("/etc/ld.so.cache");
  ASSERT_GE(b.size(), 48u);
  ASSERT_EQ(std::memcmp(b.data(), "glibc-ld.so.cache1.1", 20), 0);
  auto swap = [&](size_t at, size_t n) { std::reverse(b.begin() + at, b.begin() + at + n); };
  uint32_t nlibs;
  std::memcpy(&nlibs, b.data() + 20, 4);
  for (size_t at : {20, 24, 32, 36, 40, 44}) swap(at, 4);
  b[28] = 3;
  for (uint32_t i = 0; i < nlibs; ++i) {
    size_t e = 48 + size_t{i} * 24;
    for (size_t k = 0; k < 4; ++k) swap(e + 4 * k, 4);
    swap(e + 16, 8);
  }
  resolve::LdSoCache be = resolve::parse_ld_so_cache("be", b);
  EXPECT_EQ(our_listing(be), ldconfig_listing());
}

TEST_F(ResolveCacheTest, BadMagicIsAnErrorNamingTheFile) {
  std::vector<uint8_t> junk(64, 'x');
  try {
    resolve::parse_ld_so_cache("junk.cache", junk);
    FAIL() << "accepted";
  } catch (const elf::Error& e) {
    EXPECT_EQ(e.file(), "junk.cache");
    EXPECT_EQ(e.offset(), 0u);
  }
}

TEST_F(ResolveCacheTest, HostileCachesFailCleanly) {
  // Every truncation of the header and first entries, then random
  // corruption of counts, offsets and strings: each parse either succeeds or
  // throws elf::Error; AddressSanitizer catches any read outside the bytes.
  for (const std::string& format : {std::string("new"), std::string("compat")}) {
    std::vector<uint8_t> good = file_bytes(write_cache(format));
    ASSERT_GT(good.size(), 512u);
    size_t errors = 0;
    for (size_t len = 0; len < 512; ++len) {
      std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(len));
      try {
        resolve::parse_ld_so_cache("cut", cut);
      } catch (const elf::Error& e) {
        ++errors;
        EXPECT_EQ(e.file(), "cut");
      }
    }
    EXPECT_GT(errors, 400u) << "short caches must be rejected";
    std::mt19937 rng(42);
    for (int round = 0; round < 3000; ++round) {
      std::vector<uint8_t> bad = good;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) {
        size_t at = rng() % std::min<size_t>(bad.size(), 2048);
        bad[at] = static_cast<uint8_t>(rng());
      }
      try {
        resolve::LdSoCache c = resolve::parse_ld_so_cache("bad", bad);
        for (const auto& e : c.entries()) EXPECT_LE(e.path.size(), bad.size());
      } catch (const elf::Error&) {
      }
    }
  }
}

TEST_F(ResolveCacheTest, MissingCacheIsEmpty) {
  resolve::LdSoCache c = resolve::read_ld_so_cache("/nonexistent/ld.so.cache");
  EXPECT_TRUE(c.entries().empty());
}

}  // namespace
