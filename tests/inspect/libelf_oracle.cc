#include "libelf_oracle.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace shelf::test {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": libelf: " + what + ": " + elf_errmsg(-1));
}

// Owns the descriptor and the Elf handle.
class ElfHandle {
 public:
  explicit ElfHandle(const std::string& path) : path_(path) {
    if (elf_version(EV_CURRENT) == EV_NONE) fail(path, "elf_version");
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot open");
    elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
    if (!elf_) fail(path, "elf_begin");
  }
  ~ElfHandle() {
    elf_end(elf_);
    close(fd_);
  }
  ElfHandle(const ElfHandle&) = delete;
  ElfHandle& operator=(const ElfHandle&) = delete;
  Elf* get() const { return elf_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

std::vector<GElf_Phdr> program_headers(const ElfHandle& h) {
  size_t n = 0;
  if (elf_getphdrnum(h.get(), &n) != 0) fail(h.path(), "elf_getphdrnum");
  std::vector<GElf_Phdr> out(n);
  for (size_t i = 0; i < n; ++i)
    if (!gelf_getphdr(h.get(), static_cast<int>(i), &out[i])) fail(h.path(), "gelf_getphdr");
  return out;
}

// File offset and the bytes left in its PT_LOAD for a virtual address.
std::optional<std::pair<uint64_t, uint64_t>> map_vaddr(const std::vector<GElf_Phdr>& phdrs, uint64_t vaddr) {
  for (const GElf_Phdr& p : phdrs)
    if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr - p.p_vaddr < p.p_filesz)
      return std::make_pair(p.p_offset + (vaddr - p.p_vaddr), p.p_filesz - (vaddr - p.p_vaddr));
  return std::nullopt;
}

// A chunk of the file converted to host records of `type` by libelf.
Elf_Data* chunk(const ElfHandle& h, uint64_t offset, uint64_t size, Elf_Type type) {
  Elf_Data* d = elf_getdata_rawchunk(h.get(), static_cast<int64_t>(offset), size, type);
  if (!d) fail(h.path(), "elf_getdata_rawchunk at " + std::to_string(offset));
  return d;
}

}  // namespace

