// `shelf store …` end to end on a private store: paths equal Nix's, dump and
// hash equal Nix's tools, references, closures, delete, gc roots, verify, and
// bad input leaving the store unchanged.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "store_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

std::string add(const StoreEnv& s, const std::string& dir, const std::string& name, const std::string& version = "") {
  std::vector<std::string> args = {"add", dir, "--name", name};
  if (!version.empty()) args.insert(args.end(), {"--version", version});
  RunResult r = s.shelf(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out).size(), 1u) << r.out;
  return trim(r.out);
}

std::vector<std::string> out_lines(const RunResult& r) { return lines(r.out); }

TEST(StoreCli, AddCanonicalisesAndMatchesNixStoreAdd) {
  if (!require_tool("nix-store", "nix-bin")) return;
  StoreEnv s("cli-add");
  std::string src = s.root + "/src";
  write_file(src + "/bin/hello", "#!/bin/sh\necho hello\n", 04775);
  write_file(src + "/share/doc/README", "read me\n", 0666);
  fs::create_directories(src + "/empty");
  make_symlink("bin/hello", src + "/hello-link");

  std::string path = add(s, src, "hello", "1.0");
  EXPECT_TRUE(path.starts_with(s.store + "/"));
  std::string base = path.substr(s.store.size() + 1);
  EXPECT_EQ(base.size(), 32 + std::string("-hello-1.0").size());
  EXPECT_TRUE(base.ends_with("-hello-1.0"));

  // Canonical metadata (checked with stat(1), not our own code).
  RunResult st = run({"find", path, "-printf", "%m %T@ %y %P\n"});
  ASSERT_EQ(st.status, 0);
  for (const std::string& line : lines(st.out)) {
    EXPECT_NE(line.find(" 1.0000000000 "), std::string::npos) << line;
    char type = line[line.find(' ', line.find(' ') + 1) + 1];
    if (type == 'l') continue;
    std::string mode = line.substr(0, line.find(' '));
    if (type == 'd' || line.ends_with("bin/hello")) EXPECT_EQ(mode, "555") << line;
    else EXPECT_EQ(mode, "444") << line;
  }
  // Adding the same content again gives the same path and no second entry.
  EXPECT_EQ(add(s, src, "hello", "1.0"), path);
  EXPECT_EQ(out_lines(s.shelf({"ls"})), std::vector<std::string>{path});

  // The same tree added by nix-store --add into a Nix store with the same
  // store directory lands at the same path.
  RunResult r = run({"sh", "-c", "chmod -R u+w '" + s.store + "' && rm -rf '" + s.store + "'"});
  ASSERT_EQ(r.status, 0) << r.err;
  fs::rename(src, s.root + "/hello-1.0");
  RunResult nix = run({"nix-store", "--add", s.root + "/hello-1.0"},
                      {{"NIX_STORE_DIR", s.store}, {"NIX_STATE_DIR", s.root + "/nix-state"}, {"NIX_LOG_DIR", s.root + "/nix-log"}});
  ASSERT_EQ(nix.status, 0) << nix.err;
  EXPECT_EQ(trim(nix.out), path);
}

TEST(StoreCli, DumpAndHashEqualNixTools) {
  if (!require_tool("nix-store", "nix-bin") || !require_tool("nix", "nix-bin")) return;
  StoreEnv s("cli-dump");
  std::string src = s.root + "/src";
  write_file(src + "/lib/libx.so", random_bytes(100000, 3), 0755);
  write_file(src + "/etc/conf", "k=v\n");
  make_symlink("../lib/libx.so", src + "/etc/link");
  std::string path = add(s, src, "dumpme");
  for (const std::string& target : {path, src, src + "/etc/conf"}) {
    RunResult ours = s.shelf({"dump", target});
    RunResult nix = run({"nix-store", "--dump", target});
    ASSERT_EQ(ours.status, 0) << ours.err;
    ASSERT_EQ(nix.status, 0) << nix.err;
    EXPECT_TRUE(ours.out == nix.out) << target;

    RunResult hash = s.shelf({"hash", target});
    ASSERT_EQ(hash.status, 0) << hash.err;
    RunResult sri = run({"nix", "--extra-experimental-features", "nix-command", "hash", "path", target});
    RunResult b32 = run({"nix-hash", "--type", "sha256", "--base32", target});
    EXPECT_EQ(out_lines(hash), (std::vector<std::string>{"sha256:" + trim(b32.out), trim(sri.out)}));
    EXPECT_EQ(trim(s.shelf({"hash", "--sri", target}).out), trim(sri.out));
    EXPECT_EQ(trim(s.shelf({"hash", "--base16", target}).out), trim(run({"nix-hash", "--type", "sha256", target}).out));
  }
  // ls --long shows the registered NAR hash, which is nix-hash's.
  std::string listed = trim(s.shelf({"ls", "--long"}).out);
  EXPECT_NE(listed.find("sha256:" + trim(run({"nix-hash", "--type", "sha256", "--base32", path}).out)), std::string::npos);
}

