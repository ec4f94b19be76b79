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

template <typename E>
void sort_sections(const ElfFile<E>& file, Image& image) {
  std::vector<Shdr<E>> old(file.sections().begin(), file.sections().end());
  if (old.size() < 3 || in_order<E>(old)) return;
  size_t n = old.size();
  // order[new index] = old index; index 0 stays first.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin() + 1, order.end(),
                   [&](size_t a, size_t b) { return uint64_t(old[a].sh_offset) < uint64_t(old[b].sh_offset); });
  std::vector<uint32_t> renumber(n);
  for (size_t i = 0; i < n; ++i) renumber[order[i]] = static_cast<uint32_t>(i);
  auto index = [&](uint64_t i) -> uint64_t { return i > 0 && i < n ? renumber[i] : i; };

  uint64_t shoff = file.header().e_shoff;
  for (size_t i = 0; i < n; ++i) {
    Shdr<E> s = old[order[i]];
    s.sh_link = static_cast<uint32_t>(index(s.sh_link));
    uint32_t type = s.sh_type;
    if (type == SHT_REL || type == SHT_RELA || (uint64_t(s.sh_flags) & SHF_INFO_LINK))
      s.sh_info = static_cast<uint32_t>(index(s.sh_info));
    image.at<Shdr<E>>(shoff + i * sizeof(Shdr<E>)) = s;
  }
  auto& eh = image.at<Ehdr<E>>(0);
  if (eh.e_shstrndx == SHN_XINDEX) {
    auto& first = image.at<Shdr<E>>(shoff);
    first.sh_link = static_cast<uint32_t>(index(first.sh_link));
  } else {
    eh.e_shstrndx = static_cast<uint16_t>(index(eh.e_shstrndx));
  }

  // Symbols name the section they are defined in by index.
  for (const Shdr<E>& s : old) {
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

}  // namespace

bool sections_in_offset_order(const std::string& name, std::span<const uint8_t> bytes) {
  return elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& file) { return in_order<E>(file.sections()); });
}

void sort_sections_by_offset(Image& image) {
  elf::visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& file) { sort_sections<E>(file, image); });
}

}  // namespace shelf::patch
