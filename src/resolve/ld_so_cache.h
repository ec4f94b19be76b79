// /etc/ld.so.cache in its real binary formats, as ldconfig writes them and
// glibc's dl-cache.c reads them: the new format ("glibc-ld.so.cache" "1.1",
// 48-byte header, 24-byte entries, string offsets from the header start, a
// byte-order flag) and the old format ("ld.so-1.7.0", 12-byte entries,
// offsets from the end of the entry array) optionally followed by a new one.
// Every count and offset is checked against the file: a hostile cache is an
// error, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shelf::resolve {

// The `flags` of a cache entry: library type in the low byte, the ABI the
// library was built for in the high byte (glibc sysdeps/generic/ldconfig.h).
namespace cache_flags {
constexpr int32_t kTypeMask = 0x00ff;
constexpr int32_t kLibc4 = 0x0000;
constexpr int32_t kElf = 0x0001;
constexpr int32_t kElfLibc5 = 0x0002;
constexpr int32_t kElfLibc6 = 0x0003;
constexpr int32_t kRequiredMask = 0xff00;
constexpr int32_t kSparcLib64 = 0x0100;
constexpr int32_t kIa64Lib64 = 0x0200;
constexpr int32_t kX8664Lib64 = 0x0300;
constexpr int32_t kS390Lib64 = 0x0400;
constexpr int32_t kPowerpcLib64 = 0x0500;
constexpr int32_t kMips64LibN32 = 0x0600;
constexpr int32_t kMips64LibN64 = 0x0700;
constexpr int32_t kX8664Libx32 = 0x0800;
constexpr int32_t kArmLibHf = 0x0900;
constexpr int32_t kAarch64Lib64 = 0x0a00;
constexpr int32_t kArmLibSf = 0x0b00;
constexpr int32_t kMipsLib32Nan2008 = 0x0c00;
constexpr int32_t kMips64LibN32Nan2008 = 0x0d00;
constexpr int32_t kMips64LibN64Nan2008 = 0x0e00;
constexpr int32_t kRiscvFloatAbiSoft = 0x0f00;
constexpr int32_t kRiscvFloatAbiDouble = 0x1000;
constexpr int32_t kLarchFloatAbiSoft = 0x1100;
constexpr int32_t kLarchFloatAbiDouble = 0x1200;
}  // namespace cache_flags

// Set in `hwcap` for entries from glibc-hwcaps subdirectories; the low 32
// bits then index the subdirectory names (DL_CACHE_HWCAP_EXTENSION).
constexpr uint64_t kHwcapExtension = uint64_t{1} << 62;

struct CacheEntry {
  int32_t flags = 0;
  std::string name;  // the key: a SONAME
  std::string path;  // where the library is, as the loader will open it
  uint32_t osversion = 0;
  uint64_t hwcap = 0;
};

enum class CacheFormat { kOld, kNew, kOldThenNew };

class LdSoCache {
 public:
  LdSoCache() = default;
  LdSoCache(CacheFormat format, std::vector<CacheEntry> entries);

  CacheFormat format() const { return format_; }
  const std::vector<CacheEntry>& entries() const { return entries_; }

  // The path the loader takes for `name`: the first entry with that key whose
  // flags are among `accepted` (entries are sorted with preferred ones
  // first). Entries for glibc-hwcaps subdirectories are not considered.
  std::optional<std::string_view> lookup(std::string_view name,
                                         std::span<const int32_t> accepted) const;

 private:
  CacheFormat format_ = CacheFormat::kNew;
  std::vector<CacheEntry> entries_;
  std::unordered_map<std::string, std::vector<size_t>> by_name_;  // name -> entries
};

// Parses cache bytes; throws elf::Error(name, reason, offset) when they are
// not a cache or a count, offset or string runs outside them. When an old
// cache carries a new one, the new one's entries are used, as glibc does.
LdSoCache parse_ld_so_cache(const std::string& name, std::span<const uint8_t> bytes);

// Reads and parses `path`; a missing file is an empty cache (the loader then
// goes straight to the default directories).
LdSoCache read_ld_so_cache(const std::string& path);

// The description `ldconfig -p` prints in parentheses: "libc6,x86-64",
// "ELF", "libc6,hard-float", with ", hwcap: 0x…" and ", OS ABI: …" parts.
std::string describe_cache_entry(const CacheEntry& entry);

}  // namespace shelf::resolve
