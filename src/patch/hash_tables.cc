#include "patch/hash_tables.h"

#include <algorithm>
#include <numeric>

namespace shelf::patch {

uint32_t gnu_hash(std::string_view name) {
  uint32_t h = 5381;
  for (unsigned char c : name) h = h * 33 + c;
  return h;
}

uint32_t sysv_hash(std::string_view name) {
  uint32_t h = 0;
  for (unsigned char c : name) {
    h = (h << 4) + c;
    uint32_t high = h & 0xf0000000u;
    if (high) h ^= high >> 24;
    h &= ~high;
  }
  return h;
}

std::vector<uint32_t> gnu_hash_order(const std::vector<std::string>& hashed, uint32_t nbuckets) {
  std::vector<uint32_t> bucket(hashed.size());
  for (size_t i = 0; i < hashed.size(); ++i) bucket[i] = gnu_hash(hashed[i]) % nbuckets;
  std::vector<uint32_t> order(hashed.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return bucket[a] < bucket[b]; });
  return order;
}

GnuHashContent build_gnu_hash(const std::vector<std::string>& hashed, const GnuHashGeometry& g) {
  GnuHashContent out;
  out.bloom.assign(g.bloom_words, 0);
  out.buckets.assign(g.nbuckets, 0);
  out.chains.resize(hashed.size());
  std::vector<uint32_t> hashes(hashed.size());
  for (size_t i = 0; i < hashed.size(); ++i) hashes[i] = gnu_hash(hashed[i]);
  for (size_t i = 0; i < hashed.size(); ++i) {
    uint32_t h = hashes[i];
    // glibc masks with bloom_words - 1, which is the modulo for a power of two.
    uint64_t& word = out.bloom[(h / g.word_bits) % g.bloom_words];
    word |= uint64_t(1) << (h % g.word_bits);
    word |= uint64_t(1) << ((h >> g.shift2) % g.word_bits);
    uint32_t b = h % g.nbuckets;
    if (out.buckets[b] == 0) out.buckets[b] = g.symoffset + static_cast<uint32_t>(i);
    bool last = i + 1 == hashed.size() || hashes[i + 1] % g.nbuckets != b;
    out.chains[i] = last ? (h | 1u) : (h & ~1u);
  }
  return out;
}

SysvHashContent build_sysv_hash(const std::vector<std::string>& names, const std::vector<bool>& entered,
                                uint32_t nbuckets) {
  SysvHashContent out;
  out.buckets.assign(nbuckets, 0);
  out.chains.assign(names.size(), 0);
  // Each symbol goes to the head of its bucket's chain; symbol 0 (STN_UNDEF)
  // ends chains and is never entered.
  for (size_t i = 1; i < names.size(); ++i) {
    if (i >= entered.size() || !entered[i]) continue;
    uint32_t b = sysv_hash(names[i]) % nbuckets;
    out.chains[i] = out.buckets[b];
    out.buckets[b] = static_cast<uint32_t>(i);
  }
  return out;
}

}  // namespace shelf::patch
