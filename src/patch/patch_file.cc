#include "patch/patch.h"

#include <vector>

#include "elf/identify.h"
#include "elf/mapped_file.h"
#include "patch/in_place.h"
#include "patch/relayout.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

bool is_string_tag(uint64_t tag) {
  return tag == DT_NEEDED || tag == DT_SONAME || tag == DT_RPATH || tag == DT_RUNPATH;
}

}  // namespace

void verify_file(const std::string& path) {
  MappedFile mapped(path);
  elf::visit(path, mapped.bytes(), [&]<typename E>(const ElfFile<E>& f) {
    (void)f.interpreter();
    for (const DynEntry& d : f.dynamic_entries())
      if (is_string_tag(d.tag)) (void)f.dynamic_string(d.value, "dynamic entry");
    (void)f.version_needs();
    (void)f.version_defs();
  });
}

PatchOutcome patch_file(const std::string& path, const EditPlan& plan, const PatchOptions& options) {
  std::vector<uint8_t> input;
  {
    MappedFile mapped(path);
    input.assign(mapped.bytes().begin(), mapped.bytes().end());
  }
  PatchOutcome outcome;
  outcome.size_before = input.size();
  InPlaceResult result = edit_in_place(path, input, plan);
  std::vector<uint8_t> output =
      result.growth.empty() ? std::move(result.bytes)
                            : relayout(path, std::move(result.bytes), result.growth, plan.page_size);
  outcome.size_after = output.size();
  for (size_t i = 0; i < output.size() && i < input.size(); ++i) outcome.bytes_changed += output[i] != input[i];
  bool changed = output != input;
  if (!changed && !options.output) return outcome;
  write_atomically(options.output.value_or(path), output, path, options.write, verify_file);
  outcome.written = true;
  return outcome;
}

}  // namespace shelf::patch
