#include "patch/rename_symbols.h"

#include <algorithm>
#include <cstring>

#include "patch/hash_tables.h"
#include "patch/symbol_tables.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

constexpr uint64_t kDtMipsXhash = 0x70000036;  // not in every <elf.h>

template <typename E>
class Rehasher {
 public:
  Rehasher(const ElfFile<E>& in, Image& out, const std::vector<std::string>& names)
      : in_(in), out_(out), names_(names) {
    std::optional<DynamicSymbols> syms = find_dynamic_symbols(in);
    if (!syms) in.fail("has no dynamic symbol table (DT_SYMTAB)");
    syms_ = *syms;
    if (names_.size() != syms_.count) in.fail("internal: symbol names do not match .dynsym");
  }

  void run() {
    if (in_.dynamic_value(kDtMipsXhash)) in_.fail("has a DT_MIPS_XHASH table; renaming its symbols is not supported");
    if (in_.dynamic_value(DT_GNU_HASH)) reorder_and_fill_gnu_hash();
    if (in_.dynamic_value(DT_HASH)) fill_sysv_hash();
  }

 private:
  using Word = typename E::Word;
  using Addr = typename E::Addr;

  template <typename T>
  T& overlay(uint64_t offset) {
    return out_.at<T>(offset);
  }

  uint64_t table_offset(uint64_t tag, uint64_t size, const char* what) const {
    uint64_t addr = *in_.dynamic_value(tag);
    std::optional<uint64_t> off = in_.file_offset(addr, size);
    if (!off) in_.fail(std::string(what) + " " + hex(addr) + " is not mapped from the file");
    return *off;
  }

  void reorder_and_fill_gnu_hash() {
    uint64_t off = table_offset(DT_GNU_HASH, 16, "DT_GNU_HASH");
    GnuHashGeometry g;
    g.nbuckets = in_.template at<Word>(off, "DT_GNU_HASH nbuckets");
    g.symoffset = in_.template at<Word>(off + 4, "DT_GNU_HASH symoffset");
    g.bloom_words = in_.template at<Word>(off + 8, "DT_GNU_HASH bloom size");
    g.shift2 = in_.template at<Word>(off + 12, "DT_GNU_HASH bloom shift");
    g.word_bits = E::bits;
    // An empty table (every symbol below symoffset) hashes nothing; its
    // symoffset cannot be trusted (patchelf's rule too).
    if (g.symoffset >= syms_.count) return;
    if (g.nbuckets == 0 || g.symoffset == 0)
      in_.fail("DT_GNU_HASH has " + std::to_string(g.nbuckets) + " buckets and symoffset " +
                   std::to_string(g.symoffset),
               off);
    if (g.bloom_words == 0 || (g.bloom_words & (g.bloom_words - 1)) != 0)
      in_.fail("DT_GNU_HASH bloom filter size " + std::to_string(g.bloom_words) + " is not a power of two", off);
    uint64_t bloom_off = off + 16;
    uint64_t buckets_off = bloom_off + uint64_t(g.bloom_words) * sizeof(Addr);
    uint64_t chains_off = buckets_off + uint64_t(g.nbuckets) * 4;
    uint64_t hashed_count = syms_.count - g.symoffset;
    auto buckets = in_.template array_at<Word>(buckets_off, g.nbuckets, "DT_GNU_HASH buckets");
    // A table whose buckets are all empty hashes nothing (ld writes such a
    // table, with no chain words at all, for programs that export nothing):
    // there is nothing to rebuild and no chain array to write.
    uint64_t last_start = 0;
    for (const Word& b : buckets) last_start = std::max<uint64_t>(last_start, b);
    if (last_start == 0) return;
    // The chains must reach exactly the last symbol, or the table covers
    // another set of symbols than .dynsym's size says and rewriting it
    // would write past it.
    if (last_start < g.symoffset || last_start >= syms_.count)
      in_.fail("DT_GNU_HASH bucket starts at symbol " + std::to_string(last_start) + " of " +
                   std::to_string(syms_.count),
               off);
    auto chains = in_.template array_at<Word>(chains_off, hashed_count, "DT_GNU_HASH chains");
    uint64_t end = last_start;
    while (end < syms_.count && (chains[end - g.symoffset] & 1u) == 0) ++end;
    if (end + 1 != syms_.count)
      in_.fail("DT_GNU_HASH chains end at symbol " + std::to_string(end + 1) + ", .dynsym has " +
                   std::to_string(syms_.count),
               off);

    std::vector<std::string> hashed(names_.begin() + g.symoffset, names_.end());
    std::vector<uint32_t> order = gnu_hash_order(hashed, g.nbuckets);
    bool moved = false;
    for (uint32_t i = 0; i < order.size(); ++i) moved |= order[i] != i;
    if (moved) reorder(g.symoffset, order);

    std::vector<std::string> sorted(hashed.size());
    for (size_t i = 0; i < order.size(); ++i) sorted[i] = std::move(hashed[order[i]]);
    GnuHashContent content = build_gnu_hash(sorted, g);
    for (size_t i = 0; i < content.bloom.size(); ++i)
      overlay<Addr>(bloom_off + i * sizeof(Addr)) = static_cast<typename E::uaddr>(content.bloom[i]);
    for (size_t i = 0; i < content.buckets.size(); ++i) overlay<Word>(buckets_off + 4 * i) = content.buckets[i];
    for (size_t i = 0; i < content.chains.size(); ++i) overlay<Word>(chains_off + 4 * i) = content.chains[i];
    std::move(sorted.begin(), sorted.end(), names_.begin() + g.symoffset);
  }