TEST(StoreCli, ReferencesClosureDeleteAndGcRoots) {
  StoreEnv s("cli-refs");
  write_file(s.root + "/a/lib/liba.so", "library a\n");
  std::string a = add(s, s.root + "/a", "a");
  // b names a inside a file, split across nothing special; c points at b by
  // a symlink target only.
  write_file(s.root + "/b/bin/run", "#!/bin/sh\nexec " + a + "/lib/liba.so \"$@\"\n", 0755);
  std::string b = add(s, s.root + "/b", "b");
  make_symlink(b + "/bin/run", s.root + "/c/bin/run");
  std::string c = add(s, s.root + "/c", "c");
  write_file(s.root + "/d/junk", "nobody needs me\n");
  std::string d = add(s, s.root + "/d", "d");

  EXPECT_EQ(out_lines(s.shelf({"refs", b})), std::vector<std::string>{a});
  EXPECT_EQ(out_lines(s.shelf({"refs", c + "/bin/run"})), std::vector<std::string>{b});
  EXPECT_TRUE(s.shelf({"refs", a}).out.empty());
  std::vector<std::string> closure = {a, b, c};
  std::sort(closure.begin(), closure.end());
  EXPECT_EQ(out_lines(s.shelf({"closure", c})), closure);

  // The JSON listing agrees with sqlite3 reading the database itself.
  if (require_tool("sqlite3", "sqlite3")) {
    RunResult q = run({"sqlite3", s.state + "/db.sqlite",
                       "select r.path from Refs join ValidPaths v on referrer = v.id join ValidPaths r on reference = r.id "
                       "where v.path = '" + c + "'"});
    EXPECT_EQ(lines(q.out), std::vector<std::string>{b});
  }

  // Deleting a referenced path is refused and changes nothing.
  auto before = s.entries();
  RunResult refused = s.shelf({"delete", a});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find(b), std::string::npos) << refused.err;
  EXPECT_EQ(s.entries(), before);
  EXPECT_TRUE(fs::exists(a + "/lib/liba.so"));

  // A gc root on c keeps a, b, c; d goes, and so does a foreign directory.
  fs::create_directories(s.state + "/gcroots");
  make_symlink(c, s.state + "/gcroots/c");
  fs::create_directories(s.store + "/not-a-store-path");
  RunResult dry = s.shelf({"gc", "--dry-run"});
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(out_lines(dry), (std::vector<std::string>{d, s.store + "/not-a-store-path"}));
  EXPECT_TRUE(fs::exists(d));
  RunResult gc = s.shelf({"gc"});
  EXPECT_EQ(gc.status, 0) << gc.err;
  EXPECT_EQ(out_lines(gc), out_lines(dry));
  EXPECT_FALSE(fs::exists(d));
  EXPECT_FALSE(fs::exists(s.store + "/not-a-store-path"));
  EXPECT_EQ(out_lines(s.shelf({"ls"})), closure);

  // Deleting a rooted path is refused; after dropping the root, deleting c
  // works and b, then a, become deletable.
  EXPECT_EQ(s.shelf({"delete", c}).status, 1);
  fs::remove(s.state + "/gcroots/c");
  EXPECT_EQ(s.shelf({"delete", c}).status, 0);
  EXPECT_FALSE(fs::exists(c));
  EXPECT_EQ(s.shelf({"delete", b, a}).status, 0);
  EXPECT_TRUE(s.shelf({"ls"}).out.empty());
  EXPECT_TRUE(s.entries().empty());
  EXPECT_EQ(s.shelf({"verify"}).status, 0);
}

