// Writing a plan: files are independent once the plan exists, so a pool of
// threads takes them one by one; each file is written once (patch_file
// plans the interpreter and RUNPATH edits together).
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "autopatch/autopatch.h"
#include "elf/error.h"
#include "patch/patch.h"

namespace shelf::autopatch {

ApplyResult apply(const Plan& plan, unsigned jobs) {
  if (!plan.ok()) throw elf::Error(plan.dir, "the tree has unresolved libraries; nothing written");
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<size_t>(jobs, std::max<size_t>(1, plan.files.size()));

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
        patch::PatchOptions options;
        options.write.keep_inode = file.shares_inode;  // every hard link sees the new file
        patch::PatchOutcome outcome = patch::patch_file(file.path, file.edits, options);
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
