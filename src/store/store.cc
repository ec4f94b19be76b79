#include "store/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "store/crash_point.h"
#include "store/error.h"
#include "store/nar.h"
#include "store/ref_scan.h"
#include "store/temp_dir.h"
#include "store/tree_ops.h"

namespace shelf::store {

namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string absolute_dir(const std::string& dir) {
  std::string out = fs::absolute(fs::path(dir)).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

void make_dirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir, "cannot create directory: " + ec.message());
}

std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) throw Error(dir, "cannot open store directory: " + errno_text(errno));
  while (dirent* e = readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  closedir(d);
  return names;
}

// What canonicalise_tree() would change below `path` (mode other than 0444
// or 0555 on a non-symlink, mtime other than 1), one "REL: what" per entry,
// at most `limit` of them followed by a count of the rest.
std::string non_canonical_entries(const std::string& path, size_t limit = 5) {
  std::vector<std::string> found;
  std::function<void(const std::string&, const std::string&)> walk = [&](const std::string& full, const std::string& rel) {
    struct stat st;
    if (lstat(full.c_str(), &st) != 0) {
      found.push_back(rel + ": cannot stat: " + errno_text(errno));
      return;
    }
    std::string what;
    if (!S_ISLNK(st.st_mode)) {
      mode_t mode = st.st_mode & 07777;
      if (mode != 0444 && mode != 0555) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
        what = std::string("mode ") + octal;
        if (mode & 0222) what += " writable";
        if (mode & (S_ISUID | S_ISGID)) what += " setuid/setgid";
        if (mode & S_ISVTX) what += " sticky";
      }
    }
    if (st.st_mtim.tv_sec != 1 || st.st_mtim.tv_nsec != 0)
      what += std::string(what.empty() ? "" : ", ") + "mtime " + std::to_string(st.st_mtim.tv_sec) + " (not 1)";
    if (!what.empty()) found.push_back(rel + ": " + what);
    if (!S_ISDIR(st.st_mode)) return;
    try {
      for (const std::string& name : entries_of(full)) walk(full + "/" + name, rel == "." ? name : rel + "/" + name);
    } catch (const Error& e) {
      found.push_back(rel + ": " + e.reason());
    }
  };
  walk(path, ".");
  std::string detail;
  for (size_t i = 0; i < found.size() && i < limit; ++i) detail += (i ? "; " : "") + found[i];
  if (found.size() > limit) detail += "; and " + std::to_string(found.size() - limit) + " more";
  return detail;
}

void require_exclusive(const FileLock& lock) {
  if (lock.mode() != FileLock::Mode::kExclusive) throw std::logic_error("gc lock must be held exclusively");
}

StoreConfig prepared(StoreConfig config) {
  config.store_dir = absolute_dir(config.store_dir);
  config.state_dir = absolute_dir(config.state_dir);
  make_dirs(config.store_dir);
  make_dirs(config.state_dir);
  make_dirs(config.state_dir + "/gcroots");
  return config;
}

}  // namespace

StoreConfig StoreConfig::from_environment() {
  std::string home = env_or("HOME", "/");
  std::string data = env_or("XDG_DATA_HOME", home + "/.local/share");
  std::string state = env_or("XDG_STATE_HOME", home + "/.local/state");
  return {absolute_dir(env_or("SHELF_STORE", data + "/shelf/store")),
          absolute_dir(env_or("SHELF_STATE", state + "/shelf"))};
}

Store::Store(StoreConfig config) : config_(prepared(std::move(config))) {
  {
    // Creating the database and switching it to WAL must not race another
    // process doing the same (SQLite answers "locked" without waiting there).
    FileLock registering(lock_path("register.lock"), FileLock::Mode::kExclusive);
    db_ = std::make_unique<Database>(config_.state_dir + "/db.sqlite", config_.store_dir);
    recover(registering);
  }
  // Only when no add, gc or delete runs can a `.tmp-*` directory be stale.
  if (auto exclusive = FileLock::try_lock(lock_path("gc.lock"), FileLock::Mode::kExclusive))
    remove_temp_dirs(*exclusive);
}