OracleFacts libelf_facts(const std::string& path) {
  ElfHandle h(path);
  if (elf_kind(h.get()) != ELF_K_ELF) throw std::runtime_error(path + ": libelf: not an ELF file");
  OracleFacts x;
  GElf_Ehdr eh;
  if (!gelf_getehdr(h.get(), &eh)) fail(path, "gelf_getehdr");
  x.bits = gelf_getclass(h.get()) == ELFCLASS64 ? 64 : 32;
  x.little_endian = eh.e_ident[EI_DATA] == ELFDATA2LSB;
  x.machine = eh.e_machine;
  x.type = eh.e_type;
  x.os_abi = eh.e_ident[EI_OSABI];

  std::vector<GElf_Phdr> phdrs = program_headers(h);
  std::optional<GElf_Phdr> dynamic;
  if (!phdrs.empty()) x.execstack = true;  // no PT_GNU_STACK: executable stack
  for (const GElf_Phdr& p : phdrs) {
    if (p.p_type == PT_INTERP) {
      Elf_Data* d = chunk(h, p.p_offset, p.p_filesz, ELF_T_BYTE);
      const char* s = static_cast<const char*>(d->d_buf);
      x.interpreter = std::string(s, strnlen(s, d->d_size));
    }
    if (p.p_type == PT_GNU_STACK) x.execstack = (p.p_flags & PF_X) != 0;
    if (p.p_type == PT_DYNAMIC) dynamic = p;
  }

  uint64_t flags_1 = 0;
  if (dynamic) {
    Elf_Data* dyn = chunk(h, dynamic->p_offset, dynamic->p_filesz, ELF_T_DYN);
    std::vector<GElf_Dyn> entries;
    size_t count = dynamic->p_filesz / gelf_fsize(h.get(), ELF_T_DYN, 1, EV_CURRENT);
    for (size_t i = 0; i < count; ++i) {
      GElf_Dyn d;
      if (!gelf_getdyn(dyn, static_cast<int>(i), &d)) fail(path, "gelf_getdyn");
      if (d.d_tag == DT_NULL) break;
      entries.push_back(d);
    }
    auto value = [&](int64_t tag) -> std::optional<uint64_t> {
      for (const GElf_Dyn& d : entries)
        if (d.d_tag == tag) return d.d_un.d_val;
      return std::nullopt;
    };
    const char* strtab = nullptr;
    uint64_t strsz = value(DT_STRSZ).value_or(0);
    if (auto addr = value(DT_STRTAB)) {
      auto where = map_vaddr(phdrs, *addr);
      if (!where) throw std::runtime_error(path + ": DT_STRTAB not mapped");
      strtab = static_cast<const char*>(chunk(h, where->first, strsz, ELF_T_BYTE)->d_buf);
    }
    auto str = [&](uint64_t off) {
      if (!strtab || off >= strsz) throw std::runtime_error(path + ": string offset out of range");
      return std::string(strtab + off, strnlen(strtab + off, strsz - off));
    };
    auto append = [](std::optional<std::string>& slot, const std::string& v) {
      slot = slot ? *slot + ":" + v : v;
    };
    for (const GElf_Dyn& d : entries) {
      switch (d.d_tag) {
        case DT_NEEDED: x.needed.push_back(str(d.d_un.d_val)); break;
        case DT_SONAME: x.soname = str(d.d_un.d_val); break;
        case DT_RPATH: append(x.rpath, str(d.d_un.d_val)); break;
        case DT_RUNPATH: append(x.runpath, str(d.d_un.d_val)); break;
        case DT_FLAGS_1: flags_1 = d.d_un.d_val; break;
        default: break;
      }
    }
    // Version records, converted by libelf (ELF_T_VNEED/ELF_T_VDEF walk the chain).
    if (auto addr = value(DT_VERNEED)) {
      auto where = map_vaddr(phdrs, *addr);
      if (!where) throw std::runtime_error(path + ": DT_VERNEED not mapped");
      Elf_Data* d = chunk(h, where->first, where->second, ELF_T_VNEED);
      int off = 0;
      for (uint64_t i = 0, n = value(DT_VERNEEDNUM).value_or(0); i < n; ++i) {
        GElf_Verneed vn;
        if (!gelf_getverneed(d, off, &vn)) fail(path, "gelf_getverneed");
        std::vector<std::string> versions;
        int aoff = off + static_cast<int>(vn.vn_aux);
        for (unsigned j = 0; j < vn.vn_cnt; ++j) {
          GElf_Vernaux va;
          if (!gelf_getvernaux(d, aoff, &va)) fail(path, "gelf_getvernaux");
          versions.push_back(str(va.vna_name));
          aoff += static_cast<int>(va.vna_next);
        }
        x.version_needs.emplace_back(str(vn.vn_file), versions);
        if (vn.vn_next == 0) break;
        off += static_cast<int>(vn.vn_next);
      }
    }
    if (auto addr = value(DT_VERDEF)) {
      auto where = map_vaddr(phdrs, *addr);
      if (!where) throw std::runtime_error(path + ": DT_VERDEF not mapped");
      Elf_Data* d = chunk(h, where->first, where->second, ELF_T_VDEF);
      int off = 0;
      for (uint64_t i = 0, n = value(DT_VERDEFNUM).value_or(0); i < n; ++i) {
        GElf_Verdef vd;
        if (!gelf_getverdef(d, off, &vd)) fail(path, "gelf_getverdef");
        GElf_Verdaux va;
        if (!gelf_getverdaux(d, off + static_cast<int>(vd.vd_aux), &va)) fail(path, "gelf_getverdaux");
        if (!(vd.vd_flags & VER_FLG_BASE)) x.version_defs.push_back(str(va.vda_name));
        if (vd.vd_next == 0) break;
        off += static_cast<int>(vd.vd_next);
      }
    }
  }
  // The definitions the issue gives: a PIE is an ET_DYN that is an
  // executable (has an interpreter, or DF_1_PIE); static is an executable
  // with neither an interpreter nor libraries (static-pie included).
  bool flagged_pie = (flags_1 & DF_1_PIE) != 0;
  x.pie = x.type == ET_DYN && (x.interpreter.has_value() || flagged_pie);
  x.is_static = !x.interpreter && x.needed.empty() &&
                (x.type == ET_EXEC || (x.type == ET_DYN && flagged_pie));
  return x;
}

}  // namespace shelf::test
