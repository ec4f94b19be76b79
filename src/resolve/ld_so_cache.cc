#include "resolve/ld_so_cache.h"

#include <sys/stat.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "elf/endian.h"
#include "elf/error.h"
#include "elf/mapped_file.h"

namespace shelf::resolve {

namespace {

constexpr std::string_view kOldMagic = "ld.so-1.7.0";
constexpr std::string_view kNewMagic = "glibc-ld.so.cache";
constexpr std::string_view kNewVersion = "1.1";

// Record layouts of glibc's dl-cache.h, in either byte order.
template <bool LE>
struct OldHeader {
  char magic[11];
  uint8_t pad;  // the C struct aligns nlibs to 4
  elf::Int<LE, uint32_t> nlibs;
};
template <bool LE>
struct OldEntry {
  elf::Int<LE, uint32_t> flags, key, value;
};
template <bool LE>
struct NewHeader {
  char magic[17];
  char version[3];
  elf::Int<LE, uint32_t> nlibs;
  elf::Int<LE, uint32_t> len_strings;
  uint8_t flags;  // byte order: 0 unset, 2 little, 3 big
  uint8_t padding[3];
  elf::Int<LE, uint32_t> extension_offset;
  elf::Int<LE, uint32_t> unused[3];
};
template <bool LE>
struct NewEntry {
  elf::Int<LE, uint32_t> flags, key, value, osversion;
  elf::Int<LE, uint64_t> hwcap;
};
static_assert(sizeof(OldHeader<true>) == 16 && sizeof(OldEntry<true>) == 12);
static_assert(sizeof(NewHeader<true>) == 48 && sizeof(NewEntry<true>) == 24);

class Reader {
 public:
  Reader(const std::string& name, std::span<const uint8_t> bytes) : name_(name), bytes_(bytes) {}

  [[noreturn]] void fail(const std::string& reason, uint64_t offset) const {
    throw elf::Error(name_, reason, offset);
  }
  template <typename T>
  const T* records(uint64_t offset, uint64_t count, const char* what) const {
    if (offset > bytes_.size() || count > (bytes_.size() - offset) / sizeof(T))
      fail(std::string(what) + " extends past the end of the cache (" + std::to_string(count) +
               " × " + std::to_string(sizeof(T)) + " bytes)",
           offset);
    return reinterpret_cast<const T*>(bytes_.data() + offset);
  }
  // A NUL-terminated string at `base + offset`, inside the file.
  std::string string_at(uint64_t base, uint64_t offset, const char* what, uint64_t entry_at) const {
    uint64_t at = base + offset;
    if (offset > bytes_.size() || at >= bytes_.size())
      fail(std::string(what) + " string offset " + elf::hex(offset) + " is outside the cache",
           entry_at);
    const auto* begin = reinterpret_cast<const char*>(bytes_.data() + at);
    const void* nul = std::memchr(begin, 0, bytes_.size() - at);
    if (!nul) fail(std::string(what) + " string is not terminated", at);
    return std::string(begin, static_cast<const char*>(nul));
  }
  bool has_magic(uint64_t offset, std::string_view magic) const {
    return offset <= bytes_.size() && bytes_.size() - offset >= magic.size() &&
           std::memcmp(bytes_.data() + offset, magic.data(), magic.size()) == 0;
  }
  uint64_t size() const { return bytes_.size(); }

