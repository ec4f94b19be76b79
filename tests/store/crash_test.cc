// kill -9 at random moments during `store add`, `store import` and `store gc`: afterwards
// `store verify` is clean, no temporary directory or unregistered path is
// left, and the database has no unfinished intent.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "store_env.h"

extern char** environ;

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Starts shelf with `args` in the store's environment, output discarded.
pid_t spawn_shelf(const StoreEnv& s, std::vector<std::string> args) {
  args.insert(args.begin(), {shelf_bin(), "store"});
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (!entry.starts_with("SHELF_STORE=") && !entry.starts_with("SHELF_STATE=")) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : s.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0);
  return pid;
}

struct KillOutcome {
  bool killed = false;             // false: it finished before the kill
  std::chrono::microseconds ran{};  // how long it ran
  int exit_status = -1;            // when it finished: its exit status, or 128 + the signal that ended it
};

KillOutcome outcome(int status, std::chrono::microseconds ran) {
  KillOutcome k;
  k.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  k.ran = ran;
  k.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return k;
}

// Runs shelf and kills it with SIGKILL once `delay` has passed, unless it
// finished before; then `ran` is the whole operation's duration, which the
// tests use to keep their random delays inside the operation even when the
// machine's load changes under them.
KillOutcome run_and_kill(const StoreEnv& s, const std::vector<std::string>& args, std::chrono::microseconds delay) {
  auto start = Clock::now();
  pid_t pid = spawn_shelf(s, args);
  int status = 0;
  for (;;) {
    auto ran = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    if (waitpid(pid, &status, WNOHANG) == pid) return outcome(status, ran);
    if (ran >= delay) break;
    std::this_thread::sleep_for(std::min<std::chrono::microseconds>(delay - ran, std::chrono::milliseconds(1)));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  // When it exited between the last poll and the kill, the outcome says so
  // (its own exit status), like a run that finished before the delay.
  return outcome(status, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start));
}

