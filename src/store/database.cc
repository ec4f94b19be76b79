#include "store/database.h"

#include <sqlite3.h>

#include "store/error.h"

namespace shelf::store {

namespace {

constexpr const char* kSchema = R"sql(
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,      -- "sha256:<base16>" of the NAR, as Nix stores it
    registrationTime integer not null,
    narSize          integer not null
);
create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);
create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);
create table if not exists Intents (
    path text primary key not null,
    op   text not null,                  -- 'add' or 'delete'
    temp text not null
);
)sql";

// A prepared statement bound to one query; errors name the database file.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& file, const char* sql) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("cannot prepare query");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  // True while there is a row.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_FOREIGNKEY) {
      last_was_foreign_key_ = true;
      return false;
    }
    fail("query failed");
  }
  bool foreign_key_violation() const { return last_was_foreign_key_; }
  std::string text(int col) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw Error(file_, what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const std::string& file_;
  sqlite3_stmt* stmt_ = nullptr;
  bool last_was_foreign_key_ = false;
};

}  // namespace

Database::Database(std::string file, std::string store_dir) : file_(std::move(file)), store_dir_(std::move(store_dir)) {
  if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(file_, "cannot open database: " + message);
  }
  sqlite3_busy_timeout(db_, 60 * 60 * 1000);
  // WAL: a commit is durable once written to the log, which a killed
  // process cannot undo; readers never block the writer.
  exec("pragma journal_mode = wal");
  exec("pragma synchronous = normal");
  exec("pragma foreign_keys = on");
  exec(kSchema);
}

Database::~Database() { sqlite3_close(db_); }

void Database::fail(const std::string& what) { throw Error(file_, what + ": " + sqlite3_errmsg(db_)); }

void Database::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(file_, std::string("database statement failed: ") + text);
  }
}

Database::Transaction::Transaction(Database& db) : db_(db) { db_.exec("begin immediate"); }

Database::Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.db_, "rollback", nullptr, nullptr, nullptr);
}

void Database::Transaction::commit() {
  db_.exec("commit");
  done_ = true;
}

StorePath Database::parse(const std::string& full) const {
  if (full.size() <= store_dir_.size() + 1 || full.compare(0, store_dir_.size(), store_dir_) != 0 ||
      full[store_dir_.size()] != '/')
    throw Error(file_, "database row '" + full + "' is not below the store " + store_dir_);
  return StorePath::parse(full.substr(store_dir_.size() + 1));
}

StorePathSet Database::references_of(int64_t id) {
  StorePathSet refs;
  Statement q(db_, file_, "select path from Refs join ValidPaths on reference = id where referrer = ?");
  q.bind(1, id);
  while (q.step()) refs.insert(parse(q.text(0)));
  return refs;
}

bool Database::is_valid(const StorePath& path) {
  Statement q(db_, file_, "select 1 from ValidPaths where path = ?");
  q.bind(1, print(path));
  return q.step();
}

std::optional<PathInfo> Database::query(const StorePath& path) {
  Statement q(db_, file_, "select id, hash, registrationTime, narSize from ValidPaths where path = ?");
  q.bind(1, print(path));
  if (!q.step()) return std::nullopt;
  PathInfo info{path, Hash::parse(q.text(1)), static_cast<uint64_t>(q.integer(3)), references_of(q.integer(0)),
                q.integer(2)};
  return info;
}

std::vector<PathInfo> Database::all_paths() {
  std::vector<PathInfo> all;
  Statement q(db_, file_, "select id, path, hash, registrationTime, narSize from ValidPaths order by path");
  while (q.step())
    all.push_back({parse(q.text(1)), Hash::parse(q.text(2)), static_cast<uint64_t>(q.integer(4)),
                   references_of(q.integer(0)), q.integer(3)});
  return all;
}

StorePathSet Database::referrers(const StorePath& path) {
  StorePathSet result;
  Statement q(db_, file_,
              "select r.path from Refs join ValidPaths r on referrer = r.id "
              "join ValidPaths t on reference = t.id where t.path = ?");
  q.bind(1, print(path));
  while (q.step()) result.insert(parse(q.text(0)));
  return result;
}

void Database::register_path(const PathInfo& info) {
  Statement insert(db_, file_, "insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, ?, ?)");
  insert.bind(1, print(info.path)).bind(2, info.nar_hash.base16_typed()).bind(3, info.registration_time);
  insert.bind(4, static_cast<int64_t>(info.nar_size));
  insert.step();
  int64_t id = sqlite3_last_insert_rowid(db_);
  for (const StorePath& ref : info.references) {
    Statement link(db_, file_, "insert into Refs (referrer, reference) select ?, id from ValidPaths where path = ?");
    link.bind(1, id).bind(2, print(ref));
    link.step();
    if (sqlite3_changes(db_) != 1) throw Error(print(ref), "reference of " + print(info.path) + " is not a valid path");
  }
}

void Database::unregister_path(const StorePath& path) {
  Statement del(db_, file_, "delete from ValidPaths where path = ?");
  del.bind(1, print(path));
  del.step();
  if (del.foreign_key_violation()) throw Refused(print(path), "still referenced by another valid path");
}

void Database::add_intent(const Intent& intent) {
  Statement q(db_, file_, "insert or replace into Intents (path, op, temp) values (?, ?, ?)");
  q.bind(1, print(intent.path)).bind(2, std::string(intent.op == Intent::Op::kAdd ? "add" : "delete")).bind(3, intent.temp);
  q.step();
}

void Database::remove_intent(const StorePath& path) {
  Statement q(db_, file_, "delete from Intents where path = ?");
  q.bind(1, print(path));
  q.step();
}

std::vector<Intent> Database::intents() {
  std::vector<Intent> result;
  Statement q(db_, file_, "select path, op, temp from Intents");
  while (q.step())
    result.push_back({parse(q.text(0)), q.text(1) == "add" ? Intent::Op::kAdd : Intent::Op::kDelete, q.text(2)});
  return result;
}

}  // namespace shelf::store