 private:
  const std::string& name_;
  std::span<const uint8_t> bytes_;
};

template <bool LE>
std::vector<CacheEntry> read_new_entries(const Reader& r, uint64_t base) {
  const auto* h = r.records<NewHeader<LE>>(base, 1, "cache header");
  uint64_t first = base + sizeof(NewHeader<LE>);
  const auto* e = r.records<NewEntry<LE>>(first, h->nlibs, "cache entry table");
  std::vector<CacheEntry> out;
  out.reserve(h->nlibs);
  for (uint32_t i = 0; i < h->nlibs; ++i) {
    uint64_t at = first + uint64_t{i} * sizeof(NewEntry<LE>);
    CacheEntry c;
    c.flags = static_cast<int32_t>(static_cast<uint32_t>(e[i].flags));
    c.name = r.string_at(base, e[i].key, "library name", at);
    c.path = r.string_at(base, e[i].value, "library path", at);
    c.osversion = e[i].osversion;
    c.hwcap = e[i].hwcap;
    out.push_back(std::move(c));
  }
  return out;
}

// The new format's own byte-order flag; files written before the flag
// existed (0) are in the writer's order, which we guess from the counts.
std::vector<CacheEntry> read_new(const Reader& r, uint64_t base) {
  if (!r.has_magic(base + kNewMagic.size(), kNewVersion))
    r.fail("unsupported cache version (want " + std::string(kNewVersion) + ")", base + 17);
  uint8_t order = r.records<NewHeader<true>>(base, 1, "cache header")->flags;
  if (order == 2) return read_new_entries<true>(r, base);
  if (order == 3) return read_new_entries<false>(r, base);
  if (order != 0) r.fail("invalid byte-order flag " + std::to_string(order), base + 32);
  uint64_t room = (r.size() - base - sizeof(NewHeader<true>)) / sizeof(NewEntry<true>);
  if (r.records<NewHeader<true>>(base, 1, "cache header")->nlibs <= room)
    return read_new_entries<true>(r, base);
  return read_new_entries<false>(r, base);
}

template <bool LE>
std::optional<LdSoCache> read_old(const Reader& r) {
  const auto* h = r.records<OldHeader<LE>>(0, 1, "cache header");
  uint64_t nlibs = h->nlibs;
  if (nlibs > (r.size() - sizeof(OldHeader<LE>)) / sizeof(OldEntry<LE>)) return std::nullopt;
  uint64_t strings = sizeof(OldHeader<LE>) + nlibs * sizeof(OldEntry<LE>);
  // A new-format cache may follow, aligned like struct cache_file_new.
  for (uint64_t align : {8, 4}) {
    uint64_t at = (strings + align - 1) & ~(align - 1);
    if (r.has_magic(at, kNewMagic)) return LdSoCache(CacheFormat::kOldThenNew, read_new(r, at));
  }
  const auto* e = r.records<OldEntry<LE>>(sizeof(OldHeader<LE>), nlibs, "cache entry table");
  std::vector<CacheEntry> out;
  for (uint64_t i = 0; i < nlibs; ++i) {
    uint64_t at = sizeof(OldHeader<LE>) + i * sizeof(OldEntry<LE>);
    CacheEntry c;
    c.flags = static_cast<int32_t>(static_cast<uint32_t>(e[i].flags));
    c.name = r.string_at(strings, e[i].key, "library name", at);
    c.path = r.string_at(strings, e[i].value, "library path", at);
    out.push_back(std::move(c));
  }
  return LdSoCache(CacheFormat::kOld, std::move(out));
}

}  // namespace

LdSoCache::LdSoCache(CacheFormat format, std::vector<CacheEntry> entries)
    : format_(format), entries_(std::move(entries)) {
  for (size_t i = 0; i < entries_.size(); ++i) by_name_[entries_[i].name].push_back(i);
}

std::optional<std::string_view> LdSoCache::lookup(std::string_view name,
                                                  std::span<const int32_t> accepted) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  for (size_t i : it->second) {
    const CacheEntry& e = entries_[i];
    if (e.hwcap & kHwcapExtension) continue;
    for (int32_t f : accepted)
      if (e.flags == f) return std::string_view(e.path);
  }
  return std::nullopt;
}

LdSoCache parse_ld_so_cache(const std::string& name, std::span<const uint8_t> bytes) {
  Reader r(name, bytes);
  if (r.has_magic(0, kNewMagic)) return LdSoCache(CacheFormat::kNew, read_new(r, 0));
  if (!r.has_magic(0, kOldMagic)) r.fail("not an ld.so.cache file (bad magic)", 0);
  // The old format has no byte-order mark: take the order whose count fits.
  if (auto c = read_old<true>(r)) return std::move(*c);
  if (auto c = read_old<false>(r)) return std::move(*c);
  r.fail("cache entry count does not fit in the file", 12);
}

LdSoCache read_ld_so_cache(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return LdSoCache();
  elf::MappedFile map(path);
  return parse_ld_so_cache(path, map.bytes());
}

std::string describe_cache_entry(const CacheEntry& e) {
  using namespace cache_flags;
  static const char* const kTypes[] = {"libc4", "ELF", "libc5", "libc6"};
  int type = e.flags & kTypeMask;
  std::string out = type < 4 ? kTypes[type] : "unknown";
  switch (e.flags & kRequiredMask) {
    case kSparcLib64: out += ",64bit"; break;
    case kIa64Lib64: out += ",IA-64"; break;
    case kX8664Lib64: out += ",x86-64"; break;
    case kS390Lib64: out += ",64bit"; break;
    case kPowerpcLib64: out += ",64bit"; break;
    case kMips64LibN32: out += ",N32"; break;
    case kMips64LibN64: out += ",64bit"; break;
    case kX8664Libx32: out += ",x32"; break;
    case kArmLibHf: out += ",hard-float"; break;
    case kAarch64Lib64: out += ",AArch64"; break;
    case kArmLibSf: out += ",soft-float"; break;
    case kMipsLib32Nan2008: out += ",nan2008"; break;
    case kMips64LibN32Nan2008: out += ",N32,nan2008"; break;
    case kMips64LibN64Nan2008: out += ",64bit,nan2008"; break;
    case kRiscvFloatAbiSoft: out += ",soft-float"; break;
    case kRiscvFloatAbiDouble: out += ",double-float"; break;
    case 0: break;
    default: out += "," + std::to_string(e.flags & kRequiredMask); break;
  }
  char buf[64];
  if (e.hwcap != 0) {
    std::snprintf(buf, sizeof buf, ", hwcap: %#.16" PRIx64, e.hwcap);
    out += buf;
  }
  if (e.osversion != 0) {
    static const char* const kOs[] = {"Linux", "Hurd", "Solaris", "FreeBSD", "kNetBSD",
                                      "Syllable", "Unknown OS"};
    unsigned os = e.osversion >> 24;
    std::snprintf(buf, sizeof buf, ", OS ABI: %s %u.%u.%u", kOs[os > 6 ? 6 : os],
                  (e.osversion >> 16) & 0xff, (e.osversion >> 8) & 0xff, e.osversion & 0xff);
    out += buf;
  }
  return out;
}

}  // namespace shelf::resolve
