#include "patch/section_order.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "elf/identify.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

constexpr uint32_t kShtSymtabShndx = 18;  // SHT_SYMTAB_SHNDX

template <typename E>
bool in_order(std::span<const Shdr<E>> sections) {
  for (size_t i = 2; i < sections.size(); ++i)
    if (uint64_t(sections[i].sh_offset) < uint64_t(sections[i - 1].sh_offset)) return false;
  return true;
}

// Writes the section headers of `file` again in the order `order` (new
// index -> old index; index 0 stays first; an old index left out is
// removed) and renumbers every reference to them. A reference to a removed
// section becomes 0 (SHN_UNDEF), as patchelf does.
template <typename E>
void rewrite_section_table(const ElfFile<E>& file, Image& image, const std::vector<size_t>& order) {
  std::vector<Shdr<E>> old(file.sections().begin(), file.sections().end());
  size_t n = old.size();
  std::vector<uint32_t> renumber(n, 0);
  for (size_t i = 0; i < order.size(); ++i) renumber[order[i]] = static_cast<uint32_t>(i);
  auto index = [&](uint64_t i) -> uint64_t { return i > 0 && i < n ? renumber[i] : i; };

  uint64_t shoff = file.header().e_shoff;
  for (size_t i = 0; i < order.size(); ++i) {
    Shdr<E> s = old[order[i]];
    s.sh_link = static_cast<uint32_t>(index(s.sh_link));
    uint32_t type = s.sh_type;
    if (type == SHT_REL || type == SHT_RELA || (uint64_t(s.sh_flags) & SHF_INFO_LINK))
      s.sh_info = static_cast<uint32_t>(index(s.sh_info));
    image.at<Shdr<E>>(shoff + i * sizeof(Shdr<E>)) = s;
  }
  if (order.size() < n) image.fill(shoff + order.size() * sizeof(Shdr<E>), (n - order.size()) * sizeof(Shdr<E>), 0);
  auto& eh = image.at<Ehdr<E>>(0);
  if (order.size() != n) {
    if (eh.e_shnum == 0) image.at<Shdr<E>>(shoff).sh_size = order.size();  // SHN_XINDEX-style count
    else eh.e_shnum = static_cast<uint16_t>(order.size());
  }
  if (eh.e_shstrndx == SHN_XINDEX) {
    auto& first = image.at<Shdr<E>>(shoff);
    first.sh_link = static_cast<uint32_t>(index(first.sh_link));
  } else {
    eh.e_shstrndx = static_cast<uint16_t>(index(eh.e_shstrndx));
  }

  // Symbols name the section they are defined in by index.
  for (size_t k = 0; k < n; ++k) {
    if (k > 0 && renumber[k] == 0) continue;  // removed: its contents are no longer a table
    const Shdr<E>& s = old[k];
    uint32_t type = s.sh_type;
    uint64_t off = s.sh_offset, size = s.sh_size;
    if (off > image.size() || size > image.size() - off) continue;  // readers reject it; not ours to judge
    if (type == SHT_SYMTAB || type == SHT_DYNSYM) {
      size -= size % sizeof(Sym<E>);
      uint8_t* table = image.writable(off, size).data();
      for (uint64_t at = 0; at < size; at += sizeof(Sym<E>)) {
        auto& sym = *reinterpret_cast<Sym<E>*>(table + at);
        uint16_t shndx = sym.st_shndx;
        if (shndx != SHN_UNDEF && shndx < SHN_LORESERVE) sym.st_shndx = static_cast<uint16_t>(index(shndx));
      }
    } else if (type == kShtSymtabShndx) {
      size -= size % sizeof(typename E::Word);
      uint8_t* table = image.writable(off, size).data();
      for (uint64_t at = 0; at < size; at += sizeof(typename E::Word)) {
        auto& word = *reinterpret_cast<typename E::Word*>(table + at);
        word = static_cast<uint32_t>(index(word));
      }
    }
  }
}

template <typename E>
void sort_sections(const ElfFile<E>& file, Image& image) {
  auto sections = file.sections();
  if (sections.size() < 3 || in_order<E>(sections)) return;
  // order[new index] = old index; index 0 stays first.
  std::vector<size_t> order(sections.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin() + 1, order.end(), [&](size_t a, size_t b) {
    return uint64_t(sections[a].sh_offset) < uint64_t(sections[b].sh_offset);
  });
  rewrite_section_table(file, image, order);
}

}  // namespace

bool sections_in_offset_order(const std::string& name, std::span<const uint8_t> bytes) {
  return elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& file) { return in_order<E>(file.sections()); });
}

void sort_sections_by_offset(Image& image) {
  elf::visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& file) { sort_sections<E>(file, image); });
}

void remove_section(Image& image, size_t index) {
  elf::visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& file) {
    size_t n = file.sections().size();
    if (index == 0 || index >= n) file.fail("no section " + std::to_string(index) + " to remove");
    if (index == file.section_name_index()) file.fail("the section name table cannot be removed");
    std::vector<size_t> order;
    for (size_t i = 0; i < n; ++i)
      if (i != index) order.push_back(i);
    rewrite_section_table(file, image, order);
  });
}

}  // namespace shelf::patch