bool Store::exists(const std::string& path) const {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

FileLock Store::lock_gc(FileLock::Mode mode) const { return FileLock(lock_path("gc.lock"), mode); }

void Store::recover(const FileLock& registering) {
  if (registering.mode() != FileLock::Mode::kExclusive) throw std::logic_error("register lock must be held");
  // Whoever held register.lock while writing these intents is dead.
  for (const Intent& intent : db_->intents()) {
    std::string final_path = print(intent.path);
    Database::Transaction tx(*db_);
    if (intent.op == Intent::Op::kAdd) {
      if (!exists(final_path)) {
        if (exists(intent.temp)) {
          if (rename(intent.temp.c_str(), final_path.c_str()) != 0)
            throw Error(final_path, "cannot finish an interrupted add: " + errno_text(errno));
        } else {
          db_->unregister_path(intent.path);  // its tree is gone; it cannot be finished
        }
      }
    } else if (exists(final_path)) {
      // An interrupted deletion: the path is already unregistered.
      if (mkdir(intent.temp.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error(intent.temp, "cannot create directory: " + errno_text(errno));
      if (rename(final_path.c_str(), (intent.temp + "/old").c_str()) != 0)
        throw Error(final_path, "cannot finish an interrupted delete: " + errno_text(errno));
    }
    db_->remove_intent(intent.path);
    tx.commit();
    if (intent.op == Intent::Op::kDelete) remove_tree(intent.temp);
  }
}

void Store::remove_temp_dirs(const FileLock& exclusive_gc) {
  require_exclusive(exclusive_gc);
  for (const std::string& name : entries_of(dir()))
    if (name.starts_with(kTempPrefix)) remove_tree(dir() + "/" + name);
}

StorePath Store::to_store_path(const std::string& path) const {
  std::string full = fs::absolute(fs::path(path)).lexically_normal().string();
  if (full.size() <= dir().size() + 1 || full.compare(0, dir().size(), dir()) != 0 || full[dir().size()] != '/')
    throw BadInput(path, "not in the store " + dir());
  std::string rest = full.substr(dir().size() + 1);
  return StorePath::parse(rest.substr(0, rest.find('/')));
}

PathInfo Store::info(const StorePath& path) {
  auto info = db_->query(path);
  if (!info) throw BadInput(print(path), "not a valid store path");
  return *info;
}

StorePathSet Store::closure(const StorePathSet& start) {
  StorePathSet seen;
  std::deque<StorePath> queue(start.begin(), start.end());
  while (!queue.empty()) {
    StorePath p = queue.front();
    queue.pop_front();
    if (!seen.insert(p).second) continue;
    for (const StorePath& ref : info(p).references)
      if (!seen.count(ref)) queue.push_back(ref);
  }
  return seen;
}

PathInfo Store::add_tree(const std::string& source, std::string_view name) {
  check_name(name);
  struct stat st;
  if (lstat(source.c_str(), &st) != 0) throw BadInput(source, "cannot read: " + errno_text(errno));
  return add_built(name, [&](const std::string& dest) { copy_tree(source, dest); });
}

PathInfo Store::add_built(std::string_view name, const std::function<void(const std::string& dest)>& build) {
  check_name(name);
  return add_named(build, [&](const Hash& nar_hash, const StorePathSet& references) {
    return make_content_path(dir(), nar_hash, name, references);
  });
}

PathInfo Store::add_input_addressed(std::string_view name, std::string_view hash_part,
                                    const std::function<void(const std::string& dest)>& build) {
  check_name(name);
  StorePath path = StorePath::parse(std::string(hash_part) + "-" + std::string(name));
  {
    // Valid already: an earlier build of the same inputs. The gc lock keeps
    // it valid while we answer.
    FileLock gc = lock_gc(FileLock::Mode::kShared);
    if (auto existing = db_->query(path)) return *existing;
  }
  return add_named(build, [&](const Hash&, const StorePathSet&) { return path; });
}

PathInfo Store::add_named(const std::function<void(const std::string& dest)>& build, const PathNamer& path_of) {
  FileLock gc = lock_gc(FileLock::Mode::kShared);
  TempDir temp(dir());
  std::string built = temp.path() + "/out";
  build(built);
  canonicalise_tree(built);

  // Candidates for references: every valid path (the gc lock keeps them valid).
  std::map<std::string, StorePath> by_hash;
  for (const PathInfo& p : db_->all_paths()) by_hash.emplace(p.path.hash_part(), p.path);
  std::unordered_set<std::string> candidates;
  for (const auto& [hash, path] : by_hash) candidates.insert(hash);
  HashSink hasher;
  RefScanSink scanner(std::move(candidates));
  TeeSink both{&hasher, &scanner};
  dump_path(built, both);  // one pass: NAR hash, NAR size and references
  Hash nar_hash = hasher.finish();
  StorePathSet references;
  for (const std::string& hash : scanner.found()) references.insert(by_hash.at(hash));
  PathInfo info{path_of(nar_hash, references), nar_hash, hasher.size(), references,
                static_cast<int64_t>(std::time(nullptr))};

  crash_point("add:built");
  // The tree must be on disk before the database says it is valid.
  int dir_fd = open(dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    syncfs(dir_fd);
    close(dir_fd);
  }

  FileLock registering(lock_path("register.lock"), FileLock::Mode::kExclusive);
  if (auto existing = db_->query(info.path)) return *existing;
  std::string final_path = print(info.path);
  if (exists(final_path)) {
    // Not valid, yet there: a leftover; move it into our temporary
    // directory, which deletes it with everything else.
    if (rename(final_path.c_str(), (temp.path() + "/stale").c_str()) != 0)
      throw Error(final_path, "cannot remove an invalid leftover: " + errno_text(errno));
  }
  {
    Database::Transaction tx(*db_);
    db_->register_path(info);
    db_->add_intent({info.path, Intent::Op::kAdd, built});
    tx.commit();
  }
  crash_point("add:registered");
  if (rename(built.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    Database::Transaction tx(*db_);
    db_->unregister_path(info.path);
    db_->remove_intent(info.path);
    tx.commit();
    throw Error(final_path, "cannot move into place: " + errno_text(err));
  }
  crash_point("add:renamed");
  Database::Transaction tx(*db_);
  db_->remove_intent(info.path);
  tx.commit();
  return info;
}

std::vector<std::string> Store::unregistered_entries() {
  std::set<std::string> valid;
  for (const PathInfo& p : db_->all_paths()) valid.insert(p.path.base_name());
  std::vector<std::string> result;
  for (const std::string& name : entries_of(dir()))
    if (!name.starts_with(kTempPrefix) && !valid.count(name)) result.push_back(name);
  std::sort(result.begin(), result.end());
  return result;
}

void Store::remove_valid_path(const StorePath& path, const FileLock& exclusive_gc) {
  require_exclusive(exclusive_gc);
  std::string final_path = print(path);
  TempDir trash(dir());
  {
    FileLock registering(lock_path("register.lock"), FileLock::Mode::kExclusive);
    {
      Database::Transaction tx(*db_);
      db_->unregister_path(path);
      db_->add_intent({path, Intent::Op::kDelete, trash.path()});
      tx.commit();
    }
    crash_point("delete:unregistered");
    if (rename(final_path.c_str(), (trash.path() + "/old").c_str()) != 0 && errno != ENOENT)
      throw Error(final_path, "cannot move away for deletion: " + errno_text(errno));
    crash_point("delete:renamed");
    Database::Transaction tx(*db_);
    db_->remove_intent(path);
    tx.commit();
  }
  crash_point("delete:trashed");
  remove_tree(trash.path());
}

void Store::remove_unregistered_entry(const std::string& name, const FileLock& exclusive_gc) {
  require_exclusive(exclusive_gc);
  TempDir trash(dir());
  FileLock registering(lock_path("register.lock"), FileLock::Mode::kExclusive);
  if (auto p = StorePath::try_parse(name); p && db_->is_valid(*p)) return;
  if (rename((dir() + "/" + name).c_str(), (trash.path() + "/old").c_str()) != 0 && errno != ENOENT)
    throw Error(dir() + "/" + name, "cannot move away for deletion: " + errno_text(errno));
}

// The symbolic links below the store path `top` that lead out of the store
// or into another store path's inside, judged by their text (resolved
// lexically against the link's directory, as far as the text goes).
std::vector<VerifyProblem> Store::links_leaving(const std::string& top) const {
  std::vector<VerifyProblem> found;
  std::string store_dir = dir() + "/";
  std::function<void(const std::string&, const std::string&)> walk = [&](const std::string& full,
                                                                          const std::string& rel) {
    struct stat st;
    if (lstat(full.c_str(), &st) != 0) return;
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      std::string target = fs::read_symlink(full, ec).string();
      if (ec) return;
      fs::path where = (fs::path(full).parent_path() / target).lexically_normal();
      std::string w = where.string();
      if (w == top || w.starts_with(top + "/")) return;
      if (!w.starts_with(store_dir)) {
        found.push_back({VerifyProblem::Kind::kLinkOutside, top, rel + " -> " + target});
      } else if (w.find('/', store_dir.size()) != std::string::npos) {
        found.push_back({VerifyProblem::Kind::kLinkIntoPath, top, rel + " -> " + target});
      }
      return;
    }
    if (!S_ISDIR(st.st_mode)) return;
    try {
      for (const std::string& name : entries_of(full)) walk(full + "/" + name, rel == "." ? name : rel + "/" + name);
    } catch (const Error&) {
    }
  };
  walk(top, ".");
  return found;
}

std::vector<VerifyProblem> Store::verify() {
  FileLock gc = lock_gc(FileLock::Mode::kShared);
  std::vector<PathInfo> registered;
  std::vector<std::string> unregistered;
  {
    // One consistent picture of database and directory.
    FileLock registering(lock_path("register.lock"), FileLock::Mode::kExclusive);
    registered = db_->all_paths();
    unregistered = unregistered_entries();
  }
  std::vector<VerifyProblem> problems;
  for (const PathInfo& p : registered) {
    std::string full = print(p.path);
    if (!exists(full)) {
      problems.push_back({VerifyProblem::Kind::kMissing, full, ""});
      continue;
    }
    std::string detail;
    try {
      NarDigest actual = hash_path(full);
      if (actual.hash != p.nar_hash || actual.size != p.nar_size)
        detail = "NAR hash " + actual.hash.nix() + " (" + std::to_string(actual.size) + " bytes), registered " +
                 p.nar_hash.nix() + " (" + std::to_string(p.nar_size) + " bytes)";
    } catch (const BadInput& e) {
      detail = e.what();
    }
    if (!detail.empty()) problems.push_back({VerifyProblem::Kind::kModified, full, detail});
    std::string metadata = non_canonical_entries(full);
    if (!metadata.empty()) problems.push_back({VerifyProblem::Kind::kNotCanonical, full, metadata});
    for (VerifyProblem& link : links_leaving(full)) problems.push_back(std::move(link));
  }
  for (const std::string& name : unregistered)
    problems.push_back({VerifyProblem::Kind::kUnregistered, dir() + "/" + name, ""});
  return problems;
}

}  // namespace shelf::store