std::chrono::microseconds time_of(const std::function<void()>& f) {
  auto start = Clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// A few hundred files and a couple of MiB, unique per `seed`.
std::string make_source(const StoreEnv& s, uint32_t seed) {
  std::string dir = s.root + "/src-" + std::to_string(seed);
  for (int i = 0; i < 150; ++i)
    write_file(dir + "/d" + std::to_string(i % 10) + "/f" + std::to_string(i), random_bytes(8192, seed * 1000 + static_cast<uint32_t>(i)),
               i % 7 ? 0644 : 0755);
  write_file(dir + "/big", random_bytes(2 << 20, seed));
  make_symlink("big", dir + "/link");
  return dir;
}

// `sqlite3 DB QUERY` rows, one per line ('|' between columns).
std::vector<std::string> query(const StoreEnv& s, const std::string& sql) {
  RunResult q = run({"sqlite3", s.state + "/db.sqlite", sql});
  EXPECT_EQ(q.status, 0) << sql << ": " << q.err;
  return lines(q.out);
}

// "sha256:<base16>" per registered path, as the database holds it.
std::map<std::string, std::string> registered_hashes(const StoreEnv& s) {
  std::map<std::string, std::string> result;
  for (const std::string& row : query(s, "select path, hash from ValidPaths")) {
    size_t bar = row.find('|');
    result[row.substr(0, bar)] = row.substr(bar + 1);
  }
  return result;
}

// The state a kill left, read before any shelf process (which would first
// recover) looks at it, with sqlite3 and nix-hash only: every entry visible
// in the store directory is a complete path, its NAR equal to the hash it
// was registered with (now, or in `before` when a delete is under way, which
// an intent row must then announce). Returns whether the kill interrupted
// work in progress (a temporary directory or an intent was left).
bool expect_nothing_partial_visible(const StoreEnv& s, const std::map<std::string, std::string>& before,
                                    const std::string& when) {
  std::map<std::string, std::string> now = registered_hashes(s);
  std::vector<std::string> deleting = query(s, "select path from Intents where op = 'delete'");
  bool in_progress = !query(s, "select path from Intents").empty();
  for (const std::string& name : s.entries()) {
    if (name.starts_with(".tmp-")) {
      in_progress = true;
      continue;
    }
    std::string path = s.store + "/" + name;
    std::string expected;
    if (auto known = now.find(path); known != now.end()) {
      expected = known->second;
    } else {
      EXPECT_NE(std::find(deleting.begin(), deleting.end(), path), deleting.end())
          << when << ": " << path << " is visible but neither registered nor being deleted";
      auto earlier = before.find(path);
      if (earlier == before.end()) continue;
      expected = earlier->second;
    }
    std::string actual = "sha256:" + trim(run({"nix-hash", "--type", "sha256", path}).out);
    EXPECT_EQ(actual, expected) << when << ": " << path << " is visible but incomplete";
  }
  return in_progress;
}

// The state after crashes, as seen by a new shelf process.
void expect_consistent(const StoreEnv& s, const std::string& when) {
  RunResult v = s.shelf({"verify"});
  EXPECT_EQ(v.status, 0) << when << ": verify reported\n" << v.out << v.err;
  std::vector<std::string> listed = lines(s.shelf({"ls"}).out);
  std::vector<std::string> on_disk;
  for (const std::string& name : s.entries()) {
    EXPECT_FALSE(name.starts_with(".")) << when << ": leftover " << name;
    on_disk.push_back(s.store + "/" + name);
  }
  EXPECT_EQ(on_disk, listed) << when;
  EXPECT_TRUE(query(s, "select * from Intents").empty()) << when;
}

// Kills `make_args(i)` runs at a uniformly random instant of the operation
// until `wanted` of them were interrupted with work in progress. The window
// is the last measured duration of a whole run (so load changes cannot push
// every kill past the end), and it grows while kills land before the
// process started any work (start-up is slow under ASan on a busy machine).
void kill_repeatedly(const StoreEnv& s, const std::string& what, int wanted,
                     const std::function<std::vector<std::string>(uint32_t)>& make_args,
                     const std::function<void(uint32_t)>& after_round = {}) {
  std::mt19937 gen(std::random_device{}());
  int killed = 0, mid_work = 0;
  // The first run, not killed, measures the operation.
  int64_t window = time_of([&] { EXPECT_EQ(s.shelf(make_args(1000)).status, 0); }).count();
  uint32_t i = 0;
  for (; mid_work < wanted && i < 200; ++i) {
    std::vector<std::string> args = make_args(i);
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window)(gen));
    KillOutcome k = run_and_kill(s, args, delay);
    bool in_progress = expect_nothing_partial_visible(s, {}, what + " kill " + std::to_string(i));
    if (!k.killed) {
      EXPECT_EQ(k.exit_status, 0) << what << " " << i << " failed on its own";
      window = k.ran.count();
    } else {
      ++killed;
      if (in_progress) ++mid_work;
      else window = std::min<int64_t>(window * 13 / 10 + 1000, 30'000'000);
    }
    if (after_round) after_round(i);
    if (i % 6 == 5) expect_consistent(s, "after " + what + " kill " + std::to_string(i));
  }
  std::cout << what << ": " << killed << " of " << i << " runs killed, " << mid_work << " with work in progress\n";
  EXPECT_GE(mid_work, wanted) << "too few " << what << " runs were interrupted mid-work in " << i << " runs";
  expect_consistent(s, "after all " + what + " kills");
}

