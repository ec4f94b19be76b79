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
#include <functional>
#include <iostream>
#include <filesystem>
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

// Runs shelf and kills it with SIGKILL after `delay`; true when it was
// killed, false when it finished first.
bool run_and_kill(const StoreEnv& s, const std::vector<std::string>& args, std::chrono::microseconds delay) {
  pid_t pid = spawn_shelf(s, args);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
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
  if (require_tool("sqlite3", "sqlite3")) {
    RunResult q = run({"sqlite3", s.state + "/db.sqlite", "select count(*) from Intents"});
    EXPECT_EQ(trim(q.out), "0") << when;
  }
}

TEST(StoreCrash, KillDuringAddLeavesNothingPartial) {
  StoreEnv s("crash-add");
  std::mt19937 gen(std::random_device{}());
  // How long one add takes here, to spread the kills over all its phases.
  std::string warm = make_source(s, 1000);
  auto full = time_of([&] { EXPECT_EQ(s.shelf({"add", warm, "--name", "warm"}).status, 0); });
  // Kill at a uniformly random instant until 22 adds were interrupted; when
  // an add finishes before its kill, the window shrinks a little.
  int killed = 0;
  int64_t window = full.count();
  uint32_t i = 0;
  for (; killed < 22 && i < 60; ++i) {
    std::string src = make_source(s, i);
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window)(gen));
    if (run_and_kill(s, {"add", src, "--name", "crash-" + std::to_string(i)}, delay))
      ++killed;
    else
      window = window * 9 / 10;
    if (i % 6 == 5) expect_consistent(s, "after add kill " + std::to_string(i));
    fs::remove_all(src);
  }
  EXPECT_GE(killed, 22) << "too few adds were interrupted in " << i << " runs (one add takes " << full.count() << " us)";
  expect_consistent(s, "after all add kills");
  // How many killed adds had got as far as registering (informational).
  int registered = 0;
  for (const std::string& p : lines(s.shelf({"ls"}).out)) registered += p.find("-crash-") != std::string::npos;
  std::cout << killed << " of " << i << " adds killed; " << registered << " paths registered (incl. finished)\n";
  // The store still works: adding a tree that a killed add may have started.
  std::string again = make_source(s, 3);
  EXPECT_EQ(s.shelf({"add", again, "--name", "crash-3"}).status, 0);
  expect_consistent(s, "after a final add");
}

// The same for `store import` of a tar.gz: the kills land while libarchive
// unpacks into the temporary directory, while hashing and while registering.
TEST(StoreCrash, KillDuringImportLeavesNothingPartial) {
  StoreEnv s("crash-import");
  std::mt19937 gen(std::random_device{}());
  std::vector<std::string> archives;
  for (uint32_t seed : {500u, 501u, 502u}) {
    std::string src = make_source(s, seed);
    archives.push_back(s.root + "/archive-" + std::to_string(seed) + ".tar.gz");
    RunResult t = run({"tar", "-C", src, "-czf", archives.back(), "."});
    ASSERT_EQ(t.status, 0) << t.err;
    fs::remove_all(src);
  }
  auto full = time_of([&] { EXPECT_EQ(s.shelf({"import", archives[0], "--name", "warm"}).status, 0); });
  int killed = 0;
  int64_t window = full.count();
  uint32_t i = 0;
  for (; killed < 22 && i < 60; ++i) {
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window)(gen));
    if (run_and_kill(s, {"import", archives[i % archives.size()], "--name", "crash-" + std::to_string(i)}, delay))
      ++killed;
    else
      window = window * 9 / 10;
    if (i % 6 == 5) expect_consistent(s, "after import kill " + std::to_string(i));
  }
  EXPECT_GE(killed, 22) << "too few imports were interrupted in " << i << " runs (one takes " << full.count() << " us)";
  expect_consistent(s, "after all import kills");
  int registered = 0;
  for (const std::string& p : lines(s.shelf({"ls"}).out)) registered += p.find("-crash-") != std::string::npos;
  std::cout << killed << " of " << i << " imports killed; " << registered << " paths registered (incl. finished)\n";
  // The store still works, and an import of a name a killed run started succeeds.
  EXPECT_EQ(s.shelf({"import", archives[1], "--name", "crash-1"}).status, 0);
  expect_consistent(s, "after a final import");
}

TEST(StoreCrash, KillDuringGcNeverDeletesLivePathsOrLeavesHalfOnes) {
  StoreEnv s("crash-gc");
  std::mt19937 gen(std::random_device{}());
  // A rooted chain that gc must never touch.
  write_file(s.root + "/base/lib", "base\n");
  std::string base = trim(s.shelf({"add", s.root + "/base", "--name", "base"}).out);
  write_file(s.root + "/top/bin", "uses " + base + "/lib\n");
  std::string top = trim(s.shelf({"add", s.root + "/top", "--name", "top"}).out);
  make_symlink(top, s.state + "/gcroots/top");

  // The window adapts: it grows while kills land before gc deleted anything
  // and shrinks when gc finishes first, so kills spread over the deletions.
  int killed = 0, mid_deletion = 0;
  int64_t window = 0;
  uint32_t round = 0;
  // Up to 80 rounds: under load (CI on 2 busy cores) gc's duration varies a
  // lot, and the loop stops as soon as enough kills have landed.
  for (; (killed < 20 || mid_deletion < 5) && round < 80; ++round) {
    // Garbage: a chain of paths referring to each other.
    std::string previous = base;
    for (int j = 0; j < 6; ++j) {
      std::string dir = s.root + "/g" + std::to_string(round) + "-" + std::to_string(j);
      write_file(dir + "/data", random_bytes(200000, round * 10 + static_cast<uint32_t>(j)));
      write_file(dir + "/ref", previous + "\n");
      RunResult r = s.shelf({"add", dir, "--name", "garbage"});
      ASSERT_EQ(r.status, 0) << r.err;
      previous = trim(r.out);
    }
    if (window == 0) window = time_of([&] { EXPECT_EQ(s.shelf({"gc", "--dry-run"}).status, 0); }).count();
    size_t before = lines(s.shelf({"ls"}).out).size();
    auto delay = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window)(gen));
    bool was_killed = run_and_kill(s, {"gc"}, delay);
    size_t after = lines(s.shelf({"ls"}).out).size();
    if (!was_killed) {
      window = window * 7 / 10;
    } else {
      ++killed;
      if (after == before) window = window * 13 / 10;
      else if (after > 2) ++mid_deletion;
    }
    ASSERT_TRUE(fs::exists(base + "/lib")) << "gc deleted a live path";
    ASSERT_TRUE(fs::exists(top + "/bin")) << "gc deleted a live path";
    if (round % 7 == 6) expect_consistent(s, "after gc kill " + std::to_string(round));
  }
  std::cout << killed << " of " << round << " gc runs killed, " << mid_deletion << " of them mid-deletion\n";
  EXPECT_GE(mid_deletion, 3) << "too few kills landed while gc was deleting";
  EXPECT_GE(killed, 20) << "too few gc runs were interrupted in " << round << " runs";
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