  // Moves hashed symbol `first + order[i]` to `first + i`, with everything
  // that is indexed by symbol.
  void reorder(uint32_t first, const std::vector<uint32_t>& order) {
    // On MIPS the symbols above DT_MIPS_GOTSYM must stay in GOT order.
    if (in_.header().e_machine == EM_MIPS)
      in_.fail("renaming would reorder .dynsym, which MIPS ties to the GOT; not supported");
    if (in_.dynamic_value(DT_SYMINFO)) in_.fail("renaming would reorder .dynsym, and DT_SYMINFO is not supported");
    permute(syms_.offset, sizeof(Sym<E>), first, order);
    if (syms_.versym_offset) permute(*syms_.versym_offset, 2, first, order);
    std::vector<uint32_t> new_index(order.size());
    for (uint32_t i = 0; i < order.size(); ++i) new_index[order[i]] = i;
    for (uint64_t entry : relocation_entries()) {
      Addr& info = overlay<Addr>(entry + sizeof(Addr));
      uint64_t value = info;
      uint64_t sym = E::is64 ? value >> 32 : value >> 8;
      if (sym < first) continue;
      if (sym >= syms_.count)
        in_.fail("relocation names symbol " + std::to_string(sym) + " of " + std::to_string(syms_.count), entry);
      uint64_t moved_to = first + new_index[sym - first];
      info = static_cast<typename E::uaddr>(E::is64 ? (moved_to << 32 | (value & 0xffffffffu))
                                                    : (moved_to << 8 | (value & 0xffu)));
    }
  }

  // Reorders the `size`-byte records of a per-symbol table in place.
  void permute(uint64_t table, size_t size, uint32_t first, const std::vector<uint32_t>& order) {
    uint64_t start = table + uint64_t(first) * size;
    std::span<const uint8_t> now = out_.bytes().subspan(start, order.size() * size);
    std::vector<uint8_t> old(now.begin(), now.end());
    std::span<uint8_t> records = out_.writable(start, order.size() * size);
    for (size_t i = 0; i < order.size(); ++i) std::memcpy(records.data() + i * size, old.data() + order[i] * size, size);
  }

