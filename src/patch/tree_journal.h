// All or nothing for a whole tree. autopatch writes the changed bytes of many
// files in place (the tree is the caller's: no copies); if any file fails,
// every file already written must be as it was. The journal keeps, until the
// end, the original bytes of every region written in place (and each file's
// old size), and for a file that got a new inode instead (linked from
// outside the tree, running, or --copy) a hidden extra name for the old
// inode. commit() drops what was kept; rollback() puts every file back, in
// the reverse order of the writes.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "base/fd.h"
#include "patch/image.h"

namespace shelf::patch {

class TreeJournal {
 public:
  TreeJournal() = default;
  ~TreeJournal();  // rolls back unless committed
  TreeJournal(const TreeJournal&) = delete;
  TreeJournal& operator=(const TreeJournal&) = delete;

  // `fd` (a descriptor of the file, kept) was written in place: `runs` of
  // it held `saved`, and it was `old_size` bytes long.
  void written_in_place(base::UniqueFd fd, uint64_t old_size, std::vector<ByteRun> runs,
                        std::vector<std::vector<uint8_t>> saved, const std::string& name);
  // Before an entry `name` of directory `dir` is replaced by a new file:
  // gives the inode it names now a hidden name beside it, to return to.
  void keep_old_inode(int dir, const std::string& name, const std::string& display);

  void commit();
  // Best effort: every file is restored that can be; returns the names of
  // those that could not.
  std::vector<std::string> rollback();

 private:
  struct Entry {
    bool in_place = false;
    base::UniqueFd fd;  // the file (in place) or its directory (replaced)
    uint64_t old_size = 0;
    std::vector<ByteRun> runs;
    std::vector<std::vector<uint8_t>> saved;
    std::string name, backup, display;
  };
  std::mutex lock_;
  std::vector<Entry> entries_;
  bool done_ = false;
};

}  // namespace shelf::patch
