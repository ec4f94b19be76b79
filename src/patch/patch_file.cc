#include "patch/patch.h"

#include <fcntl.h>

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

namespace {

// Plans and applies the edits to the image; the result is still in memory.
PatchOutcome edit(Image& image, const EditPlan& plan, std::vector<ByteRun>& changed) {
  PatchOutcome outcome;
  outcome.size_before = image.input_size();
  Growth growth = edit_in_place(image, plan);
  if (!growth.empty()) relayout(image, growth, plan.page_size);
  changed = image.differing_runs();
  outcome.size_after = image.size();
  for (const ByteRun& r : changed) outcome.bytes_changed += r.size;
  return outcome;
}

}  // namespace

PatchOutcome patch_in_tree(const base::Tree& tree, const std::string& rel, const EditPlan& plan,
                           unsigned links_in_tree) {
  std::string resolved = tree.resolve(rel, true);
  base::UniqueFd fd = tree.open_resolved(resolved, O_RDONLY | O_NONBLOCK);
  Image image(fd.release(), tree.display(rel));
  std::vector<ByteRun> changed;
  PatchOutcome outcome = edit(image, plan, changed);
  if (changed.empty() && image.size() == image.input_size()) return outcome;
  outcome.new_inode = write_in_tree(tree, resolved, image, changed, verify_image, links_in_tree);
  outcome.written = true;
  return outcome;
}

PatchOutcome patch_file(const std::string& path, const EditPlan& plan, const PatchOptions& options) {
  Image image(path);
  std::vector<ByteRun> changed;
  PatchOutcome outcome = edit(image, plan, changed);
  bool unchanged = changed.empty() && image.size() == image.input_size();
  if (unchanged && !options.output) return outcome;
  write_atomically(options.output.value_or(path), image, changed, options.write, verify_image);
  outcome.written = true;
  return outcome;
}

}  // namespace shelf::patch
