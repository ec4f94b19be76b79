#include "resolve/library_cache.h"

#include <sys/stat.h>

#include "elf/error.h"

namespace shelf::resolve {

const LibraryFile* LibraryCache::open(const std::string& host_path) {
  if (auto it = by_path_.find(host_path); it != by_path_.end()) return it->second;
  const LibraryFile* result = nullptr;
  struct stat st {};
  if (::stat(host_path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    FileId id{st.st_dev, st.st_ino};
    auto& slot = by_id_[id];
    if (!slot) {
      slot = std::make_unique<LibraryFile>();
      slot->id = id;
      try {
        slot->facts = inspect::read_facts(host_path);
      } catch (const elf::Error& e) {
        slot->error = e.reason();
        if (e.offset()) slot->error += " (offset " + elf::hex(*e.offset()) + ")";
      }
    }
    result = slot.get();
  }
  by_path_.emplace(host_path, result);
  return result;
}

}  // namespace shelf::resolve
