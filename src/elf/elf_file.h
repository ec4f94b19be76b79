// ElfFile<E>: a non-owning, validated view over the bytes of one ELF file.
//
// The constructor checks the header, the program header table, the section
// header table and the dynamic table against the file size; after that every
// accessor either returns data inside the file or throws elf::Error with the
// file name and the offending offset. Nothing reads past the buffer.
//
// Dynamic data is found through PT_DYNAMIC and the PT_LOAD mapping, as the
// loader finds it, so files without section headers (sstrip) read the same.
// A file with a .dynamic section but no PT_DYNAMIC (a library linked with a
// linker script whose PHDRS leave it out) is read through that section, as
// patchelf reads it, instead of being taken for a static file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "elf/error.h"
#include "elf/records.h"

namespace shelf::elf {

struct DynEntry {
  uint64_t tag;
  uint64_t value;
};

// One DT_VERNEED record: a library and the versions required from it.
struct VersionNeed {
  struct Version {
    std::string_view name;
    uint32_t hash;
    uint16_t flags;  // VER_FLG_WEAK marks optional versions
    uint16_t index;  // vna_other: the index used in .gnu.version
  };
  std::string_view file;
  std::vector<Version> versions;
};

// One DT_VERDEF record. The VER_FLG_BASE record names the object itself.
struct VersionDef {
  std::string_view name;
  uint16_t flags;
  uint16_t index;
  std::vector<std::string_view> parents;
};

template <typename E>
class ElfFile {
 public:
  using Type = E;  // the class and byte order, for generic callers

  ElfFile(std::string name, std::span<const uint8_t> bytes);

  const std::string& name() const { return name_; }
  std::span<const uint8_t> bytes() const { return bytes_; }
  const Ehdr<E>& header() const { return *ehdr_; }
  std::span<const Phdr<E>> segments() const { return phdrs_; }
  std::span<const Shdr<E>> sections() const { return shdrs_; }
  // Index of the section name table (e_shstrndx, or sh_link of section 0
  // for SHN_XINDEX); 0 when there is none.
  uint64_t section_name_index() const;
  // Index of the first section named `name`, if any.
  std::optional<size_t> find_section(std::string_view name) const;

  // Checked access to the file's bytes.
  template <typename T>
  const T& at(uint64_t offset, const char* what) const {
    return array_at<T>(offset, 1, what)[0];
  }
  template <typename T>
  std::span<const T> array_at(uint64_t offset, uint64_t count, const char* what) const {
    static_assert(alignof(T) == 1, "records are overlaid on unaligned bytes");
    uint64_t size = bytes_.size();
    if (count > UINT64_MAX / sizeof(T) || offset > size || count * sizeof(T) > size - offset)
      fail(std::string(what) + " extends past the end of the file (" + std::to_string(count) +
               " × " + std::to_string(sizeof(T)) + " bytes, file size " + hex(size) + ")",
           offset);
    return {reinterpret_cast<const T*>(bytes_.data() + offset), static_cast<size_t>(count)};
  }
  // A NUL-terminated string starting at `offset` that must end before `end`.
  std::string_view cstring(uint64_t offset, uint64_t end, const char* what) const;

  // File offset of `size` bytes at virtual address `vaddr`, if a PT_LOAD
  // segment maps them from the file.
  std::optional<uint64_t> file_offset(uint64_t vaddr, uint64_t size = 1) const;

  [[noreturn]] void fail(const std::string& reason, std::optional<uint64_t> offset = {}) const;

  // PT_INTERP contents without the trailing NUL.
  std::optional<std::string_view> interpreter() const;
  const Phdr<E>* find_segment(uint32_t type) const;

  // The dynamic table up to (excluding) DT_NULL; empty for static files.
  bool has_dynamic() const { return dynamic_offset_.has_value(); }
  std::optional<uint64_t> dynamic_offset() const { return dynamic_offset_; }
  const std::vector<DynEntry>& dynamic_entries() const { return dyn_; }
  // Number of entry slots PT_DYNAMIC has room for (DT_NULL padding included).
  uint64_t dynamic_slots() const { return dynamic_slots_; }
  // Address of the dynamic table (PT_DYNAMIC's, or the .dynamic section's
  // when there is no PT_DYNAMIC); 0 for static files.
  uint64_t dynamic_vaddr() const { return dynamic_vaddr_; }
  // True when the table was found through the section header only.
  bool dynamic_from_section() const { return dynamic_from_section_; }
  std::optional<uint64_t> dynamic_value(uint64_t tag) const;
  std::vector<uint64_t> dynamic_values(uint64_t tag) const;

  // The dynamic string table (DT_STRTAB/DT_STRSZ) as file offsets.
  std::optional<uint64_t> dynstr_offset() const { return strtab_off_; }
  uint64_t dynstr_size() const { return strtab_size_; }
  // A string at offset `off` in the dynamic string table; `tag` names the
  // referring field in errors ("DT_NEEDED").
  std::string_view dynamic_string(uint64_t off, const char* tag) const;

  std::vector<VersionNeed> version_needs() const;
  std::vector<VersionDef> version_defs() const;

  // Section helpers (empty/none when the file has no section headers).
  std::string_view section_name(const Shdr<E>& shdr) const;

 private:
  void read_header();
  void read_segments();
  void read_sections();
  void read_dynamic();
  const Shdr<E>* dynamic_section() const;

  std::string name_;
  std::span<const uint8_t> bytes_;
  const Ehdr<E>* ehdr_ = nullptr;
  std::span<const Phdr<E>> phdrs_;
  std::span<const Shdr<E>> shdrs_;
  std::optional<uint64_t> dynamic_offset_;
  uint64_t dynamic_slots_ = 0;
  uint64_t dynamic_vaddr_ = 0;
  bool dynamic_from_section_ = false;
  std::vector<DynEntry> dyn_;
  std::optional<uint64_t> strtab_off_;
  uint64_t strtab_size_ = 0;
};

}  // namespace shelf::elf