TEST(StoreCrash, KillDuringAddLeavesNothingPartial) {
  if (!require_tool("sqlite3", "sqlite3") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("crash-add");
  // A fresh source per round (removed after it), so every add has work to do.
  kill_repeatedly(
      s, "add", 22,
      [&](uint32_t i) {
        return std::vector<std::string>{"add", make_source(s, i), "--name", "crash-" + std::to_string(i)};
      },
      [&](uint32_t i) { fs::remove_all(s.root + "/src-" + std::to_string(i)); });
  int registered = 0;
  for (const std::string& p : lines(s.shelf({"ls"}).out)) registered += p.find("-crash-") != std::string::npos;
  std::cout << registered << " crash-* paths registered (killed after registering, or finished)\n";
  // The store still works: adding a tree that a killed add may have started.
  std::string again = make_source(s, 3);
  EXPECT_EQ(s.shelf({"add", again, "--name", "crash-3"}).status, 0);
  expect_consistent(s, "after a final add");
}

// The same for `store import` of a tar.gz: the kills land while libarchive
// unpacks into the temporary directory, while hashing and while registering.
TEST(StoreCrash, KillDuringImportLeavesNothingPartial) {
  if (!require_tool("sqlite3", "sqlite3") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("crash-import");
  std::vector<std::string> archives;
  for (uint32_t seed : {500u, 501u, 502u}) {
    std::string src = make_source(s, seed);
    archives.push_back(s.root + "/archive-" + std::to_string(seed) + ".tar.gz");
    RunResult t = run({"tar", "-C", src, "-czf", archives.back(), "."});
    ASSERT_EQ(t.status, 0) << t.err;
    fs::remove_all(src);
  }
  // Names differ per round, so most rounds import a new path.
  kill_repeatedly(s, "import", 22, [&](uint32_t i) {
    return std::vector<std::string>{"import", archives[i % archives.size()], "--name", "crash-" + std::to_string(i)};
  });
  int registered = 0;
  for (const std::string& p : lines(s.shelf({"ls"}).out)) registered += p.find("-crash-") != std::string::npos;
  std::cout << registered << " crash-* paths registered (killed after registering, or finished)\n";
  // The store still works, and an import of a name a killed run started succeeds.
  EXPECT_EQ(s.shelf({"import", archives[1], "--name", "crash-1"}).status, 0);
  expect_consistent(s, "after a final import");
}

TEST(StoreCrash, KillDuringGcNeverDeletesLivePathsOrLeavesHalfOnes) {
  if (!require_tool("sqlite3", "sqlite3") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("crash-gc");
  std::mt19937 gen(std::random_device{}());
  // A rooted chain that gc must never touch.
  write_file(s.root + "/base/lib", "base\n");
  std::string base = trim(s.shelf({"add", s.root + "/base", "--name", "base"}).out);
  write_file(s.root + "/top/bin", "uses " + base + "/lib\n");
  std::string top = trim(s.shelf({"add", s.root + "/top", "--name", "top"}).out);
  make_symlink(top, s.state + "/gcroots/top");

  // The window is the last measured duration of a whole gc, and it grows
  // while kills land before gc deleted anything, so kills spread over the
  // deletions whatever the machine's load does meanwhile.
  int killed = 0, mid_deletion = 0;
  int64_t window = 0;
  uint32_t round = 0, made = 0;
  for (; (killed < 22 || mid_deletion < 5) && round < 160; ++round) {
    // Garbage, topped up to 6 paths: a chain of paths referring to each
    // other (so gc must delete referrers first).
    std::string previous = base;
    for (size_t have = lines(s.shelf({"ls"}).out).size() - 2; have < 6; ++have, ++made) {
      std::string dir = s.root + "/g" + std::to_string(made);
      // Many small files: deleting them is most of a gc run, so random
      // kills land mid-deletion even when process start-up is slow (ASan on
      // a loaded machine).
      for (uint32_t f = 0; f < 400; ++f)
        write_file(dir + "/d" + std::to_string(f % 8) + "/f" + std::to_string(f), random_bytes(512, made * 1000 + f));
      write_file(dir + "/ref", previous + "\n");
      RunResult r = s.shelf({"add", dir, "--name", "garbage"});
      ASSERT_EQ(r.status, 0) << r.err;
      previous = trim(r.out);
    }
    if (window == 0) window = time_of([&] { EXPECT_EQ(s.shelf({"gc", "--dry-run"}).status, 0); }).count();
    std::map<std::string, std::string> before_hashes = registered_hashes(s);
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window)(gen));
    KillOutcome k = run_and_kill(s, {"gc"}, delay);
    bool in_progress = expect_nothing_partial_visible(s, before_hashes, "gc kill " + std::to_string(round));
    size_t after = lines(s.shelf({"ls"}).out).size();
    if (!k.killed) {
      EXPECT_EQ(k.exit_status, 0) << "gc " << round << " failed on its own";
      window = k.ran.count();
    } else {
      ++killed;
      if (in_progress || (after < before_hashes.size() && after > 2)) ++mid_deletion;
      else if (after == before_hashes.size()) window = std::min<int64_t>(window * 13 / 10 + 1000, 30'000'000);
    }
    ASSERT_TRUE(fs::exists(base + "/lib")) << "gc deleted a live path";
    ASSERT_TRUE(fs::exists(top + "/bin")) << "gc deleted a live path";
    if (round % 7 == 6) expect_consistent(s, "after gc kill " + std::to_string(round));
  }
  std::cout << killed << " of " << round << " gc runs killed, " << mid_deletion << " of them mid-deletion\n";
  EXPECT_GE(mid_deletion, 5) << "too few kills landed while gc was deleting";
  EXPECT_GE(killed, 22) << "too few gc runs were interrupted in " << round << " runs";
  expect_consistent(s, "after all gc kills");
  RunResult gc = s.shelf({"gc"});
  EXPECT_EQ(gc.status, 0) << gc.err;
  std::vector<std::string> live = {base, top};
  std::sort(live.begin(), live.end());
  EXPECT_EQ(lines(s.shelf({"ls"}).out), live);
  expect_consistent(s, "after a full gc");
}

// Adds of the same tree, adds of other trees and gc at the same time: the
// locks serialise what must be serialised and the result is one path.
TEST(StoreConcurrency, ParallelAddsOfOneTreeGiveOnePathAndGcWaits) {
  StoreEnv s("concurrent");
  std::string same = make_source(s, 7);
  std::string other = make_source(s, 8);
  make_symlink(s.store, s.state + "/gcroots/unused");  // a root outside any path: ignored
  std::vector<RunResult> results(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      if (i == 5)
        results[i] = s.shelf({"gc"});
      else
        results[i] = s.shelf({"add", i < 4 ? same : other, "--name", "tree"});
    });
  for (std::thread& t : threads) t.join();
  for (const RunResult& r : results) EXPECT_EQ(r.status, 0) << r.err;
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(results[i].out, results[0].out);
  EXPECT_NE(results[4].out, results[0].out);
  expect_consistent(s, "after concurrent adds and gc");
  // Whatever gc saw of them, every path an add printed is valid or was
  // collected whole: none is half there.
  for (size_t i = 0; i < 5; ++i) {
    std::string p = trim(results[i].out);
    RunResult v = s.shelf({"refs", p});
    EXPECT_EQ(v.status == 0, fs::exists(p)) << p;
  }
}

