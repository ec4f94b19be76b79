#include "autopatch/candidates.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "elf/error.h"
#include "resolve/compat.h"

namespace shelf::autopatch {

namespace fs = std::filesystem;

namespace {

std::string absolute_dir(const std::string& dir) {
  return fs::absolute(dir).lexically_normal().string();
}

std::string without_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// glibc's loaders are ld-linux-x86-64.so.2, ld-linux.so.2, ld-linux-aarch64.so.1,
// ld64.so.1 (s390x), ld64.so.2 (ppc64), ld.so.1 (mips): "ld" + anything + ".so".
bool looks_like_loader(const std::string& name) {
  return name.rfind("ld", 0) == 0 && name.find(".so") != std::string::npos;
}

}  // namespace

std::vector<std::string> dependency_dirs(const std::string& dep) {
  std::error_code ec;
  if (!fs::is_directory(dep, ec)) throw elf::Error(dep, "dependency is not a directory");
  std::vector<std::string> out;
  for (const char* sub : {"lib", "lib64"})
    if (fs::is_directory(fs::path(dep) / sub, ec)) out.push_back(absolute_dir(dep + "/" + sub));
  if (out.empty()) out.push_back(without_trailing_slash(absolute_dir(dep)));
  return out;
}

Candidates::Candidates(const TreeScan& tree, const std::vector<std::string>& deps) {
  // The tree's directories first (sorted), then the dependencies in order.
  std::set<std::string> tree_dirs{tree.root};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(tree.root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) tree_dirs.insert(it->path().string());
  for (const std::string& d : tree_dirs) index_dir(d, true, tree.root);
  for (const std::string& dep : deps)
    for (const std::string& d : dependency_dirs(dep)) index_dir(d, false, "");
}

void Candidates::index_dir(const std::string& dir, bool in_tree, const std::string& root) {
  for (const SearchDir& known : dirs_)
    if (known.path == dir) return;  // listed twice: the first place counts
  int index = static_cast<int>(dirs_.size());
  dirs_.push_back({dir, in_tree});
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string path = it->path().string();
    if (in_tree && it->is_symlink(ec)) {
      // A link inside the tree counts only when it stays inside the tree.
      std::string target = fs::weakly_canonical(it->path(), ec).string();
      if (ec || !inside(root, target)) continue;
    }
    if (it->is_directory(ec)) continue;
    by_name_[name].push_back({index, path});
    if (!in_tree && looks_like_loader(name)) loaders_.push_back({index, path});
  }
}

std::vector<Candidate> Candidates::lookup(const inspect::Facts& want, const std::string& name,
                                          const std::vector<std::string>& versions) {
  std::vector<Candidate> out;
  auto found = by_name_.find(name);
  if (found == by_name_.end()) return out;
  for (const auto& [dir, path] : found->second) {
    Candidate c;
    c.dir = dir;
    c.path = path;
    const resolve::LibraryFile* file = files_.open(path);
    if (!file) continue;  // not a regular file (a dangling link): open() fails, next directory
    if (!file->facts) {
      c.fit = Candidate::Fit::kStops;  // "invalid ELF header" ends the loader's search
      c.reason = file->error;
    } else if (auto bad = resolve::incompatibility(want, *file->facts)) {
      c.fit = bad->fatal ? Candidate::Fit::kStops : Candidate::Fit::kPassedOver;
      c.reason = bad->reason;
    } else {
      // A library without version definitions passes (glibc only warns).
      const std::vector<std::string>& defs = file->facts->version_defs;
      if (!defs.empty())
        for (const std::string& v : versions)
          if (std::find(defs.begin(), defs.end(), v) == defs.end()) c.lacking.push_back(v);
      c.fit = c.lacking.empty() ? Candidate::Fit::kAccepted : Candidate::Fit::kStops;
      if (!c.lacking.empty()) c.reason = "lacks version " + c.lacking.front();
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> Candidates::loader_for(const inspect::Facts& want,
                                                   const std::optional<std::string>& current) {
  std::string wanted_name = current ? fs::path(*current).filename().string() : "";
  std::optional<std::string> first;
  for (const auto& [dir, path] : loaders_) {
    const resolve::LibraryFile* file = files_.open(path);
    if (!file || !file->facts || resolve::incompatibility(want, *file->facts)) continue;
    std::string absolute = dirs_[dir].path + "/" + fs::path(path).filename().string();
    if (fs::path(path).filename() == wanted_name) return absolute;
    if (!first) first = absolute;
  }
  return first;
}

}  // namespace shelf::autopatch
