// Facts of every candidate file, read once per run: a directory audit of
// /usr/bin looks at libc thousands of times but parses it once. Files are
// known by host path and by (device, inode), so a library reached through
// two names (a symlink, a merged /usr) is still parsed once and the loader's
// "same file is already loaded" check can be answered.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "inspect/facts.h"

namespace shelf::resolve {

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
  auto operator<=>(const FileId&) const = default;
};

struct LibraryFile {
  FileId id;
  std::optional<inspect::Facts> facts;  // empty when the file is not usable ELF
  std::string error;                    // why, when facts is empty
};

class LibraryCache {
 public:
  // The file at `host_path`, or nullptr when there is no regular file there
  // (the loader's open() fails and it tries the next directory).
  const LibraryFile* open(const std::string& host_path);

  size_t files_parsed() const { return by_id_.size(); }

 private:
  std::unordered_map<std::string, const LibraryFile*> by_path_;
  std::map<FileId, std::unique_ptr<LibraryFile>> by_id_;
};

}  // namespace shelf::resolve