// `store import` takes the same locks: imports of an archive and adds of
// the tree it holds, racing each other and two collectors, all name one
// path, and whatever the collectors did, that path is whole or absent.
TEST(StoreConcurrency, ParallelImportsAddsAndGcsAgreeOnOnePath) {
  if (!require_tool("sqlite3", "sqlite3") || !require_tool("nix-store", "nix-bin")) return;
  StoreEnv s("concurrent-import");
  std::string tree = make_source(s, 9);
  std::string archive = s.root + "/tree.tar.gz";
  RunResult t = run({"tar", "-C", tree, "-czf", archive, "."});
  ASSERT_EQ(t.status, 0) << t.err;
  for (int round = 0; round < 3; ++round) {
    std::vector<RunResult> results(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < results.size(); ++i)
      threads.emplace_back([&, i] {
        if (i % 4 == 3) results[i] = s.shelf({"gc"});
        else if (i % 2 == 0) results[i] = s.shelf({"import", archive, "--name", "tree"});
        else results[i] = s.shelf({"add", tree, "--name", "tree"});
      });
    for (std::thread& th : threads) th.join();
    std::string path;
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].status, 0) << i << ": " << results[i].err;
      if (i % 4 == 3) continue;
      if (path.empty()) path = trim(results[i].out);
      EXPECT_EQ(trim(results[i].out), path) << "import and add of the same tree gave different paths";
    }
    expect_consistent(s, "after concurrent imports, adds and gc, round " + std::to_string(round));
    std::vector<std::string> listed = lines(s.shelf({"ls"}).out);
    EXPECT_TRUE(listed.empty() || listed == std::vector<std::string>{path}) << "round " << round;
    if (!listed.empty()) {
      RunResult ours = run({"nix-store", "--dump", path});
      EXPECT_TRUE(ours.status == 0 && ours.out == run({"nix-store", "--dump", tree}).out) << path << " is not whole";
    }
  }
}