  // File offsets of every relocation entry that names a dynamic symbol,
  // each once: the tables the loader reads (DT_RELA, DT_REL, DT_JMPREL,
  // which may overlap) and sections linked to .dynsym. Sections linked to
  // .symtab (ld --emit-relocs) index another table and are left alone.
  std::vector<uint64_t> relocation_entries() const {
    std::vector<uint64_t> out;
    auto add = [&](uint64_t offset, uint64_t size, uint64_t entsize, const char* what) {
      if (entsize < 2 * sizeof(Addr)) in_.fail(std::string(what) + " entry size " + std::to_string(entsize) + " is too small");
      (void)in_.template array_at<uint8_t>(offset, size, what);
      for (uint64_t at = 0; at + entsize <= size; at += entsize) out.push_back(offset + at);
    };
    uint64_t rela_ent = in_.dynamic_value(DT_RELAENT).value_or(3 * sizeof(Addr));
    uint64_t rel_ent = in_.dynamic_value(DT_RELENT).value_or(2 * sizeof(Addr));
    auto add_dynamic = [&](uint64_t tag, uint64_t size_tag, uint64_t entsize, const char* what) {
      if (!in_.dynamic_value(tag)) return;
      uint64_t size = in_.dynamic_value(size_tag).value_or(0);
      add(table_offset(tag, std::max<uint64_t>(size, 1), what), size, entsize, what);
    };
    add_dynamic(DT_RELA, DT_RELASZ, rela_ent, "DT_RELA");
    add_dynamic(DT_REL, DT_RELSZ, rel_ent, "DT_REL");
    add_dynamic(DT_JMPREL, DT_PLTRELSZ, in_.dynamic_value(DT_PLTREL) == DT_REL ? rel_ent : rela_ent, "DT_JMPREL");
    auto sections = in_.sections();
    uint64_t symtab = *in_.dynamic_value(DT_SYMTAB);
    for (const Shdr<E>& s : sections) {
      if (s.sh_type != SHT_REL && s.sh_type != SHT_RELA) continue;
      if (s.sh_link == 0 || s.sh_link >= sections.size()) continue;
      const Shdr<E>& link = sections[s.sh_link];
      if (link.sh_type != SHT_DYNSYM || link.sh_addr != symtab) continue;
      uint64_t entsize = s.sh_entsize ? uint64_t(s.sh_entsize) : (s.sh_type == SHT_RELA ? 3 : 2) * sizeof(Addr);
      add(s.sh_offset, s.sh_size, entsize, "relocation section");
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  void fill_sysv_hash() {
    // s390x and Alpha use 8-byte hash entries in ELFCLASS64.
    uint16_t machine = in_.header().e_machine;
    uint64_t entry = E::is64 && (machine == EM_S390 || machine == EM_ALPHA) ? 8 : 4;
    uint64_t off = table_offset(DT_HASH, 2 * entry, "DT_HASH");
    auto read = [&](uint64_t at, const char* what) -> uint64_t {
      if (entry == 8) return in_.template at<typename E::Xword>(at, what);
      return in_.template at<Word>(at, what);
    };
    uint64_t nbuckets = read(off, "DT_HASH nbucket"), nchain = read(off + entry, "DT_HASH nchain");
    if (nchain != syms_.count)
      in_.fail("DT_HASH has " + std::to_string(nchain) + " chains for " + std::to_string(syms_.count) + " symbols", off);
    if (nbuckets == 0 || nbuckets > UINT32_MAX) in_.fail("DT_HASH has " + std::to_string(nbuckets) + " buckets", off);
    (void)in_.template array_at<uint8_t>(off, (2 + nbuckets + nchain) * entry, "DT_HASH table");
    // Local symbols (section symbols some targets export) stay out, as ld
    // leaves them; read from the output, whose order is final now.
    std::vector<bool> entered(syms_.count);
    for (uint64_t i = 0; i < syms_.count; ++i)
      entered[i] = overlay<Sym<E>>(syms_.offset + i * sizeof(Sym<E>)).st_info >> 4 != STB_LOCAL;
    SysvHashContent content = build_sysv_hash(names_, entered, static_cast<uint32_t>(nbuckets));
    auto write = [&](uint64_t at, uint32_t value) {
      if (entry == 8)
        overlay<typename E::Xword>(at) = value;
      else
        overlay<Word>(at) = value;
    };
    uint64_t buckets_off = off + 2 * entry, chains_off = buckets_off + nbuckets * entry;
    for (size_t i = 0; i < content.buckets.size(); ++i) write(buckets_off + i * entry, content.buckets[i]);
    for (size_t i = 0; i < content.chains.size(); ++i) write(chains_off + i * entry, content.chains[i]);
  }

  const ElfFile<E>& in_;
  Image& out_;
  std::vector<std::string> names_;  // in the output's order once reordered
  DynamicSymbols syms_;
};

}  // namespace

template <typename E>
std::optional<std::vector<std::string>> names_after_renames(const ElfFile<E>& in,
                                                            const std::map<std::string, std::string>& renames) {
  std::optional<DynamicSymbols> syms = find_dynamic_symbols(in);
  if (!syms) in.fail("has no dynamic symbol table (DT_SYMTAB)");
  auto table = in.template array_at<Sym<E>>(syms->offset, syms->count, "dynamic symbol table");
  std::vector<std::string> names;
  names.reserve(table.size());
  bool changed = false;
  for (const Sym<E>& sym : table) {
    std::string name(in.dynamic_string(sym.st_name, "st_name"));
    auto it = renames.find(name);
    if (it != renames.end() && it->second != name) {
      name = it->second;
      changed = true;
    }
    names.push_back(std::move(name));
  }
  if (!changed) return std::nullopt;
  return names;
}

template <typename E>
void rehash_dynamic_symbols(const ElfFile<E>& in, Image& out, const std::vector<std::string>& names) {
  Rehasher<E>(in, out, names).run();
}

#define SHELF_INSTANTIATE(E)                                                                          \
  template std::optional<std::vector<std::string>> names_after_renames(                             \
      const ElfFile<E>& in, const std::map<std::string, std::string>& renames);                     \
  template void rehash_dynamic_symbols(const ElfFile<E>& in, Image& out,                           \
                                       const std::vector<std::string>& names);
SHELF_FOR_EACH_ELF_TYPE(SHELF_INSTANTIATE)
#undef SHELF_INSTANTIATE

}  // namespace shelf::patch
