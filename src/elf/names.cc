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
// patchelf's table (0.19) and aliases; GNU Hurd is 4 (ELFOSABI_GNU is 3, the
// same as Linux). ARM and Standalone are named by inspect only.
constexpr OsAbiName kOsAbi[] = {
    {ELFOSABI_SYSV, "System V", {"system v", "system-v", "sysv"}, true},
    {ELFOSABI_HPUX, "HP-UX", {"hp-ux"}, true},
    {ELFOSABI_NETBSD, "NetBSD", {"netbsd"}, true},
    {ELFOSABI_LINUX, "Linux", {"linux", "gnu"}, true},
    {4, "GNU Hurd", {"gnu hurd", "gnu-hurd", "hurd"}, true},
    {ELFOSABI_SOLARIS, "Solaris", {"solaris"}, true},
    {ELFOSABI_AIX, "AIX", {"aix"}, true},
    {ELFOSABI_IRIX, "IRIX", {"irix"}, true},
    {ELFOSABI_FREEBSD, "FreeBSD", {"freebsd"}, true},
    {ELFOSABI_TRU64, "Tru64", {"tru64"}, true},
    {ELFOSABI_OPENBSD, "OpenBSD", {"openbsd"}, true},
    {13, "OpenVMS", {"openvms"}, true},
    {ELFOSABI_ARM, "ARM", {}, false},
    {ELFOSABI_STANDALONE, "Standalone", {}, false},
};
}  // namespace

std::span<const OsAbiName> os_abi_names() { return kOsAbi; }

std::string os_abi_name(uint8_t abi) {
  for (const OsAbiName& n : kOsAbi)
    if (n.value == abi) return n.name;
  return hex(abi);  // values without a name print as numbers, e.g. 0x61
}

bool is_string_tag(uint64_t tag) { return string_tag_name(tag) != nullptr; }

const char* string_tag_name(uint64_t tag) {
  switch (tag) {
    case DT_NEEDED: return "DT_NEEDED";
    case DT_SONAME: return "DT_SONAME";
    case DT_RPATH: return "DT_RPATH";
    case DT_RUNPATH: return "DT_RUNPATH";
    case DT_AUXILIARY: return "DT_AUXILIARY";
    case DT_FILTER: return "DT_FILTER";
    case DT_CONFIG: return "DT_CONFIG";
    case DT_DEPAUDIT: return "DT_DEPAUDIT";
    case DT_AUDIT: return "DT_AUDIT";
    default: return nullptr;
  }
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

}  // namespace shelf::elf
