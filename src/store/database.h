// The registration database: SQLite with Nix's schema shape (ValidPaths,
// Refs with foreign keys, so a referenced path cannot be unregistered) plus
// Intents, a one-row-per-operation journal that lets a crashed add or delete
// be finished by the next process (see store.h, "Crash safety").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/hash.h"
#include "store/store_path.h"

struct sqlite3;

namespace shelf::store {

struct PathInfo {
  StorePath path;
  Hash nar_hash;
  uint64_t nar_size = 0;
  StorePathSet references;
  int64_t registration_time = 0;
};

struct Intent {
  enum class Op { kAdd, kDelete };
  StorePath path;
  Op op;
  std::string temp;  // the temporary directory the path moves from (add) or to (delete)
};

class Database {
 public:
  // Opens (creating when missing) `file`; paths are stored as full paths
  // below `store_dir`, as Nix stores them.
  Database(std::string file, std::string store_dir);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // BEGIN IMMEDIATE … COMMIT; rolls back unless commit() was called.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };

  bool is_valid(const StorePath& path);
  std::optional<PathInfo> query(const StorePath& path);
  std::vector<PathInfo> all_paths();
  StorePathSet referrers(const StorePath& path);

  void register_path(const PathInfo& info);  // the references must be valid
  void unregister_path(const StorePath& path);  // throws Refused while referenced

  void add_intent(const Intent& intent);
  void remove_intent(const StorePath& path);
  std::vector<Intent> intents();

 private:
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what);
  std::string print(const StorePath& path) const { return store_dir_ + "/" + path.base_name(); }
  StorePath parse(const std::string& full) const;
  StorePathSet references_of(int64_t id);

  std::string file_;
  std::string store_dir_;
  sqlite3* db_ = nullptr;
};

}  // namespace shelf::store
