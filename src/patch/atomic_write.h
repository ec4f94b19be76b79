// Safe output. By default the result is written to a temporary file in the
// target's directory, parsed again and only then renamed over the target, so
// a failure at any step (full disk, read-only directory, a result that does
// not parse) leaves the original byte-identical. The bytes the edit did not
// change are copied by the kernel (copy_file_range), never through this
// process's memory.
//
// Like patchelf, cp and sed -i, the writer does not wait for the disk unless
// asked (`sync`): the rename already makes the replacement atomic for every
// reader and against a crash of this process, and ext4's default
// replace-by-rename heuristic (auto_da_alloc) writes the new data out before
// the rename commits.
// With `sync` the new file is fsync'ed before the rename (and an in-place
// edit after its writes), so the edit survives a power loss once the call
// returns. The store syncs a whole build before registering it, so its
// callers leave this off. (Waiting for a 100 MB copy to reach the disk takes
// longer than the whole edit.)
//
// With keep_inode (--in-place) on the input itself, the complete result is
// checked in memory first; then the appended bytes are written past the old
// end (a failure there truncates them away again), and only then the changed
// runs inside the file, with pwrite. A shortening edit
// writes a few hundred bytes whatever the file's size. The one window left:
// a crash (or an I/O error whose rollback also fails) between the first and
// the last of those pwrite calls leaves some runs written and others not.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/tree.h"
#include "patch/image.h"

namespace shelf::patch {

struct OutputOptions {
  // Rewrite the target file itself instead of renaming a new file over it,
  // so its inode (and every hard link to it) is kept.
  bool keep_inode = false;
  // fsync the result before returning (see above).
  bool sync = false;
};

// Checks a complete result (`name` is for errors); throws elf::Error to abort.
using ResultCheck = std::function<void(const std::string& name, std::span<const uint8_t> bytes)>;

// Writes the result held by `image` to `target` (the file a symlink names, if
// it is one), giving a new file the mode and owner of the input. `changed`
// are the runs where the result differs from the input (Image::
// differing_runs()). Throws elf::Error naming `target` on failure.
void write_atomically(const std::string& target, const Image& image, const std::vector<ByteRun>& changed,
                      const OutputOptions& options, const ResultCheck& check);

class TreeJournal;

// How write_in_tree writes a file of a tree.
struct TreeWrite {
  unsigned links_in_tree = 1;     // the tree's names for the file (hard links)
  bool copy = false;              // always a new file (--copy, or a file mapped by a running process)
  TreeJournal* journal = nullptr; // keeps what is needed to undo the write
};

// Writes the result held by `image` over the file `resolved` of `tree` (a
// path from Tree::resolve, so no link lies on the way). Its bytes are
// changed in place when every hard link to it is one of the tree's names
// for it; a file linked from outside the tree, a running program, or any
// file with `copy` gets a new file renamed over it instead, so no inode
// shared with something outside changes. Returns true in that case (the
// caller links the tree's other names to the new file).
bool write_in_tree(const base::Tree& tree, const std::string& resolved, const Image& image,
                   const std::vector<ByteRun>& changed, const ResultCheck& check, const TreeWrite& how);

}  // namespace shelf::patch