TEST(StoreCli, GcRootsThroughIndirectLinksAndInsidePaths) {
  StoreEnv s("cli-indirect");
  write_file(s.root + "/x/file", "x\n");
  std::string x = add(s, s.root + "/x", "x");
  write_file(s.root + "/y/file", "y\n");
  std::string y = add(s, s.root + "/y", "y");
  // gcroots/result -> ../outside-link -> <x>/file (a file inside the path)
  make_symlink(x + "/file", s.root + "/outside-link");
  make_symlink(s.root + "/outside-link", s.state + "/gcroots/sub/result");
  RunResult gc = s.shelf({"gc"});
  EXPECT_EQ(gc.status, 0) << gc.err;
  EXPECT_EQ(out_lines(gc), std::vector<std::string>{y});
  EXPECT_TRUE(fs::exists(x));
}

TEST(StoreCli, VerifyReportsModifiedMissingAndUnregistered) {
  StoreEnv s("cli-verify");
  write_file(s.root + "/m/f", "original\n");
  std::string m = add(s, s.root + "/m", "m");
  write_file(s.root + "/g/f", "gone\n");
  std::string g = add(s, s.root + "/g", "g");
  write_file(s.root + "/k/f", "kept\n");
  std::string k = add(s, s.root + "/k", "k");
  EXPECT_EQ(s.shelf({"verify"}).status, 0);

  chmod((m + "/f").c_str(), 0644);
  write_file(m + "/f", "tampered\n", 0444);
  ASSERT_EQ(run({"sh", "-c", "chmod -R u+w '" + g + "' && rm -rf '" + g + "'"}).status, 0);
  fs::create_directories(s.store + "/stray");
  RunResult v = s.shelf({"verify"});
  EXPECT_EQ(v.status, 1);
  std::vector<std::string> report = out_lines(v);
  // Rewriting the file also gave it a current mtime: verify names that too.
  ASSERT_EQ(report.size(), 4u) << v.out;
  std::sort(report.begin(), report.end());
  EXPECT_EQ(report[0], "missing " + g);
  EXPECT_TRUE(report[1].starts_with("modified " + m + ": NAR hash sha256:")) << report[1];
  EXPECT_TRUE(report[2].starts_with("not canonical " + m + ": f: mtime ")) << report[2];
  EXPECT_EQ(report[3], "unregistered " + s.store + "/stray");
  EXPECT_EQ(v.out.find(k), std::string::npos);
}

TEST(StoreCli, BadInputLeavesTheStoreUnchanged) {
  StoreEnv s("cli-bad");
  write_file(s.root + "/ok/f", "fine\n");
  std::string ok = add(s, s.root + "/ok", "ok");
  auto before = s.entries();
  std::string listed = s.shelf({"ls", "--json"}).out;

  auto expect_refused = [&](std::vector<std::string> args, const std::string& needle) {
    RunResult r = s.shelf(args);
    EXPECT_EQ(r.status, 3) << args[1] << ": " << r.err;
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(s.entries(), before);
    EXPECT_EQ(s.shelf({"ls", "--json"}).out, listed);
  };
  expect_refused({"add", s.root + "/nope", "--name", "nope"}, s.root + "/nope");

  write_file(s.root + "/sock/a/normal", "x\n");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock = s.root + "/sock/a/socket";
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  expect_refused({"add", s.root + "/sock", "--name", "sock"}, sock);
  close(fd);

  write_file(s.root + "/fifo/f", "x\n");
  ASSERT_EQ(mkfifo((s.root + "/fifo/pipe").c_str(), 0644), 0);
  expect_refused({"add", s.root + "/fifo", "--name", "fifo"}, "pipe");
  expect_refused({"add", s.root + "/ok", "--name", "bad/name"}, "bad/name");
  expect_refused({"add", s.root + "/ok", "--name", ".dot"}, ".dot");
  expect_refused({"refs", "/etc/passwd"}, "not in the store");
  expect_refused({"refs", s.store + "/00000000000000000000000000000000-x"}, "not a valid store path");
  expect_refused({"delete", s.store + "/00000000000000000000000000000000-x"}, "not a valid store path");
  expect_refused({"dump", s.root + "/nope"}, s.root + "/nope");
  expect_refused({"hash", s.root + "/fifo"}, "pipe");
  EXPECT_EQ(s.shelf({"add"}).status, 2);
  EXPECT_EQ(s.shelf({"hash", "--sri", "--base32", ok}).status, 2);
}

TEST(StoreCli, EverySubcommandExplainsItself) {
  StoreEnv s("cli-help");
  for (const char* sub : {"add", "ls", "refs", "closure", "verify", "dump", "hash", "delete", "gc"}) {
    RunResult r = s.shelf({sub, "--help"});
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_GT(r.out.size(), 80u) << sub << ": " << r.out;
  }
}

}  // namespace
