// The store: a directory of immutable, content-addressed paths plus the
// database that says which of them are valid and what they reference.
//
// Concurrency (two flock files in the state directory, as Nix's gc lock):
//  - gc.lock: `add` and `verify` hold it shared for their whole run, `gc`
//    and `delete` hold it exclusively, so a collector never sees a path that
//    an `add` is still building or about to reference.
//  - register.lock: held briefly around every change of validity (database
//    row + rename), so two adds of the same content register it once.
//
// Crash safety: a path is built in a `.tmp-*` directory inside the store and
// becomes visible by rename(2). Its database row is committed *before* the
// rename together with an intent row naming the temporary directory, and the
// intent is dropped after the rename. Deletion commits the unregistration
// and an intent first, then renames the path into a `.tmp-*` directory and
// removes it there. Every process that opens the store first finishes the
// intents left by dead processes (under register.lock, which live owners of
// intents hold), and when nobody holds gc.lock it removes leftover `.tmp-*`
// directories. So after a kill -9 at any instant the store shows either no
// path or a complete, registered one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/lock.h"
#include "store/store_path.h"

namespace shelf::store {

struct StoreConfig {
  std::string store_dir;  // absolute, no trailing slash
  std::string state_dir;
  // $SHELF_STORE (default $XDG_DATA_HOME/shelf/store, ~/.local/share/shelf/store)
  // and $SHELF_STATE (default $XDG_STATE_HOME/shelf, ~/.local/state/shelf).
  static StoreConfig from_environment();
};

struct VerifyProblem {
  // kModified: the NAR differs (contents, executable bit, symlink target,
  // file type). kNotCanonical: metadata a NAR does not hold but the store
  // promises (no write, setuid, setgid or sticky bits, mtime 1) was changed.
  // kLinkOutside and kLinkIntoPath are information, not corruption:
  // a store path may hold a symbolic link pointing anywhere (real packages
  // do; Nix stores them as they are), and no build step follows one out of
  // its tree. They say where a path's links lead: out of the store, or to
  // the inside of another store path (not its top).
  enum class Kind { kMissing, kModified, kUnregistered, kNotCanonical, kLinkOutside, kLinkIntoPath };
  bool is_problem() const { return kind != Kind::kLinkOutside && kind != Kind::kLinkIntoPath; }
  Kind kind;
  std::string path;
  std::string detail;  // for kModified: the hashes; for kNotCanonical: the entries
};

class Store {
 public:
  // Creates the directories and database when missing and recovers from
  // crashed operations.
  explicit Store(StoreConfig config);

  const std::string& dir() const { return config_.store_dir; }
  const StoreConfig& config() const { return config_; }
  std::string print(const StorePath& path) const { return dir() + "/" + path.base_name(); }
  // The store path that `path` (a full path, possibly inside a store path)
  // names; throws BadInput when it is not below the store directory.
  StorePath to_store_path(const std::string& path) const;

  // Copies `source` into the store by content and registers it with the
  // references found in it; returns the existing registration when the same
  // content was added before. Bad input leaves the store unchanged.
  PathInfo add_tree(const std::string& source, std::string_view name);
  // The same for a tree that `build(dest)` creates at the new path `dest`
  // inside a temporary directory of the store (`store import` unpacks an
  // archive there). When `build` throws, nothing is registered or left.
  PathInfo add_built(std::string_view name, const std::function<void(const std::string& dest)>& build);
  // An input-addressed path `<hash_part>-<name>` (a recipe's output, named
  // from its inputs before it is built, so the build can refer to its own
  // final path). When it is valid already, returns it without building;
  // otherwise `build(dest)` runs as for add_built and the result is
  // registered atomically under that name.
  PathInfo add_input_addressed(std::string_view name, std::string_view hash_part,
                               const std::function<void(const std::string& dest)>& build);

  PathInfo info(const StorePath& path);  // throws BadInput unless valid
  bool is_valid(const StorePath& path) { return db_->is_valid(path); }
  std::vector<PathInfo> list() { return db_->all_paths(); }
  StorePathSet referrers(const StorePath& path) { return db_->referrers(path); }
  // The paths reachable from `start` through references, `start` included.
  StorePathSet closure(const StorePathSet& start);

  // Recomputes every NAR hash and checks every entry's metadata; lists
  // missing, modified, not canonical and unregistered paths.
  std::vector<VerifyProblem> verify();
  std::vector<VerifyProblem> links_leaving(const std::string& top) const;

  FileLock lock_gc(FileLock::Mode mode) const;
  // Names of entries in the store directory that are not valid paths
  // (crash leftovers or foreign files), `.tmp-*` excluded.
  std::vector<std::string> unregistered_entries();
  // Both need gc.lock held exclusively (the lock is the proof). Unregisters
  // `path` (Refused while another valid path references it) and removes it.
  void remove_valid_path(const StorePath& path, const FileLock& exclusive_gc);
  void remove_unregistered_entry(const std::string& name, const FileLock& exclusive_gc);
  // Removes the `.tmp-*` directories of crashed operations.
  void remove_temp_dirs(const FileLock& exclusive_gc);

 private:
  std::string lock_path(const char* name) const { return config_.state_dir + "/" + name; }
  void recover(const FileLock& registering);
  // add_built's body: builds, hashes and scans the tree, names it with
  // `path_of(nar_hash, references)` and registers it atomically.
  using PathNamer = std::function<StorePath(const Hash& nar_hash, const StorePathSet& references)>;
  PathInfo add_named(const std::function<void(const std::string& dest)>& build, const PathNamer& path_of);
  bool exists(const std::string& path) const;

  StoreConfig config_;
  std::unique_ptr<Database> db_;
};

}  // namespace shelf::store
