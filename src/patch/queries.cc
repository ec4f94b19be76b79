#include "patch/queries.h"

#include "elf/identify.h"
#include "patch/os_abi.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

template <typename E>
void require_dynamic(const ElfFile<E>& f) {
  if (!f.has_dynamic()) f.fail("has no dynamic section (statically linked)");
}

template <typename E>
void answer(const ElfFile<E>& f, const PrintRequest& r, std::string& out) {
  if (r.interpreter) {
    std::optional<std::string_view> interp = f.interpreter();
    if (!interp) f.fail("has no PT_INTERP (statically linked or a library)");
    out.append(*interp).append("\n");
  }
  if (r.os_abi) out.append(os_abi_print_name(f.header().e_ident[EI_OSABI])).append("\n");
  // patchelf answers SONAME only for libraries and prints nothing when absent.
  if (r.soname && f.header().e_type == ET_DYN) {
    require_dynamic(f);
    if (std::optional<uint64_t> off = f.dynamic_value(DT_SONAME)) {
      std::string_view soname = f.dynamic_string(*off, "DT_SONAME");
      if (!soname.empty()) out.append(soname).append("\n");
    }
  }
  if (r.rpath) {
    require_dynamic(f);
    // DT_RUNPATH wins over DT_RPATH, as for the loader; the last entry counts.
    std::string_view path;
    bool has_runpath = false;
    for (const DynEntry& d : f.dynamic_entries()) {
      if (d.tag == DT_RUNPATH) {
        path = f.dynamic_string(d.value, "DT_RUNPATH");
        has_runpath = true;
      } else if (d.tag == DT_RPATH && !has_runpath) {
        path = f.dynamic_string(d.value, "DT_RPATH");
      }
    }
    out.append(path).append("\n");
  }
  if (r.execstack) {
    char state = '?';
    if (const Phdr<E>* p = f.find_segment(PT_GNU_STACK)) state = (p->p_flags & PF_X) ? 'X' : '-';
    out.append("execstack: ").push_back(state);
    out.append("\n");
  }
  if (r.needed) {
    require_dynamic(f);
    for (uint64_t off : f.dynamic_values(DT_NEEDED)) out.append(f.dynamic_string(off, "DT_NEEDED")).append("\n");
  }
}

}  // namespace

void print_answers(const std::string& name, std::span<const uint8_t> bytes, const PrintRequest& request,
                   std::string& out) {
  elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& file) { answer(file, request, out); });
}

}  // namespace shelf::patch
