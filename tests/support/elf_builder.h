// Builds small, valid ELF images in memory for any class and byte order, so
// unit tests can check the reader on targets the host cannot produce and then
// corrupt single fields to make hostile inputs.
//
// Layout: Ehdr | Phdr[PT_LOAD, PT_DYNAMIC, (PT_INTERP)] | interp | dynstr | dynamic
// The PT_LOAD maps the whole file at kBase.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "elf/records.h"

namespace shelf::test {

struct ImageSpec {
  uint16_t machine = EM_X86_64;
  uint16_t type = ET_DYN;
  std::string interpreter;  // empty: no PT_INTERP
  std::string soname;
  std::vector<std::string> needed;
  std::string runpath;
  std::string rpath;
};

struct Image {
  std::vector<uint8_t> bytes;
  uint64_t phoff = 0, dynstr_off = 0, dynamic_off = 0, interp_off = 0;
};

template <typename E>
Image build_image(const ImageSpec& spec) {
  using namespace shelf::elf;
  constexpr uint64_t kBase = 0x10000;
  Image img;
  std::string strtab(1, '\0');
  auto add_str = [&](const std::string& s) {
    uint64_t off = strtab.size();
    strtab += s;
    strtab += '\0';
    return off;
  };
  std::vector<std::pair<uint64_t, uint64_t>> dyn;
  for (const auto& n : spec.needed) dyn.push_back({DT_NEEDED, add_str(n)});
  if (!spec.soname.empty()) dyn.push_back({DT_SONAME, add_str(spec.soname)});
  if (!spec.rpath.empty()) dyn.push_back({DT_RPATH, add_str(spec.rpath)});
  if (!spec.runpath.empty()) dyn.push_back({DT_RUNPATH, add_str(spec.runpath)});

  int nph = spec.interpreter.empty() ? 2 : 3;
  img.phoff = sizeof(Ehdr<E>);
  img.interp_off = img.phoff + nph * sizeof(Phdr<E>);
  img.dynstr_off = img.interp_off + (spec.interpreter.empty() ? 0 : spec.interpreter.size() + 1);
  img.dynamic_off = (img.dynstr_off + strtab.size() + 7) & ~uint64_t(7);
  dyn.push_back({DT_STRTAB, kBase + img.dynstr_off});
  dyn.push_back({DT_STRSZ, strtab.size()});
  dyn.push_back({DT_NULL, 0});
  uint64_t total = img.dynamic_off + dyn.size() * sizeof(Dyn<E>);
  img.bytes.assign(total, 0);
  uint8_t* b = img.bytes.data();

  auto& eh = *reinterpret_cast<Ehdr<E>*>(b);
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = E::is64 ? ELFCLASS64 : ELFCLASS32;
  eh.e_ident[EI_DATA] = E::is_le ? ELFDATA2LSB : ELFDATA2MSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = spec.type;
  eh.e_machine = spec.machine;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = img.phoff;
  eh.e_ehsize = sizeof(Ehdr<E>);
  eh.e_phentsize = sizeof(Phdr<E>);
  eh.e_phnum = nph;

  auto* ph = reinterpret_cast<Phdr<E>*>(b + img.phoff);
  ph[0].p_type = PT_LOAD;
  ph[0].p_flags = PF_R;
  ph[0].p_offset = 0;
  ph[0].p_vaddr = kBase;
  ph[0].p_paddr = kBase;
  ph[0].p_filesz = total;
  ph[0].p_memsz = total;
  ph[0].p_align = 0x1000;
  ph[1].p_type = PT_DYNAMIC;
  ph[1].p_flags = PF_R | PF_W;
  ph[1].p_offset = img.dynamic_off;
  ph[1].p_vaddr = kBase + img.dynamic_off;
  ph[1].p_filesz = dyn.size() * sizeof(Dyn<E>);
  ph[1].p_memsz = ph[1].p_filesz;
  ph[1].p_align = 8;
  if (!spec.interpreter.empty()) {
    ph[2].p_type = PT_INTERP;
    ph[2].p_flags = PF_R;
    ph[2].p_offset = img.interp_off;
    ph[2].p_vaddr = kBase + img.interp_off;
    ph[2].p_filesz = spec.interpreter.size() + 1;
    ph[2].p_memsz = ph[2].p_filesz;
    ph[2].p_align = 1;
    std::memcpy(b + img.interp_off, spec.interpreter.c_str(), spec.interpreter.size() + 1);
  }
  std::memcpy(b + img.dynstr_off, strtab.data(), strtab.size());
  auto* d = reinterpret_cast<Dyn<E>*>(b + img.dynamic_off);
  for (size_t i = 0; i < dyn.size(); ++i) {
    d[i].d_tag = dyn[i].first;
    d[i].d_val = dyn[i].second;
  }
  return img;
}

}  // namespace shelf::test
