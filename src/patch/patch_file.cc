#include "patch/patch.h"

#include <vector>

#include "elf/identify.h"
#include "elf/mapped_file.h"
#include "patch/image.h"
#include "patch/in_place.h"
#include "patch/relayout.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

bool is_string_tag(uint64_t tag) {
  return tag == DT_NEEDED || tag == DT_SONAME || tag == DT_RPATH || tag == DT_RUNPATH;
}

}  // namespace

void verify_image(const std::string& name, std::span<const uint8_t> bytes) {
  elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& f) {
    (void)f.interpreter();
    for (const DynEntry& d : f.dynamic_entries())
      if (is_string_tag(d.tag)) (void)f.dynamic_string(d.value, "dynamic entry");
    (void)f.version_needs();
    (void)f.version_defs();
  });
}

void verify_file(const std::string& path) {
  MappedFile mapped(path);
  verify_image(path, mapped.bytes());
}

PatchOutcome patch_file(const std::string& path, const EditPlan& plan, const PatchOptions& options) {
  Image image(path);
  PatchOutcome outcome;
  outcome.size_before = image.input_size();
  Growth growth = edit_in_place(image, plan);
  if (!growth.empty()) relayout(image, growth, plan.page_size);
  std::vector<ByteRun> changed = image.differing_runs();
  outcome.size_after = image.size();
  for (const ByteRun& r : changed) outcome.bytes_changed += r.size;
  bool unchanged = changed.empty() && image.size() == image.input_size();
  if (unchanged && !options.output) return outcome;
  write_atomically(options.output.value_or(path), image, changed, options.write, verify_image);
  outcome.written = true;
  return outcome;
}

}  // namespace shelf::patch
