// Writing a plan: files are independent once the plan exists, so a pool of
// threads takes them one by one; each file is written once (patch_in_tree
// plans the interpreter and RUNPATH edits together). The whole tree is one
// unit: the changed bytes are written into the files themselves (no
// copies), and a journal keeps the original bytes until every file is
// written, so a failure puts every file back (all or nothing).
#include <sys/stat.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "autopatch/autopatch.h"
#include "base/mapped_files.h"
#include "base/tree.h"
#include "elf/error.h"
#include "patch/patch.h"
#include "patch/tree_journal.h"

namespace shelf::autopatch {

ApplyResult apply(const Plan& plan, unsigned jobs, bool copy) {
  if (!plan.ok()) throw elf::Error(plan.dir, "the tree has unresolved libraries; nothing written");
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<size_t>(jobs, std::max<size_t>(1, plan.files.size()));

  base::Tree tree(plan.dir);
  auto relative = [&](const std::string& path) {
    return std::filesystem::path(path).lexically_relative(plan.dir).string();
  };
  // A library some process has mapped gets a new file, never an edit under
  // the running process.
  std::set<base::FileKey> in_use = copy ? std::set<base::FileKey>{} : base::mapped_files();
  patch::TreeJournal journal;
  std::atomic<size_t> next{0}, written{0}, unchanged{0};
  std::mutex failure_lock;
  std::exception_ptr failure;
  auto worker = [&] {
    for (size_t i; (i = next++) < plan.files.size();) {
      {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (failure) return;  // stop taking new files after the first error
      }
      const FilePlan& file = plan.files[i];
      if (file.edits.empty()) {
        ++unchanged;
        continue;
      }
      try {
        // Beneath the tree: a link leading out of it is never followed
        // (base/tree.h). A file linked only from inside the tree keeps its
        // inode; one linked from outside becomes a new file, and the tree's
        // other names for it are linked to the new one.
        std::string rel = relative(file.path);
        struct stat st {};
        bool mapped = !copy && ::stat(file.real_path.c_str(), &st) == 0 && in_use.count({st.st_dev, st.st_ino});
        patch::TreeWrite how{static_cast<unsigned>(1 + file.hard_links.size()), copy || mapped, &journal};
        patch::PatchOutcome outcome = patch::patch_in_tree(tree, rel, file.edits, how);
        if (outcome.new_inode) {
          for (const std::string& other : file.hard_links) {
            base::Tree::Entry e = tree.entry(relative(other));
            journal.keep_old_inode(e.dir.get(), e.name, other);
            tree.hard_link(rel, relative(other));
          }
        }
        ++(outcome.written ? written : unchanged);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < jobs; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) {
    std::vector<std::string> stuck = journal.rollback();
    if (!stuck.empty()) {
      std::string names;
      for (const std::string& n : stuck) names += (names.empty() ? "" : ", ") + n;
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        throw elf::Error(plan.dir, std::string(e.what()) + "; and these files could not be restored: " + names);
      }
    }
    std::rethrow_exception(failure);
  }
  journal.commit();
  return {written.load(), unchanged.load()};
}

}  // namespace shelf::autopatch
