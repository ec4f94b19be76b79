// Writing a plan: files are independent once the plan exists, so a pool of
// threads takes them one by one; each file is written once (patch_file
// plans the interpreter and RUNPATH edits together).
#include <atomic>
#include <filesystem>
#include <exception>
#include <mutex>
#include <thread>

#include "autopatch/autopatch.h"
#include "base/tree.h"
#include "elf/error.h"
#include "patch/patch.h"

namespace shelf::autopatch {

ApplyResult apply(const Plan& plan, unsigned jobs) {
  if (!plan.ok()) throw elf::Error(plan.dir, "the tree has unresolved libraries; nothing written");
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<size_t>(jobs, std::max<size_t>(1, plan.files.size()));

  base::Tree tree(plan.dir);
  auto relative = [&](const std::string& path) {
    return std::filesystem::path(path).lexically_relative(plan.dir).string();
  };
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
        patch::PatchOutcome outcome =
            patch::patch_in_tree(tree, rel, file.edits, static_cast<unsigned>(1 + file.hard_links.size()));
        if (outcome.new_inode)
          for (const std::string& other : file.hard_links) tree.hard_link(rel, relative(other));
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
  if (failure) std::rethrow_exception(failure);
  return {written.load(), unchanged.load()};
}

}  // namespace shelf::autopatch
