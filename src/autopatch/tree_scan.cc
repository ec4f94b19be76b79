#include "autopatch/tree_scan.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "elf/error.h"
#include "resolve/library_cache.h"

namespace shelf::autopatch {

namespace fs = std::filesystem;

namespace {

bool has_elf_magic(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[SELFMAG] = {};
  bool elf = ::read(fd, magic, SELFMAG) == SELFMAG && std::equal(magic, magic + SELFMAG, ELFMAG);
  ::close(fd);
  return elf;
}

}  // namespace

bool inside(const std::string& root, const std::string& path) {
  if (path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/' || root == "/";
}

TreeScan scan_tree(const std::string& dir) {
  std::error_code ec;
  TreeScan scan;
  if (!fs::is_directory(dir, ec)) throw elf::Error(dir, "not a directory");
  scan.root = fs::canonical(dir, ec).string();
  if (ec) throw elf::Error(dir, ec.message());

  std::vector<fs::path> walked;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw elf::Error(dir, ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw elf::Error(dir, ec.message());
    walked.push_back(it->path());
  }
  std::sort(walked.begin(), walked.end());

  std::map<resolve::FileId, size_t> by_inode;  // index into scan.files
  for (const fs::path& p : walked) {
    std::string path = p.string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) throw elf::Error(path, "cannot stat");
    if (S_ISLNK(st.st_mode)) {
      std::string target = fs::weakly_canonical(p, ec).string();
      if (ec || !inside(scan.root, target))
        scan.skipped.push_back({path, "symbolic link outside the tree (not followed)"});
      continue;  // a link inside the tree names a file the walk reaches itself
    }
    if (!S_ISREG(st.st_mode)) continue;
    if (!has_elf_magic(path)) {
      scan.skipped.push_back({path, "not ELF"});
      continue;
    }
    resolve::FileId id{st.st_dev, st.st_ino};
    if (auto seen = by_inode.find(id); seen != by_inode.end()) {
      scan.files[seen->second].hard_links.push_back(path);
      continue;
    }
    TreeFile file;
    file.facts = inspect::read_facts(path);  // throws elf::Error for a malformed file
    if (file.facts.type != ET_EXEC && file.facts.type != ET_DYN) {
      scan.skipped.push_back({path, "not an executable or shared object"});
      continue;
    }
    if (file.facts.is_static || !file.facts.has_dynamic) {
      scan.skipped.push_back({path, "static (no dynamic section)"});
      continue;
    }
    file.path = path;
    file.real_path = fs::canonical(p).string();
    by_inode.emplace(id, scan.files.size());
    scan.files.push_back(std::move(file));
  }
  return scan;
}

}  // namespace shelf::autopatch
