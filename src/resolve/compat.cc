#include "resolve/compat.h"

#include <elf.h>

#include "elf/names.h"
#include "resolve/ld_so_cache.h"

namespace shelf::resolve {

namespace {

// e_flags bits the loaders compare (not all <elf.h> versions name them).
constexpr uint32_t kArmFloatHard = 0x400;    // EF_ARM_ABI_FLOAT_HARD
constexpr uint32_t kArmFloatSoft = 0x200;    // EF_ARM_ABI_FLOAT_SOFT
constexpr uint32_t kArmEabiMask = 0xff000000;
constexpr uint32_t kMipsAbi2 = 0x20;         // EF_MIPS_ABI2: n32
constexpr uint32_t kMipsNan2008 = 0x400;     // EF_MIPS_NAN2008
constexpr uint32_t kRiscvFloatAbi = 0x6;     // EF_RISCV_FLOAT_ABI mask
constexpr uint32_t kRiscvFloatDouble = 0x4;

bool arm_hard_float(const inspect::Facts& f) { return (f.e_flags & kArmFloatHard) != 0; }
bool mips_n32(const inspect::Facts& f) { return f.bits == 32 && (f.e_flags & kMipsAbi2); }

std::string bits_text(int bits) { return std::to_string(bits) + "-bit"; }

}  // namespace

std::optional<Incompatibility> incompatibility(const inspect::Facts& want,
                                               const inspect::Facts& c) {
  auto skip = [](std::string why) { return Incompatibility{std::move(why), false}; };
  auto stop = [](std::string why) { return Incompatibility{std::move(why), true}; };
  // The order of glibc's checks decides which reason wins.
  if (c.bits != want.bits)
    return skip("wrong ELF class: " + bits_text(c.bits) + ", need " + bits_text(want.bits));
  if (c.little_endian != want.little_endian)
    return stop(std::string("wrong byte order: ") + (c.little_endian ? "little" : "big") +
                "-endian");
  // System V and GNU/Linux objects only (VALID_ELF_OSABI).
  if (c.os_abi != ELFOSABI_SYSV && c.os_abi != ELFOSABI_GNU)
    return stop("ELF file OS ABI invalid: " + elf::os_abi_name(c.os_abi));
  if (c.machine != want.machine)
    return skip("wrong machine: " + elf::machine_name(c.machine) + ", need " +
                elf::machine_name(want.machine));
  if (c.machine == EM_ARM && (c.e_flags & kArmEabiMask) == EF_ARM_EABI_VER5 &&
      (c.e_flags & (kArmFloatHard | kArmFloatSoft)) != 0 &&
      (want.e_flags & (kArmFloatHard | kArmFloatSoft)) != 0 &&
      arm_hard_float(c) != arm_hard_float(want))
    return skip(std::string("wrong float ABI: ") + (arm_hard_float(c) ? "hard" : "soft") +
                "-float");
  if (c.machine == EM_MIPS) {
    if (mips_n32(c) != mips_n32(want))
      return skip(std::string("wrong MIPS ABI: ") + (mips_n32(c) ? "n32" : "o32"));
    if ((c.e_flags & kMipsNan2008) != (want.e_flags & kMipsNan2008))
      return skip("wrong MIPS NaN encoding");
  }
  if (c.machine == EM_RISCV && (c.e_flags & kRiscvFloatAbi) != (want.e_flags & kRiscvFloatAbi))
    return skip("wrong RISC-V float ABI");
  if (c.type != ET_DYN) return stop("not a shared object (e_type " + elf::type_name(c.type) + ")");
  return std::nullopt;
}

std::vector<int32_t> accepted_cache_flags(const inspect::Facts& w) {
  using namespace cache_flags;
  const int32_t libc6 = kElfLibc6;
  switch (w.machine) {
    case EM_X86_64: return {(w.bits == 64 ? kX8664Lib64 : kX8664Libx32) | libc6};
    case EM_AARCH64: return {kAarch64Lib64 | libc6};
    case EM_IA_64: return {kIa64Lib64 | libc6};
    case EM_ARM:
      // Unmarked objects are accepted by both float ABIs (arm/dl-cache.h).
      return {(arm_hard_float(w) ? kArmLibHf : kArmLibSf) | libc6, libc6};
    case EM_RISCV:
      return {((w.e_flags & kRiscvFloatAbi) == kRiscvFloatDouble ? kRiscvFloatAbiDouble
                                                                   : kRiscvFloatAbiSoft) |
              libc6};
    case EM_MIPS: {
      bool nan2008 = (w.e_flags & kMipsNan2008) != 0;
      if (w.bits == 64) return {(nan2008 ? kMips64LibN64Nan2008 : kMips64LibN64) | libc6};
      if (mips_n32(w)) return {(nan2008 ? kMips64LibN32Nan2008 : kMips64LibN32) | libc6};
      if (nan2008) return {kMipsLib32Nan2008 | libc6};
      return {kElf, libc6};
    }
    case EM_SPARCV9: return {kSparcLib64 | libc6};
    case EM_PPC64: return {kPowerpcLib64 | libc6};
    case EM_S390:
      if (w.bits == 64) return {kS390Lib64 | libc6};
      return {kElf, libc6};
    case EM_LOONGARCH:
      return {((w.e_flags & 0x7) == 0x3 ? kLarchFloatAbiDouble : kLarchFloatAbiSoft) | libc6};
    default: return {kElf, libc6};  // the generic check
  }
}

std::string multiarch_triplet(const inspect::Facts& w) {
  bool le = w.little_endian;
  switch (w.machine) {
    case EM_X86_64: return w.bits == 64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
    case EM_386: return "i386-linux-gnu";
    case EM_AARCH64: return le ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu";
    case EM_ARM: return arm_hard_float(w) ? "arm-linux-gnueabihf" : "arm-linux-gnueabi";
    case EM_PPC64: return le ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
    case EM_PPC: return "powerpc-linux-gnu";
    case EM_S390: return w.bits == 64 ? "s390x-linux-gnu" : "s390-linux-gnu";
    case EM_RISCV: return w.bits == 64 ? "riscv64-linux-gnu" : "riscv32-linux-gnu";
    case EM_MIPS:
      if (w.bits == 64) return le ? "mips64el-linux-gnuabi64" : "mips64-linux-gnuabi64";
      if (mips_n32(w)) return le ? "mips64el-linux-gnuabin32" : "mips64-linux-gnuabin32";
      return le ? "mipsel-linux-gnu" : "mips-linux-gnu";
    case EM_SPARCV9: return "sparc64-linux-gnu";
    case EM_LOONGARCH: return "loongarch64-linux-gnu";
    case EM_ALPHA: return "alpha-linux-gnu";
    case EM_68K: return "m68k-linux-gnu";
    case EM_SH: return "sh4-linux-gnu";
    case EM_PARISC: return "hppa-linux-gnu";
    case EM_IA_64: return "ia64-linux-gnu";
    default: return "";
  }
}

std::string upstream_libdir(const inspect::Facts& w) {
  switch (w.machine) {
    case EM_X86_64: return w.bits == 64 ? "lib64" : "libx32";
    case EM_RISCV: return w.bits == 64 ? "lib64/lp64d" : "lib32/ilp32d";
    case EM_MIPS: return w.bits == 64 ? "lib64" : (mips_n32(w) ? "lib32" : "lib");
    case EM_AARCH64:
    case EM_PPC64:
    case EM_SPARCV9:
    case EM_LOONGARCH:
      return "lib64";
    case EM_S390: return w.bits == 64 ? "lib64" : "lib";
    default: return "lib";
  }
}

std::optional<std::string> platform_name(const inspect::Facts& w) {
  switch (w.machine) {
    case EM_X86_64: return "x86_64";
    case EM_386: return "i686";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "v7l";
    case EM_PPC64: return "power8";
    case EM_S390: return "z13";
    case EM_MIPS: return w.bits == 64 ? "mips64" : "mips";
    case EM_SPARCV9: return "sparc64";
    default: return std::nullopt;  // RISC-V and others pass no AT_PLATFORM
  }
}

std::optional<std::string> standard_interpreter(const inspect::Facts& w) {
  bool le = w.little_endian;
  switch (w.machine) {
    case EM_X86_64: return w.bits == 64 ? "/lib64/ld-linux-x86-64.so.2" : "/libx32/ld-linux-x32.so.2";
    case EM_386: return "/lib/ld-linux.so.2";
    case EM_AARCH64: return le ? "/lib/ld-linux-aarch64.so.1" : "/lib/ld-linux-aarch64_be.so.1";
    case EM_ARM: return arm_hard_float(w) ? "/lib/ld-linux-armhf.so.3" : "/lib/ld-linux.so.3";
    case EM_PPC64: return le ? "/lib64/ld64.so.2" : "/lib64/ld64.so.1";
    case EM_PPC: return "/lib/ld.so.1";
    case EM_S390: return w.bits == 64 ? "/lib/ld64.so.1" : "/lib/ld.so.1";
    case EM_RISCV:
      if (w.bits == 64) return "/lib/ld-linux-riscv64-lp64d.so.1";
      return std::nullopt;
    case EM_MIPS: return w.bits == 64 ? "/lib64/ld.so.1" : (mips_n32(w) ? "/lib32/ld.so.1" : "/lib/ld.so.1");
    case EM_SPARCV9: return "/lib64/ld-linux.so.2";
    case EM_LOONGARCH: return "/lib64/ld-linux-loongarch-lp64d.so.1";
    default: return std::nullopt;
  }
}

}  // namespace shelf::resolve
