#include "patch/result_checks.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "elf/error.h"
#include "elf/identify.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

[[noreturn]] void wrong(const std::string& name, const std::string& what) {
  throw elf::Error(name, "internal: the result does not show the edit (" + what + "); the file was not changed");
}

}  // namespace

void check_edits(const std::string& name, std::span<const uint8_t> bytes, const EditPlan& plan) {
  elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& f) {
    if (plan.interpreter && f.interpreter() != std::string_view(*plan.interpreter))
      wrong(name, "interpreter '" + std::string(f.interpreter().value_or("(none)")) + "', expected '" +
                      *plan.interpreter + "'");
    if (plan.os_abi && bytes[EI_OSABI] != *plan.os_abi) wrong(name, "EI_OSABI " + std::to_string(bytes[EI_OSABI]));
    if (plan.execstack) {
      const Phdr<E>* stack = f.find_segment(PT_GNU_STACK);
      bool x = stack && (uint32_t(stack->p_flags) & PF_X);
      if (!stack || x != *plan.execstack) wrong(name, "PT_GNU_STACK's PF_X");
    }
    if (!f.has_dynamic()) return;
    std::vector<std::string> needed;
    std::vector<std::string> paths;  // every DT_RUNPATH and DT_RPATH string
    std::optional<std::string> soname;
    std::optional<uint64_t> flags_1;
    bool debug = false;
    for (const DynEntry& d : f.dynamic_entries()) {
      switch (d.tag) {
        case DT_NEEDED: needed.emplace_back(f.dynamic_string(d.value, "DT_NEEDED")); break;
        case DT_RUNPATH:
        case DT_RPATH: paths.emplace_back(f.dynamic_string(d.value, "search path")); break;
        case DT_SONAME: soname = std::string(f.dynamic_string(d.value, "DT_SONAME")); break;
        case DT_FLAGS_1: flags_1 = d.value; break;
        case DT_DEBUG: debug = true; break;
        default: break;
      }
    }
    auto is_needed = [&](const std::string& n) { return std::find(needed.begin(), needed.end(), n) != needed.end(); };
    for (const std::string& n : plan.add_needed)
      if (!is_needed(n)) wrong(name, "no DT_NEEDED " + n);
    auto added = [&](const std::string& n) {
      return std::find(plan.add_needed.begin(), plan.add_needed.end(), n) != plan.add_needed.end();
    };
    for (const std::string& n : plan.remove_needed)
      if (is_needed(n) && !added(n)) wrong(name, "DT_NEEDED " + n + " is still there");
    for (const auto& [from, to] : plan.replace_needed)
      if (from != to && is_needed(from) && !added(from))
        wrong(name, "DT_NEEDED " + from + " is still there");
    if (plan.soname && f.header().e_type == ET_DYN && soname != *plan.soname)
      wrong(name, "DT_SONAME '" + soname.value_or("") + "', expected '" + *plan.soname + "'");
    if (plan.no_default_lib && !(flags_1.value_or(0) & DF_1_NODEFLIB)) wrong(name, "no DF_1_NODEFLIB");
    if (plan.add_debug_tag && !debug) wrong(name, "no DT_DEBUG");
    // Files may carry both tags (patchelf's conversion rules then decide
    // which one holds the new text): one of them must show the edit.
    auto any = [&](auto&& pred) { return std::any_of(paths.begin(), paths.end(), pred); };
    std::string shown = paths.empty() ? "(none)" : paths.back();
    switch (plan.rpath.op) {
      case RpathEdit::Op::kSet:
        if (!any([&](const std::string& p) { return p == plan.rpath.value; }))
          wrong(name, "search path '" + shown + "', expected '" + plan.rpath.value + "'");
        break;
      case RpathEdit::Op::kAdd:
        if (!any([&](const std::string& p) { return p.ends_with(plan.rpath.value); }))
          wrong(name, "search path '" + shown + "' does not end with '" + plan.rpath.value + "'");
        break;
      case RpathEdit::Op::kRemove:
        if (!paths.empty()) wrong(name, "a search path is still there");
        break;
      case RpathEdit::Op::kKeep:
      case RpathEdit::Op::kShrink:
        break;
    }
  });
}

}  // namespace shelf::patch
