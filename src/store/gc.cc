#include "store/gc.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "store/error.h"
#include "store/profile.h"

namespace shelf::store {

namespace fs = std::filesystem;

namespace {

// Follows `link` through symlinks until it lands in the store; nullopt for
// roots that point elsewhere or dangle.
std::optional<StorePath> resolve_root(Store& store, const fs::path& link) {
  fs::path current = link;
  for (int depth = 0; depth < 40; ++depth) {
    std::error_code ec;
    fs::path target = fs::read_symlink(current, ec);
    if (ec) return std::nullopt;
    if (target.is_relative()) target = current.parent_path() / target;
    target = target.lexically_normal();
    try {
      StorePath p = store.to_store_path(target.string());
      if (store.is_valid(p)) return p;
      return std::nullopt;
    } catch (const BadInput&) {
    }
    if (!fs::is_symlink(target, ec)) return std::nullopt;
    current = target;
  }
  return std::nullopt;
}

// Orders `doomed` so that a path comes before every path it references
// (referrers first): a crash midway never leaves a dangling reference.
std::vector<PathInfo> referrers_first(const std::vector<PathInfo>& doomed) {
  std::map<std::string, const PathInfo*> by_name;
  for (const PathInfo& p : doomed) by_name[p.path.base_name()] = &p;
  std::map<std::string, int> pending_referrers;
  for (const PathInfo& p : doomed) pending_referrers.emplace(p.path.base_name(), 0);
  for (const PathInfo& p : doomed)
    for (const StorePath& ref : p.references)
      if (ref != p.path && by_name.count(ref.base_name())) ++pending_referrers[ref.base_name()];
  std::vector<PathInfo> order;
  std::vector<const PathInfo*> ready;
  for (const auto& [name, count] : pending_referrers)
    if (count == 0) ready.push_back(by_name[name]);
  while (!ready.empty()) {
    const PathInfo* p = ready.back();
    ready.pop_back();
    order.push_back(*p);
    for (const StorePath& ref : p->references)
      if (ref != p->path && by_name.count(ref.base_name()) && --pending_referrers[ref.base_name()] == 0)
        ready.push_back(by_name[ref.base_name()]);
  }
  return order;  // a reference cycle (impossible for content paths) stays out
}

StorePathSet live_paths(Store& store) {
  StorePathSet roots;
  for (const GcRoot& root : find_roots(store)) roots.insert(root.path);
  return store.closure(roots);
}

}  // namespace

std::vector<GcRoot> gcroot_links(Store& store) {
  std::vector<GcRoot> roots;
  fs::path dir = fs::path(store.config().state_dir) / "gcroots";
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, ec);
  if (ec) return roots;
  for (const fs::directory_entry& entry : it) {
    if (!entry.is_symlink()) continue;
    if (auto p = resolve_root(store, entry.path())) roots.push_back({entry.path().string(), *p});
  }
  return roots;
}

std::vector<GcRoot> find_roots(Store& store) {
  std::vector<GcRoot> roots = gcroot_links(store);
  // Every generation of every profile, not only the current ones, so a
  // rollback always finds its generation complete.
  for (GcRoot& root : profile_generation_roots(store)) roots.push_back(std::move(root));
  return roots;
}

GcResult collect_garbage(Store& store, bool dry_run) {
  FileLock lock = store.lock_gc(FileLock::Mode::kExclusive);
  if (!dry_run) store.remove_temp_dirs(lock);
  StorePathSet live = live_paths(store);
  std::vector<PathInfo> dead;
  for (const PathInfo& p : store.list())
    if (!live.count(p.path)) dead.push_back(p);
  GcResult result;
  for (const PathInfo& p : referrers_first(dead)) {
    if (!dry_run) store.remove_valid_path(p.path, lock);
    result.deleted.push_back(store.print(p.path));
    result.bytes += p.nar_size;
  }
  for (const std::string& name : store.unregistered_entries()) {
    if (!dry_run) store.remove_unregistered_entry(name, lock);
    result.deleted.push_back(store.dir() + "/" + name);
  }
  return result;
}

GcResult delete_paths(Store& store, const StorePathSet& paths) {
  FileLock lock = store.lock_gc(FileLock::Mode::kExclusive);
  std::vector<PathInfo> doomed;
  for (const StorePath& p : paths) doomed.push_back(store.info(p));
  for (const StorePath& p : paths)
    for (const StorePath& referrer : store.referrers(p))
      if (!paths.count(referrer))
        throw Refused(store.print(p), "still referenced by " + store.print(referrer));
  std::vector<GcRoot> roots = find_roots(store);
  for (const GcRoot& root : roots)
    for (const StorePath& p : store.closure({root.path}))
      if (paths.count(p)) throw Refused(store.print(p), "reachable from the gc root " + root.source);
  GcResult result;
  for (const PathInfo& p : referrers_first(doomed)) {
    store.remove_valid_path(p.path, lock);
    result.deleted.push_back(store.print(p.path));
    result.bytes += p.nar_size;
  }
  return result;
}

}  // namespace shelf::store
