// Validation and checked access for ElfFile<E>. Every size computation is done
// in 64 bits with explicit overflow checks before any pointer is formed.
#include "elf/elf_file.h"

#include <cstring>
#include <limits>

namespace shelf::elf {

namespace {

// a + b <= limit, without overflow.
bool fits(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

// Counts the records a version chain walk visits and fails once it has
// visited more than `limit`, the most that fit in the file without overlap.
template <typename E>
class RecordBudget {
 public:
  RecordBudget(const ElfFile<E>& file, uint64_t limit, const char* table)
      : file_(file), left_(limit), table_(table) {}
  void spend(uint64_t offset) {
    if (left_ == 0)
      file_.fail(std::string(table_) +
                     " chain visits more records than fit in the file (records overlap or loop)",
                 offset);
    --left_;
  }

 private:
  const ElfFile<E>& file_;
  uint64_t left_;
  const char* table_;
};

}  // namespace

template <typename E>
ElfFile<E>::ElfFile(std::string name, std::span<const uint8_t> bytes)
    : name_(std::move(name)), bytes_(bytes) {
  read_header();
  read_segments();
  read_sections();
  read_dynamic();
}

template <typename E>
void ElfFile<E>::fail(const std::string& reason, std::optional<uint64_t> offset) const {
  throw Error(name_, reason, offset);
}

template <typename E>
std::string_view ElfFile<E>::cstring(uint64_t offset, uint64_t end, const char* what) const {
  if (end > bytes_.size()) end = bytes_.size();
  if (offset >= end) fail(std::string(what) + " starts outside its table", offset);
  const char* begin = reinterpret_cast<const char*>(bytes_.data() + offset);
  const void* nul = std::memchr(begin, 0, end - offset);
  if (!nul) fail(std::string(what) + " is not NUL-terminated inside its table", offset);
  return {begin, static_cast<size_t>(static_cast<const char*>(nul) - begin)};
}

template <typename E>
void ElfFile<E>::read_header() {
  ehdr_ = &at<Ehdr<E>>(0, "ELF header");
  if (std::memcmp(ehdr_->e_ident, ELFMAG, SELFMAG) != 0) fail("not an ELF file (bad magic)", 0);
}

template <typename E>
void ElfFile<E>::read_segments() {
  const Ehdr<E>& h = *ehdr_;
  uint64_t phnum = h.e_phnum;
  if (phnum == 0) return;
  if (h.e_phentsize != sizeof(Phdr<E>))
    fail("e_phentsize is " + std::to_string(h.e_phentsize) + ", expected " +
             std::to_string(sizeof(Phdr<E>)),
         offsetof(Ehdr<E>, e_phentsize));
  if (phnum == PN_XNUM) {
    // The real count lives in section 0's sh_info (gABI extended numbering).
    if (h.e_shoff == 0) fail("e_phnum is PN_XNUM but there is no section 0", offsetof(Ehdr<E>, e_phnum));
    phnum = at<Shdr<E>>(h.e_shoff, "section header 0").sh_info;
  }
  if (h.e_phoff == 0) fail("program headers announced but e_phoff is 0", offsetof(Ehdr<E>, e_phoff));
  phdrs_ = array_at<Phdr<E>>(h.e_phoff, phnum, "program header table (e_phoff/e_phnum)");
}

template <typename E>
void ElfFile<E>::read_sections() {
  const Ehdr<E>& h = *ehdr_;
  if (h.e_shoff == 0) return;  // sstripped or never had sections
  if (h.e_shentsize != sizeof(Shdr<E>))
    fail("e_shentsize is " + std::to_string(h.e_shentsize) + ", expected " +
             std::to_string(sizeof(Shdr<E>)),
         offsetof(Ehdr<E>, e_shentsize));
  uint64_t shnum = h.e_shnum;
  if (shnum == 0) shnum = at<Shdr<E>>(h.e_shoff, "section header 0").sh_size;
  if (shnum == 0) return;
  shdrs_ = array_at<Shdr<E>>(h.e_shoff, shnum, "section header table (e_shoff/e_shnum)");
  uint64_t shstrndx = h.e_shstrndx;
  if (shstrndx == SHN_XINDEX) shstrndx = shdrs_[0].sh_link;
  if (shstrndx != SHN_UNDEF && shstrndx >= shnum)
    fail("e_shstrndx " + std::to_string(shstrndx) + " is not a section index",
         offsetof(Ehdr<E>, e_shstrndx));
}

template <typename E>
const Phdr<E>* ElfFile<E>::find_segment(uint32_t type) const {
  for (const Phdr<E>& p : phdrs_)
    if (p.p_type == type) return &p;
  return nullptr;
}

template <typename E>
std::optional<uint64_t> ElfFile<E>::file_offset(uint64_t vaddr, uint64_t size) const {
  for (const Phdr<E>& p : phdrs_) {
    if (p.p_type != PT_LOAD) continue;
    uint64_t start = p.p_vaddr, filesz = p.p_filesz;
    if (vaddr < start || !fits(vaddr - start, size, filesz)) continue;
    uint64_t off = uint64_t(p.p_offset) + (vaddr - start);
    if (!fits(off, size, bytes_.size())) return std::nullopt;
    return off;
  }
  return std::nullopt;
}

template <typename E>
std::optional<std::string_view> ElfFile<E>::interpreter() const {
  const Phdr<E>* p = find_segment(PT_INTERP);
  if (!p) return std::nullopt;
  uint64_t off = p->p_offset, size = p->p_filesz;
  if (!fits(off, size, bytes_.size())) fail("PT_INTERP extends past the end of the file", off);
  return cstring(off, off + size, "PT_INTERP string");
}

// patchelf looks the table up by name; the type must say so too, so that a
// stray section merely named ".dynamic" is not taken for one.
template <typename E>
const Shdr<E>* ElfFile<E>::dynamic_section() const {
  for (const Shdr<E>& s : shdrs_)
    if (s.sh_type == SHT_DYNAMIC && section_name(s) == ".dynamic") return &s;
  return nullptr;
}

template <typename E>
void ElfFile<E>::read_dynamic() {
  uint64_t off = 0, size = 0;
  if (const Phdr<E>* p = find_segment(PT_DYNAMIC)) {
    off = p->p_offset;
    size = p->p_filesz;
    if (!fits(off, size, bytes_.size())) fail("PT_DYNAMIC extends past the end of the file", off);
    dynamic_vaddr_ = p->p_vaddr;
  } else if (const Shdr<E>* s = dynamic_section()) {
    off = s->sh_offset;
    size = s->sh_size;
    if (!fits(off, size, bytes_.size())) fail("section .dynamic extends past the end of the file", off);
    dynamic_vaddr_ = s->sh_addr;
    dynamic_from_section_ = true;
  } else {
    return;
  }
  dynamic_offset_ = off;
  dynamic_slots_ = size / sizeof(Dyn<E>);
  auto table = array_at<Dyn<E>>(off, dynamic_slots_, "dynamic table");
  for (const Dyn<E>& d : table) {
    if (d.d_tag == DT_NULL) break;
    dyn_.push_back({d.d_tag, d.d_val});
  }
  std::optional<uint64_t> strtab = dynamic_value(DT_STRTAB);
  if (!strtab) return;
  uint64_t strsz = dynamic_value(DT_STRSZ).value_or(0);
  std::optional<uint64_t> so = file_offset(*strtab, strsz ? strsz : 1);
  if (!so)
    fail("DT_STRTAB " + hex(*strtab) + " with DT_STRSZ " + hex(strsz) +
             " is not mapped from the file by any PT_LOAD segment",
         off);
  strtab_off_ = *so;
  strtab_size_ = strsz;
}

template <typename E>
std::optional<uint64_t> ElfFile<E>::dynamic_value(uint64_t tag) const {
  for (const DynEntry& d : dyn_)
    if (d.tag == tag) return d.value;
  return std::nullopt;
}

template <typename E>
std::vector<uint64_t> ElfFile<E>::dynamic_values(uint64_t tag) const {
  std::vector<uint64_t> out;
  for (const DynEntry& d : dyn_)
    if (d.tag == tag) out.push_back(d.value);
  return out;
}

template <typename E>
std::string_view ElfFile<E>::dynamic_string(uint64_t off, const char* tag) const {
  if (!strtab_off_) fail(std::string(tag) + " present but the file has no DT_STRTAB", dynamic_offset_);
  if (off >= strtab_size_)
    fail(std::string(tag) + " string offset " + hex(off) + " is past DT_STRSZ " + hex(strtab_size_),
         dynamic_offset_);
  return cstring(*strtab_off_ + off, *strtab_off_ + strtab_size_, tag);
}

template <typename E>
std::vector<VersionNeed> ElfFile<E>::version_needs() const {
  std::vector<VersionNeed> out;
  std::optional<uint64_t> addr = dynamic_value(DT_VERNEED);
  if (!addr) return out;
  uint64_t count = dynamic_value(DT_VERNEEDNUM).value_or(0);
  std::optional<uint64_t> off = file_offset(*addr, sizeof(Verneed<E>));
  if (!off) fail("DT_VERNEED " + hex(*addr) + " is not mapped from the file", dynamic_offset_);
  // In a well-formed file the records do not overlap, so the walk cannot
  // visit more of them than fit in the file. Overlapping records (each
  // Verneed's aux chain running through the next ones) would otherwise make
  // the walk quadratic: gigabytes of versions from a 64 KiB file.
  RecordBudget budget(*this, bytes_.size() / sizeof(Vernaux<E>), "DT_VERNEED");
  for (uint64_t i = 0; i < count; ++i) {
    budget.spend(*off);
    const Verneed<E>& vn = at<Verneed<E>>(*off, "DT_VERNEED entry");
    VersionNeed need{dynamic_string(vn.vn_file, "vn_file"), {}};
    uint64_t aoff = *off + uint64_t(vn.vn_aux);
    for (uint64_t j = 0; j < vn.vn_cnt; ++j) {
      budget.spend(aoff);
      const Vernaux<E>& va = at<Vernaux<E>>(aoff, "DT_VERNEED auxiliary entry");
      need.versions.push_back({dynamic_string(va.vna_name, "vna_name"), va.vna_hash, va.vna_flags,
                               va.vna_other});
      if (va.vna_next == 0) break;
      aoff += uint64_t(va.vna_next);
    }
    out.push_back(std::move(need));
    if (vn.vn_next == 0) break;
    *off += uint64_t(vn.vn_next);
  }
  return out;
}

template <typename E>
std::vector<VersionDef> ElfFile<E>::version_defs() const {
  std::vector<VersionDef> out;
  std::optional<uint64_t> addr = dynamic_value(DT_VERDEF);
  if (!addr) return out;
  uint64_t count = dynamic_value(DT_VERDEFNUM).value_or(0);
  std::optional<uint64_t> off = file_offset(*addr, sizeof(Verdef<E>));
  if (!off) fail("DT_VERDEF " + hex(*addr) + " is not mapped from the file", dynamic_offset_);
  RecordBudget budget(*this, bytes_.size() / sizeof(Verdaux<E>), "DT_VERDEF");
  for (uint64_t i = 0; i < count; ++i) {
    budget.spend(*off);
    const Verdef<E>& vd = at<Verdef<E>>(*off, "DT_VERDEF entry");
    VersionDef def{{}, vd.vd_flags, vd.vd_ndx, {}};
    uint64_t aoff = *off + uint64_t(vd.vd_aux);
    for (uint64_t j = 0; j < vd.vd_cnt; ++j) {
      budget.spend(aoff);
      const Verdaux<E>& va = at<Verdaux<E>>(aoff, "DT_VERDEF auxiliary entry");
      std::string_view n = dynamic_string(va.vda_name, "vda_name");
      if (j == 0)
        def.name = n;
      else
        def.parents.push_back(n);
      if (va.vda_next == 0) break;
      aoff += uint64_t(va.vda_next);
    }
    out.push_back(std::move(def));
    if (vd.vd_next == 0) break;
    *off += uint64_t(vd.vd_next);
  }
  return out;
}

template <typename E>
uint64_t ElfFile<E>::section_name_index() const {
  if (shdrs_.empty()) return 0;
  uint64_t idx = ehdr_->e_shstrndx;
  if (idx == SHN_XINDEX) idx = shdrs_[0].sh_link;
  return idx < shdrs_.size() ? idx : 0;
}

template <typename E>
std::optional<size_t> ElfFile<E>::find_section(std::string_view name) const {
  for (size_t i = 1; i < shdrs_.size(); ++i)
    if (section_name(shdrs_[i]) == name) return i;
  return std::nullopt;
}

template <typename E>
std::string_view ElfFile<E>::section_name(const Shdr<E>& shdr) const {
  uint64_t idx = section_name_index();
  if (idx == SHN_UNDEF) return {};
  const Shdr<E>& strtab = shdrs_[idx];
  uint64_t off = strtab.sh_offset, size = strtab.sh_size;
  if (!fits(off, size, bytes_.size())) fail("section name table extends past the end of the file", off);
  if (shdr.sh_name >= size) fail("section name offset " + hex(shdr.sh_name) + " is past its table", off);
  return cstring(off + shdr.sh_name, off + size, "section name");
}

#define SHELF_INSTANTIATE(E) template class ElfFile<E>;
SHELF_FOR_EACH_ELF_TYPE(SHELF_INSTANTIATE)
#undef SHELF_INSTANTIATE

}  // namespace shelf::elf
