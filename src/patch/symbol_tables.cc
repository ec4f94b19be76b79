#include "patch/symbol_tables.h"

#include <algorithm>

namespace shelf::patch {

using namespace shelf::elf;

namespace {

template <typename E>
std::optional<uint64_t> count_from_sections(const ElfFile<E>& file, uint64_t symtab_addr) {
  for (const Shdr<E>& s : file.sections())
    if (s.sh_type == SHT_DYNSYM && s.sh_addr == symtab_addr && s.sh_entsize == sizeof(Sym<E>))
      return uint64_t(s.sh_size) / sizeof(Sym<E>);
  return std::nullopt;
}

template <typename E>
std::optional<uint64_t> count_from_sysv_hash(const ElfFile<E>& file) {
  std::optional<uint64_t> addr = file.dynamic_value(DT_HASH);
  if (!addr) return std::nullopt;
  // nbucket, nchain: nchain equals the number of symbols. s390x and Alpha
  // use 8-byte hash entries in ELFCLASS64 (binutils' elf64-s390.c and
  // elf64-alpha.c, glibc's Elf_Symndx), everyone else 4-byte ones.
  uint16_t machine = file.header().e_machine;
  uint64_t entry = E::is64 && (machine == EM_S390 || machine == EM_ALPHA) ? 8 : 4;
  std::optional<uint64_t> off = file.file_offset(*addr, 2 * entry);
  if (!off) file.fail("DT_HASH " + hex(*addr) + " is not mapped from the file");
  if (entry == 8) return uint64_t(file.template at<typename E::Xword>(*off + 8, "DT_HASH nchain"));
  return uint64_t(file.template at<typename E::Word>(*off + 4, "DT_HASH nchain"));
}

// DT_GNU_HASH does not store the symbol count: take the highest bucket start
// and follow its chain to the entry with the end bit set.
template <typename E>
std::optional<uint64_t> count_from_gnu_hash(const ElfFile<E>& file) {
  std::optional<uint64_t> addr = file.dynamic_value(DT_GNU_HASH);
  if (!addr) return std::nullopt;
  std::optional<uint64_t> off = file.file_offset(*addr, 16);
  if (!off) file.fail("DT_GNU_HASH " + hex(*addr) + " is not mapped from the file");
  using Word = typename E::Word;
  uint64_t nbuckets = file.template at<Word>(*off, "DT_GNU_HASH nbuckets");
  uint64_t symoffset = file.template at<Word>(*off + 4, "DT_GNU_HASH symoffset");
  uint64_t bloom_size = file.template at<Word>(*off + 8, "DT_GNU_HASH bloom size");
  uint64_t buckets_off = *off + 16 + bloom_size * (E::is64 ? 8 : 4);
  auto buckets = file.template array_at<Word>(buckets_off, nbuckets, "DT_GNU_HASH buckets");
  uint64_t last = 0;
  for (const Word& b : buckets) last = std::max<uint64_t>(last, b);
  if (last < symoffset) return symoffset;
  uint64_t chain_off = buckets_off + nbuckets * 4;
  uint64_t limit = file.bytes().size() / 4;
  for (uint64_t i = last; i - symoffset < limit; ++i) {
    uint32_t h = file.template at<Word>(chain_off + (i - symoffset) * 4, "DT_GNU_HASH chain");
    if (h & 1) return i + 1;
  }
  file.fail("DT_GNU_HASH chain has no end marker", chain_off);
}

}  // namespace

template <typename E>
std::optional<DynamicSymbols> find_dynamic_symbols(const ElfFile<E>& file) {
  std::optional<uint64_t> addr = file.dynamic_value(DT_SYMTAB);
  if (!addr) return std::nullopt;
  std::optional<uint64_t> count = count_from_sections(file, *addr);
  if (!count) count = count_from_sysv_hash(file);
  if (!count) count = count_from_gnu_hash(file);
  if (!count) return std::nullopt;
  DynamicSymbols out;
  out.count = *count;
  std::optional<uint64_t> off = file.file_offset(*addr, out.count * sizeof(Sym<E>));
  if (!off) file.fail("DT_SYMTAB " + hex(*addr) + " with " + std::to_string(out.count) +
                      " symbols is not mapped from the file");
  out.offset = *off;
  if (std::optional<uint64_t> v = file.dynamic_value(DT_VERSYM)) {
    out.versym_offset = file.file_offset(*v, out.count * 2);
    if (!out.versym_offset) file.fail("DT_VERSYM " + hex(*v) + " is not mapped from the file");
  }
  return out;
}

template <typename E>
std::vector<StringField> string_fields(const ElfFile<E>& file) {
  std::vector<StringField> out;
  if (std::optional<DynamicSymbols> syms = find_dynamic_symbols(file)) {
    auto table = file.template array_at<Sym<E>>(syms->offset, syms->count, "dynamic symbol table");
    out.reserve(table.size() + 64);  // one per symbol and a few version records, without regrowing
    for (uint64_t i = 0; i < table.size(); ++i)
      out.push_back({StringField::Kind::kSymbolName,
                     syms->offset + i * sizeof(Sym<E>) + offsetof(Sym<E>, st_name), table[i].st_name});
  }
  // Version records: walk the chains with the same bounds as ElfFile does.
  uint64_t limit = file.bytes().size() / 8;
  if (std::optional<uint64_t> addr = file.dynamic_value(DT_VERNEED)) {
    std::optional<uint64_t> off = file.file_offset(*addr, sizeof(Verneed<E>));
    if (!off) file.fail("DT_VERNEED " + hex(*addr) + " is not mapped from the file");
    uint64_t count = file.dynamic_value(DT_VERNEEDNUM).value_or(0);
    for (uint64_t i = 0; i < count && i < limit; ++i) {
      const auto& vn = file.template at<Verneed<E>>(*off, "DT_VERNEED entry");
      out.push_back({StringField::Kind::kVerneedFile, *off + offsetof(Verneed<E>, vn_file), vn.vn_file});
      uint64_t aoff = *off + uint64_t(vn.vn_aux);
      for (uint64_t j = 0; j < vn.vn_cnt && j < limit; ++j) {
        const auto& va = file.template at<Vernaux<E>>(aoff, "DT_VERNEED auxiliary entry");
        out.push_back({StringField::Kind::kVersionName, aoff + offsetof(Vernaux<E>, vna_name), va.vna_name});
        if (va.vna_next == 0) break;
        aoff += uint64_t(va.vna_next);
      }
      if (vn.vn_next == 0) break;
      *off += uint64_t(vn.vn_next);
    }
  }
  if (std::optional<uint64_t> addr = file.dynamic_value(DT_VERDEF)) {
    std::optional<uint64_t> off = file.file_offset(*addr, sizeof(Verdef<E>));
    if (!off) file.fail("DT_VERDEF " + hex(*addr) + " is not mapped from the file");
    uint64_t count = file.dynamic_value(DT_VERDEFNUM).value_or(0);
    for (uint64_t i = 0; i < count && i < limit; ++i) {
      const auto& vd = file.template at<Verdef<E>>(*off, "DT_VERDEF entry");
      uint64_t aoff = *off + uint64_t(vd.vd_aux);
      for (uint64_t j = 0; j < vd.vd_cnt && j < limit; ++j) {
        const auto& va = file.template at<Verdaux<E>>(aoff, "DT_VERDEF auxiliary entry");
        out.push_back({StringField::Kind::kVersionName, aoff + offsetof(Verdaux<E>, vda_name), va.vda_name});
        if (va.vda_next == 0) break;
        aoff += uint64_t(va.vda_next);
      }
      if (vd.vd_next == 0) break;
      *off += uint64_t(vd.vd_next);
    }
  }
  return out;
}

#define SHELF_INSTANTIATE(E)                                                           \
  template std::optional<DynamicSymbols> find_dynamic_symbols(const ElfFile<E>& file); \
  template std::vector<StringField> string_fields(const ElfFile<E>& file);
SHELF_FOR_EACH_ELF_TYPE(SHELF_INSTANTIATE)
#undef SHELF_INSTANTIATE

}  // namespace shelf::patch