// The instants random kills rarely hit: each named crash point (see
// src/store/crash_point.h) of add and delete, hit exactly.
TEST(StoreCrash, EveryCrashPointOfAddAndDeleteRecovers) {
  struct Case {
    const char* point;
    bool add;              // the crash happens during add (else during delete)
    bool path_survives;    // after recovery the path is valid (rolled forward)
  };
  for (const Case& c : {Case{"add:built", true, false}, Case{"add:registered", true, true},
                        Case{"add:renamed", true, true}, Case{"delete:unregistered", false, false},
                        Case{"delete:renamed", false, false}, Case{"delete:trashed", false, false}}) {
    StoreEnv s(std::string("crash-point-") + (c.add ? "add" : "delete"));
    std::string src = make_source(s, 42);
    std::string path;
    if (c.add) {
      StoreEnv probe("crash-point-probe");  // where the path will land, computed by a clean add
      probe.store = s.store;  // same store directory, so the same path name
      probe.env["SHELF_STORE"] = s.store;
      probe.env["SHELF_STATE"] = probe.root + "/state";
      path = trim(probe.shelf({"add", src, "--name", "victim"}).out);
      ASSERT_EQ(run({"sh", "-c", "chmod -R u+w '" + s.store + "' && rm -rf '" + s.store + "'"}).status, 0);
      StoreEnv crashing = s;
      crashing.env["SHELF_CRASH_AT"] = c.point;
      RunResult r = crashing.shelf({"add", src, "--name", "victim"});
      EXPECT_EQ(r.status, 128 + SIGKILL) << c.point << ": the crash point was not reached\n" << r.err;
    } else {
      path = trim(s.shelf({"add", src, "--name", "victim"}).out);
      StoreEnv crashing = s;
      crashing.env["SHELF_CRASH_AT"] = c.point;
      RunResult r = crashing.shelf({"delete", path});
      EXPECT_EQ(r.status, 128 + SIGKILL) << c.point << ": the crash point was not reached\n" << r.err;
    }
    expect_consistent(s, c.point);
    std::vector<std::string> listed = lines(s.shelf({"ls"}).out);
    EXPECT_EQ(listed, c.path_survives ? std::vector<std::string>{path} : std::vector<std::string>{}) << c.point;
    if (c.path_survives) {
      RunResult nix = run({"nix-store", "--dump", path});
      RunResult ours = run({"nix-store", "--dump", src});
      EXPECT_TRUE(nix.status == 0 && nix.out == ours.out) << c.point << ": the recovered path differs from its source";
    }
  }
}

}  // namespace
