#include "elf/names.h"

#include <elf.h>

#include <array>
#include <utility>

#include "elf/error.h"

namespace shelf::elf {

std::string machine_name(uint16_t m) {
  switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_PPC: return "ppc";
    case EM_PPC64: return "ppc64";
    case EM_S390: return "s390";
    case EM_RISCV: return "riscv";
    case EM_MIPS: return "mips";
    case EM_SPARC: return "sparc";
    case EM_SPARCV9: return "sparc64";
    case EM_IA_64: return "ia64";
    case EM_LOONGARCH: return "loongarch";
    case EM_68K: return "m68k";
    case EM_SH: return "sh";
    case EM_ALPHA: return "alpha";
    case EM_PARISC: return "hppa";
    case EM_NONE: return "none";
    default: return "EM_" + std::to_string(m);
  }
}

namespace {
// patchelf's spellings, so --print-os-abi output matches it.
constexpr std::array<std::pair<uint8_t, const char*>, 12> kOsAbi{{
    {ELFOSABI_SYSV, "System V"},
    {ELFOSABI_HPUX, "HP-UX"},
    {ELFOSABI_NETBSD, "NetBSD"},
    {ELFOSABI_LINUX, "Linux"},
    {ELFOSABI_SOLARIS, "Solaris"},
    {ELFOSABI_AIX, "AIX"},
    {ELFOSABI_IRIX, "IRIX"},
    {ELFOSABI_FREEBSD, "FreeBSD"},
    {ELFOSABI_TRU64, "Tru64"},
    {ELFOSABI_OPENBSD, "OpenBSD"},
    {ELFOSABI_ARM, "ARM"},
    {ELFOSABI_STANDALONE, "Standalone"},
}};
}  // namespace

std::string os_abi_name(uint8_t abi) {
  for (auto& [v, n] : kOsAbi)
    if (v == abi) return n;
  if (abi == 5) return "GNU Hurd";  // historical value, no <elf.h> name
  return hex(abi);  // values without a name print as numbers, e.g. 0x61
}

std::optional<uint8_t> os_abi_from_name(const std::string& name) {
  for (auto& [v, n] : kOsAbi)
    if (name == n) return v;
  if (name == "GNU Hurd") return 5;
  return std::nullopt;
}

std::string type_name(uint16_t t) {
  switch (t) {
    case ET_NONE: return "NONE";
    case ET_REL: return "REL";
    case ET_EXEC: return "EXEC";
    case ET_DYN: return "DYN";
    case ET_CORE: return "CORE";
    default: return "ET_" + std::to_string(t);
  }
}

std::string dynamic_tag_name(uint64_t tag) {
  switch (tag) {
    case DT_NEEDED: return "DT_NEEDED";
    case DT_SONAME: return "DT_SONAME";
    case DT_RPATH: return "DT_RPATH";
    case DT_RUNPATH: return "DT_RUNPATH";
    case DT_STRTAB: return "DT_STRTAB";
    case DT_STRSZ: return "DT_STRSZ";
    case DT_FLAGS: return "DT_FLAGS";
    case DT_FLAGS_1: return "DT_FLAGS_1";
    case DT_VERNEED: return "DT_VERNEED";
    case DT_VERDEF: return "DT_VERDEF";
    default: return "tag " + std::to_string(tag);
  }
}

}  // namespace shelf::elf
