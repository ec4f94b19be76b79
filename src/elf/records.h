// The ELF record layouts, written once as templates over the target type `E`
// (class × byte order). Every field is an endian-aware `Int`, so a record can
// be overlaid on mapped bytes at any offset (alignment 1) and read directly.
// Constants (PT_*, DT_*, EM_*) come from the system <elf.h>; only the record
// types are ours, because the system ones are host-endian.
#pragma once

#include <elf.h>

#include <cstdint>
#include <type_traits>

#include "elf/endian.h"

namespace shelf::elf {

template <bool Is64, bool IsLE>
struct ElfType {
  static constexpr bool is64 = Is64;
  static constexpr bool is_le = IsLE;
  static constexpr int bits = Is64 ? 64 : 32;
  using Half = Int<IsLE, uint16_t>;
  using Word = Int<IsLE, uint32_t>;
  using Xword = Int<IsLE, uint64_t>;
  // Addresses, offsets and the class-sized words of Dyn/Shdr.
  using Addr = Int<IsLE, std::conditional_t<Is64, uint64_t, uint32_t>>;
  using uaddr = std::conditional_t<Is64, uint64_t, uint32_t>;
};

using Elf32LE = ElfType<false, true>;
using Elf32BE = ElfType<false, false>;
using Elf64LE = ElfType<true, true>;
using Elf64BE = ElfType<true, false>;

// Instantiates X(E) for every supported target; used at the bottom of each
// translation unit that defines templates over E.
#define SHELF_FOR_EACH_ELF_TYPE(X) \
  X(::shelf::elf::Elf32LE)         \
  X(::shelf::elf::Elf32BE)         \
  X(::shelf::elf::Elf64LE)         \
  X(::shelf::elf::Elf64BE)

template <typename E>
struct Ehdr {
  uint8_t e_ident[EI_NIDENT];
  typename E::Half e_type;
  typename E::Half e_machine;
  typename E::Word e_version;
  typename E::Addr e_entry;
  typename E::Addr e_phoff;
  typename E::Addr e_shoff;
  typename E::Word e_flags;
  typename E::Half e_ehsize;
  typename E::Half e_phentsize;
  typename E::Half e_phnum;
  typename E::Half e_shentsize;
  typename E::Half e_shnum;
  typename E::Half e_shstrndx;
};

// Program headers differ in field order between the classes.
template <typename E, bool Is64 = E::is64>
struct PhdrLayout;

template <typename E>
struct PhdrLayout<E, true> {
  typename E::Word p_type;
  typename E::Word p_flags;
  typename E::Addr p_offset;
  typename E::Addr p_vaddr;
  typename E::Addr p_paddr;
  typename E::Addr p_filesz;
  typename E::Addr p_memsz;
  typename E::Addr p_align;
};

template <typename E>
struct PhdrLayout<E, false> {
  typename E::Word p_type;
  typename E::Addr p_offset;
  typename E::Addr p_vaddr;
  typename E::Addr p_paddr;
  typename E::Addr p_filesz;
  typename E::Addr p_memsz;
  typename E::Word p_flags;
  typename E::Addr p_align;
};

template <typename E>
using Phdr = PhdrLayout<E>;

template <typename E>
struct Shdr {
  typename E::Word sh_name;
  typename E::Word sh_type;
  typename E::Addr sh_flags;
  typename E::Addr sh_addr;
  typename E::Addr sh_offset;
  typename E::Addr sh_size;
  typename E::Word sh_link;
  typename E::Word sh_info;
  typename E::Addr sh_addralign;
  typename E::Addr sh_entsize;
};

template <typename E>
struct Dyn {
  typename E::Addr d_tag;  // signed in the spec; tags we use are positive
  typename E::Addr d_val;
};

template <typename E, bool Is64 = E::is64>
struct SymLayout;

template <typename E>
struct SymLayout<E, true> {
  typename E::Word st_name;
  uint8_t st_info;
  uint8_t st_other;
  typename E::Half st_shndx;
  typename E::Addr st_value;
  typename E::Addr st_size;
};

template <typename E>
struct SymLayout<E, false> {
  typename E::Word st_name;
  typename E::Addr st_value;
  typename E::Addr st_size;
  uint8_t st_info;
  uint8_t st_other;
  typename E::Half st_shndx;
};

template <typename E>
using Sym = SymLayout<E>;

template <typename E>
struct Verneed {
  typename E::Half vn_version;
  typename E::Half vn_cnt;
  typename E::Word vn_file;
  typename E::Word vn_aux;
  typename E::Word vn_next;
};

template <typename E>
struct Vernaux {
  typename E::Word vna_hash;
  typename E::Half vna_flags;
  typename E::Half vna_other;
  typename E::Word vna_name;
  typename E::Word vna_next;
};

template <typename E>
struct Verdef {
  typename E::Half vd_version;
  typename E::Half vd_flags;
  typename E::Half vd_ndx;
  typename E::Half vd_cnt;
  typename E::Word vd_hash;
  typename E::Word vd_aux;
  typename E::Word vd_next;
};

template <typename E>
struct Verdaux {
  typename E::Word vda_name;
  typename E::Word vda_next;
};

static_assert(sizeof(Ehdr<Elf32LE>) == 52 && sizeof(Ehdr<Elf64BE>) == 64);
static_assert(sizeof(Phdr<Elf32BE>) == 32 && sizeof(Phdr<Elf64LE>) == 56);
static_assert(sizeof(Shdr<Elf32LE>) == 40 && sizeof(Shdr<Elf64LE>) == 64);
static_assert(sizeof(Dyn<Elf32LE>) == 8 && sizeof(Dyn<Elf64LE>) == 16);
static_assert(sizeof(Sym<Elf32LE>) == 16 && sizeof(Sym<Elf64LE>) == 24);
static_assert(sizeof(Verneed<Elf64LE>) == 16 && sizeof(Vernaux<Elf32BE>) == 16);
static_assert(sizeof(Verdef<Elf64LE>) == 20 && sizeof(Verdaux<Elf64LE>) == 8);

}  // namespace shelf::elf
