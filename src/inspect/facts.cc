#include "inspect/facts.h"

#include <elf.h>

#include "elf/identify.h"
#include "elf/string_budget.h"
#include "elf/mapped_file.h"

namespace shelf::inspect {

namespace {

void append_path(std::optional<std::string>& slot, std::string_view value) {
  if (slot)
    *slot += ":" + std::string(value);
  else
    slot = std::string(value);
}

// Copies strings out of the mapping into Facts, within the budget every
// reader of dynamic strings shares (elf/string_budget.h).
template <typename E>
class StringCopier {
 public:
  explicit StringCopier(const elf::ElfFile<E>& file) : budget_(file) {}
  std::string operator()(std::string_view s, const char* what) { return std::string(budget_.take(s, what)); }

 private:
  elf::StringBudget<E> budget_;
};

template <typename E>
Facts collect(const elf::ElfFile<E>& f) {
  const auto& h = f.header();
  Facts x;
  x.bits = E::bits;
  x.little_endian = E::is_le;
  x.machine = h.e_machine;
  x.e_flags = h.e_flags;
  x.type = h.e_type;
  x.os_abi = h.e_ident[EI_OSABI];
  x.abi_version = h.e_ident[EI_ABIVERSION];
  if (auto interp = f.interpreter()) x.interpreter = std::string(*interp);
  x.has_dynamic = f.has_dynamic();

  StringCopier<E> copy(f);
  auto dynamic_string = [&](uint64_t offset, const char* tag) {
    return copy(f.dynamic_string(offset, tag), tag);
  };
  for (const elf::DynEntry& d : f.dynamic_entries()) {
    switch (d.tag) {
      case DT_NEEDED: x.needed.push_back(dynamic_string(d.value, "DT_NEEDED")); break;
      case DT_SONAME: x.soname = dynamic_string(d.value, "DT_SONAME"); break;
      case DT_RPATH: append_path(x.rpath, dynamic_string(d.value, "DT_RPATH")); break;
      case DT_RUNPATH: append_path(x.runpath, dynamic_string(d.value, "DT_RUNPATH")); break;
      case DT_FLAGS: x.dt_flags = d.value; break;
      case DT_FLAGS_1: x.dt_flags_1 = d.value; break;
      default: break;
    }
  }
  for (const elf::VersionNeed& n : f.version_needs()) {
    std::vector<std::string> versions;
    for (const auto& v : n.versions) versions.push_back(copy(v.name, "DT_VERNEED"));
    x.version_needs.emplace_back(copy(n.file, "DT_VERNEED"), std::move(versions));
  }
  for (const elf::VersionDef& d : f.version_defs())
    if (!(d.flags & VER_FLG_BASE)) x.version_defs.push_back(copy(d.name, "DT_VERDEF"));

  if (!f.segments().empty()) {
    // Without PT_GNU_STACK the kernel and loader assume an executable stack.
    const auto* stack = f.find_segment(PT_GNU_STACK);
    x.execstack = stack ? (stack->p_flags & PF_X) != 0 : true;
  }
  bool has_interp = x.interpreter.has_value();
  bool flagged_pie = (x.dt_flags_1 & DF_1_PIE) != 0;
  x.pie = x.type == ET_DYN && (has_interp || flagged_pie);
  // Static: an executable the kernel runs without a loader and that names no
  // libraries (static-pie included).
  x.is_static = !has_interp && x.needed.empty() &&
                (x.type == ET_EXEC || (x.type == ET_DYN && flagged_pie));
  return x;
}

}  // namespace

bool Facts::nodeflib() const { return (dt_flags_1 & DF_1_NODEFLIB) != 0; }

Facts facts_from_bytes(const std::string& name, const uint8_t* data, uint64_t size) {
  Facts x = elf::visit(name, std::span<const uint8_t>(data, size),
                       [](const auto& file) { return collect(file); });
  x.path = name;
  return x;
}

Facts read_facts(const std::string& path) {
  elf::MappedFile map(path);
  return facts_from_bytes(path, map.bytes().data(), map.size());
}

}  // namespace shelf::inspect
