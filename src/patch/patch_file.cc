#include "patch/patch.h"

#include <fcntl.h>

#include <vector>

#include "elf/identify.h"
#include "elf/names.h"
#include "elf/string_budget.h"
#include "patch/image.h"
#include "patch/in_place.h"
#include "patch/input_checks.h"
#include "patch/result_checks.h"
#include "patch/relayout.h"
#include "patch/resolution_cache.h"

namespace shelf::patch {

using namespace shelf::elf;

void verify_image(const std::string& name, std::span<const uint8_t> bytes) {
  elf::visit(name, bytes, [&]<typename E>(const ElfFile<E>& f) {
    (void)f.interpreter();
    elf::StringBudget<E> budget(f);
    for (const DynEntry& d : f.dynamic_entries())
      if (elf::is_string_tag(d.tag)) budget.take(f.dynamic_string(d.value, "dynamic entry"), elf::string_tag_name(d.tag));
    (void)f.version_needs();
    (void)f.version_defs();
  });
}

namespace {

// Plans and applies the edits to the image; the result is still in memory.
PatchOutcome edit(Image& image, const EditPlan& plan, std::vector<ByteRun>& changed) {
  check_input(image.path(), image.original());
  PatchOutcome outcome;
  outcome.size_before = image.input_size();
  Growth growth = edit_in_place(image, plan);
  if (!growth.empty()) relayout(image, std::move(growth), plan.page_size);
  outcome.warnings = update_resolution_cache(image, plan);
  changed = image.differing_runs();
  outcome.size_after = image.size();
  for (const ByteRun& r : changed) outcome.bytes_changed += r.size;
  return outcome;
}

// The writer's last check: the result parses as every reader parses it and
// shows every edit of the plan (result_checks.h).
ResultCheck result_check(const EditPlan& plan) {
  return [&plan](const std::string& name, std::span<const uint8_t> bytes) {
    verify_image(name, bytes);
    check_edits(name, bytes, plan);
  };
}

}  // namespace

PatchOutcome patch_in_tree(const base::Tree& tree, const std::string& rel, const EditPlan& plan,
                           const TreeWrite& how) {
  std::string resolved = tree.resolve(rel, true);
  base::UniqueFd fd = tree.open_resolved(resolved, O_RDONLY | O_NONBLOCK);
  Image image(fd.release(), tree.display(rel));
  std::vector<ByteRun> changed;
  PatchOutcome outcome = edit(image, plan, changed);
  if (changed.empty() && image.size() == image.input_size()) return outcome;
  outcome.new_inode = write_in_tree(tree, resolved, image, changed, result_check(plan), how);
  outcome.written = true;
  return outcome;
}

PatchOutcome patch_file(const std::string& path, const EditPlan& plan, const PatchOptions& options) {
  Image image(path);
  std::vector<ByteRun> changed;
  PatchOutcome outcome = edit(image, plan, changed);
  bool unchanged = changed.empty() && image.size() == image.input_size();
  if (unchanged && !options.output) return outcome;
  write_atomically(options.output.value_or(path), image, changed, options.write, result_check(plan));
  outcome.written = true;
  return outcome;
}

}  // namespace shelf::patch
