// The patch module's entry points: print what patchelf prints, and apply an
// EditPlan to a file with safe output. See edit_plan.h for the edits and
// docs/ARCHITECTURE.md ("Files shelf writes") for how they are written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/tree.h"
#include "elf/error.h"
#include "patch/atomic_write.h"
#include "patch/edit_plan.h"
#include "patch/queries.h"

namespace shelf::patch {

struct PatchOptions {
  std::optional<std::string> output;  // write here instead of over the input
  OutputOptions write;
};

struct PatchOutcome {
  bool written = false;        // false: the plan changed nothing, no file was touched
  bool new_inode = false;      // written as a new file renamed over the old one (patch_in_tree)
  uint64_t bytes_changed = 0;  // bytes rewritten inside the input's length (whole differing words)
  uint64_t size_before = 0;
  uint64_t size_after = 0;
  // Edits that did nothing, and why (patchelf's texts, without its
  // "warning: " prefix): --build-resolution-cache on a static file...
  std::vector<std::string> warnings;
};

// An error patchelf reports in these exact words (`patchelf: TEXT`): the
// patchelf front end prints reason() alone; shelf patch as any other.
class PatchelfWordedError : public elf::Error {
 public:
  using elf::Error::Error;
};

// Reads `path`, applies `plan`, checks the result and writes it (to
// options.output if set; with --output the file is always written, as
// patchelf does). Throws elf::Error naming the file; on any error nothing
// has been written.
PatchOutcome patch_file(const std::string& path, const EditPlan& plan, const PatchOptions& options);

// The same for the file `rel` of a tree the caller owns (a build output, a
// directory given to autopatch): links inside the tree are followed, never
// out of it (base/tree.h), and the file is written as write_in_tree says.
// `how` says how the file is written (write_in_tree in atomic_write.h).
PatchOutcome patch_in_tree(const base::Tree& tree, const std::string& rel, const EditPlan& plan,
                           const TreeWrite& how = {});

// Parses a result again the way every later reader will: headers, dynamic
// table, interpreter, every dynamic string, version records. It reads those
// tables only, never every page of a large file. Throws elf::Error (naming
// `name`) on the first problem.
void verify_image(const std::string& name, std::span<const uint8_t> bytes);


}  // namespace shelf::patch
