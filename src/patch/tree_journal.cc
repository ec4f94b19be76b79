#include "patch/tree_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.h"

namespace shelf::patch {

TreeJournal::~TreeJournal() {
  if (!done_) rollback();
}

void TreeJournal::written_in_place(base::UniqueFd fd, uint64_t old_size, std::vector<ByteRun> runs,
                                   std::vector<std::vector<uint8_t>> saved, const std::string& name) {
  Entry e;
  e.in_place = true;
  e.fd = std::move(fd);
  e.old_size = old_size;
  e.runs = std::move(runs);
  e.saved = std::move(saved);
  e.display = name;
  std::lock_guard<std::mutex> hold(lock_);
  entries_.push_back(std::move(e));
}

void TreeJournal::keep_old_inode(int dir, const std::string& name, const std::string& display) {
  Entry e;
  e.fd.reset(fcntl(dir, F_DUPFD_CLOEXEC, 0));
  if (!e.fd) throw base::system_error(display, "cannot keep its directory open to undo its edit", errno);
  e.name = name;
  e.display = display;
  for (int attempt = 0;; ++attempt) {
    e.backup = "." + name + ".shelf-orig-" + std::to_string(getpid()) + "-" + std::to_string(attempt);
    if (linkat(dir, name.c_str(), dir, e.backup.c_str(), 0) == 0) break;
    if (errno != EEXIST || attempt > 100)
      throw base::system_error(display, "cannot keep the original to undo its edit", errno);
  }
  std::lock_guard<std::mutex> hold(lock_);
  entries_.push_back(std::move(e));
}

void TreeJournal::commit() {
  std::lock_guard<std::mutex> hold(lock_);
  for (Entry& e : entries_)
    if (!e.in_place) unlinkat(e.fd.get(), e.backup.c_str(), 0);
  entries_.clear();
  done_ = true;
}

std::vector<std::string> TreeJournal::rollback() {
  std::lock_guard<std::mutex> hold(lock_);
  std::vector<std::string> failed;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    Entry& e = *it;
    bool ok = true;
    if (e.in_place) {
      for (size_t i = 0; i < e.runs.size(); ++i) {
        const std::vector<uint8_t>& bytes = e.saved[i];
        ok &= pwrite(e.fd.get(), bytes.data(), bytes.size(), static_cast<off_t>(e.runs[i].offset)) ==
              static_cast<ssize_t>(bytes.size());
      }
      ok &= ftruncate(e.fd.get(), static_cast<off_t>(e.old_size)) == 0;
    } else {
      ok = renameat(e.fd.get(), e.backup.c_str(), e.fd.get(), e.name.c_str()) == 0;
    }
    if (!ok) failed.push_back(e.display);
  }
  entries_.clear();
  done_ = true;
  return failed;
}

}  // namespace shelf::patch
