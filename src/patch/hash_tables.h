// The two symbol hash tables the loader searches, computed from symbol names
// alone: DT_GNU_HASH (buckets, chains of hashes, a bloom filter) and the
// System V DT_HASH (buckets and chains of symbol indexes). The writer keeps a
// table's geometry (bucket count, bloom size and shift) and refills it, so a
// rebuilt table has exactly the size of the old one and is rewritten in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shelf::patch {

uint32_t gnu_hash(std::string_view name);
uint32_t sysv_hash(std::string_view name);

// What a DT_GNU_HASH header says; only the chains depend on the names.
struct GnuHashGeometry {
  uint32_t nbuckets = 0;
  uint32_t symoffset = 0;    // index of the first hashed symbol
  uint32_t bloom_words = 0;  // count of class-sized bloom words (a power of two)
  uint32_t shift2 = 0;
  unsigned word_bits = 64;   // 32 for ELFCLASS32
};

// The order the hashed symbols must take: a symbol's chain is the run of
// symbols in its bucket, so symbols sharing a bucket must be adjacent. Sorted
// by bucket, stably, as ld sorts them, so an unchanged table keeps its order.
// `hashed` are the names from symoffset on; the result lists, for each new
// position, the old position (both relative to symoffset).
std::vector<uint32_t> gnu_hash_order(const std::vector<std::string>& hashed, uint32_t nbuckets);

struct GnuHashContent {
  std::vector<uint64_t> bloom;     // bloom_words words of word_bits bits
  std::vector<uint32_t> buckets;   // first symbol index of each bucket, 0 if empty
  std::vector<uint32_t> chains;    // hash with bit 0 set on each chain's last entry
};

// Tables for `hashed` (names from symoffset on) already in gnu_hash_order.
GnuHashContent build_gnu_hash(const std::vector<std::string>& hashed, const GnuHashGeometry& geometry);

struct SysvHashContent {
  std::vector<uint32_t> buckets;
  std::vector<uint32_t> chains;  // one per symbol, 0 ends a chain
};

// Tables for the dynamic symbols (`names[0]` is the null symbol) for which
// `entered` is true: ld enters every symbol but the null one and the local
// (section) symbols, which the loader never looks up.
SysvHashContent build_sysv_hash(const std::vector<std::string>& names, const std::vector<bool>& entered,
                                uint32_t nbuckets);

}  // namespace shelf::patch
