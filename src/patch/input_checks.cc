#include "patch/input_checks.h"

#include <optional>
#include <vector>

#include "elf/error.h"
#include "elf/identify.h"
#include "patch/patch.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

struct Range {
  const char* what;
  uint64_t begin, end;
};

bool overlap(const Range& a, const Range& b) { return a.begin < b.end && b.begin < a.end; }

}  // namespace

void check_input(const std::string& name, std::span<const uint8_t> bytes) {
  verify_image(name, bytes);
  elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& f) {
    uint64_t phoff = f.header().e_phoff;
    std::vector<Range> tables;
    for (size_t i = 0; i < f.segments().size(); ++i) {
      const Phdr<E>& p = f.segments()[i];
      if (p.p_type == PT_LOAD && uint64_t(p.p_filesz) > uint64_t(p.p_memsz))
        throw elf::Error(name,
                         "PT_LOAD " + std::to_string(i) + " has p_filesz " + hex(p.p_filesz) +
                             " larger than p_memsz " + hex(p.p_memsz) + " (the kernel refuses to load it)",
                         phoff + i * sizeof(Phdr<E>));
      if (p.p_type == PT_INTERP && p.p_filesz)
        tables.push_back({"PT_INTERP", p.p_offset, uint64_t(p.p_offset) + uint64_t(p.p_filesz)});
    }
    if (f.dynamic_offset())
      tables.push_back({"the dynamic table", *f.dynamic_offset(),
                        *f.dynamic_offset() + f.dynamic_slots() * sizeof(Dyn<E>)});
    if (f.dynstr_offset() && f.dynstr_size())
      tables.push_back({".dynstr", *f.dynstr_offset(), *f.dynstr_offset() + f.dynstr_size()});
    for (size_t a = 0; a < tables.size(); ++a)
      for (size_t b = a + 1; b < tables.size(); ++b)
        if (overlap(tables[a], tables[b]))
          throw elf::Error(name,
                           std::string(tables[a].what) + " overlaps " + tables[b].what +
                               "; an edit of one would overwrite the other",
                           std::max(tables[a].begin, tables[b].begin));
  });
}

}  // namespace shelf::patch
