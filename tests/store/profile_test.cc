// Profiles end to end: `shelf install|remove|generations|rollback|
// switch-generation` on a private store, with programs that must run from
// $SHELF_STATE/profiles/default/bin, symlink trees compared with find(1),
// dates checked with stat(1) and date(1), and gc keeping every generation.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "profile_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

// The shared profile environment (profile_env.h) with packages that also
// carry a desktop entry and an icon, and the views these tests compare.
struct AppEnv : ProfileEnv {
  using ProfileEnv::ProfileEnv;
  using ProfileEnv::package;
  // A package NAME with a shell program bin/PROGRAM printing `greeting`, a
  // desktop entry, an icon and documentation (which profiles do not link).
  std::string package(const std::string& name, const std::string& program, const std::string& greeting) const {
    std::string dir = root + "/src-" + name;
    write_file(dir + "/bin/" + program, "#!/bin/sh\necho '" + greeting + "'\n", 0755);
    write_file(dir + "/share/applications/" + program + ".desktop",
               "[Desktop Entry]\nType=Application\nName=" + program + "\nExec=" + program + "\n");
    write_file(dir + "/share/icons/hicolor/48x48/apps/" + program + ".png", "not really a png: " + name + "\n");
    write_file(dir + "/share/doc/" + program + "/README", "docs of " + name + "\n");
    return add(dir, name);
  }
  // `find DIR/ -printf '%P %y %l'`, sorted: the symlink tree as text.
  std::vector<std::string> tree(const std::string& dir) const {
    RunResult r = run({"sh", "-c", "find '" + dir + "/' -mindepth 1 -printf '%P %y %l\\n' | LC_ALL=C sort"});
    EXPECT_EQ(r.status, 0) << r.err;
    return lines(r.out);
  }
  nlohmann::json generations() const {
    RunResult r = top({"generations", "--json"});
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
};

// Compiled, so the profile runs a real ELF program, not only scripts.
std::string compiled_hello(const AppEnv& s, const std::string& version) {
  std::string dir = s.root + "/src-hello-" + version;
  write_file(s.root + "/hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello " + version + "\"); return 0; }\n");
  fs::create_directories(dir + "/bin");
  RunResult cc = run({"cc", "-o", dir + "/bin/hello", s.root + "/hello.c"});
  EXPECT_EQ(cc.status, 0) << cc.err;
  write_file(dir + "/share/applications/hello.desktop", "[Desktop Entry]\nType=Application\nName=Hello\nExec=hello\nIcon=hello\n");
  write_file(dir + "/share/icons/hicolor/48x48/apps/hello.png", "icon " + version + "\n");
  write_file(dir + "/share/man/man1/hello.1", ".TH HELLO 1\n");
  return s.add(dir, "hello-" + version);
}

TEST(Profile, InstallLinksProgramsDesktopEntriesAndIcons) {
  if (!require_tool("cc", "gcc")) return;
  AppEnv s("profile-install");
  std::string hello = compiled_hello(s, "1.0");
  RunResult r = s.top({"install", hello});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(s.current_link(), "default-1-link");
  RunResult ran = run({s.current() + "/bin/hello"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello 1.0\n");
  // What is linked, and where each link leads (readlink -f, not our code).
  EXPECT_EQ(trim(run({"readlink", "-f", s.current() + "/share/applications/hello.desktop"}).out),
            hello + "/share/applications/hello.desktop");
  EXPECT_EQ(trim(run({"readlink", "-f", s.current() + "/share/icons/hicolor/48x48/apps/hello.png"}).out),
            hello + "/share/icons/hicolor/48x48/apps/hello.png");
  EXPECT_FALSE(fs::exists(s.current() + "/share/man"));
  // The generation is a valid store path that references its member.
  std::string generation = fs::read_symlink(s.profiles() + "/default-1-link").string();
  EXPECT_TRUE(generation.starts_with(s.store + "/") && generation.ends_with("-user-environment")) << generation;
  EXPECT_EQ(lines(s.shelf({"refs", generation}).out), std::vector<std::string>{hello});
  EXPECT_EQ(s.shelf({"verify"}).status, 0);

  // A second package: generation 2 has both, sharing the icon directories;
  // generation 1 is untouched.
  std::vector<std::string> first = s.tree(s.profiles() + "/default-1-link");
  std::string tool = s.package("tool-2.1", "tool", "tool here");
  ASSERT_EQ(s.top({"install", tool}).status, 0);
  EXPECT_EQ(s.current_link(), "default-2-link");
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "hello 1.0\n");
  EXPECT_EQ(run({s.current() + "/bin/tool"}).out, "tool here\n");
  EXPECT_EQ(s.tree(s.profiles() + "/default-1-link"), first);
  std::vector<std::string> second = s.tree(s.current());
  std::vector<std::string> expected_entries = {
      "bin/hello l " + hello + "/bin/hello", "bin/tool l " + tool + "/bin/tool", "share/icons/hicolor/48x48/apps d ",
      "share/applications/tool.desktop l " + tool + "/share/applications/tool.desktop"};
  for (const std::string& expected : expected_entries)
    EXPECT_NE(std::find(second.begin(), second.end(), expected), second.end()) << expected;
  // Installing what is installed changes nothing.
  auto before = s.profile_dir();
  EXPECT_EQ(s.top({"install", hello}).status, 0);
  EXPECT_EQ(s.profile_dir(), before);
}

TEST(Profile, FollowsASymlinkedBinAndKeepsRelativeLinksWorking) {
  AppEnv s("profile-usrbin");
  // bin -> usr/bin, as many unpacked packages have it, and inside it a
  // relative link to a script.
  std::string src = s.root + "/src-usrbin";
  write_file(src + "/usr/bin/real", "#!/bin/sh\necho \"real as $(basename \"$0\")\"\n", 0755);
  make_symlink("real", src + "/usr/bin/alias");
  make_symlink("usr/bin", src + "/bin");
  std::string pkg = s.add(src, "usrbin-1");
  ASSERT_EQ(s.top({"install", pkg}).status, 0);
  EXPECT_EQ(run({s.current() + "/bin/alias"}).out, "real as alias\n");
  EXPECT_EQ(run({s.current() + "/bin/real"}).out, "real as real\n");
  EXPECT_EQ(trim(run({"readlink", "-f", s.current() + "/bin/alias"}).out), pkg + "/usr/bin/real");
  // Only bin/, not the rest of usr/.
  EXPECT_FALSE(fs::exists(s.current() + "/usr"));
}

TEST(Profile, ConflictIsRefusedAndChangesNothing) {
  AppEnv s("profile-conflict");
  std::string greet = s.package("greet-1.0", "hello", "greetings");
  std::string other = s.package("other-1.0", "other", "other");
  ASSERT_EQ(s.top({"install", greet}).status, 0);
  // A second package offering bin/hello (and the same desktop file name).
  std::string fork = s.package("fork-3", "hello", "forked");
  auto profiles_before = s.profile_dir();
  auto store_before = s.entries();
  RunResult r = s.top({"install", other, fork});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("bin/hello"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(greet), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(fork), std::string::npos) << r.err;
  EXPECT_EQ(s.profile_dir(), profiles_before);
  EXPECT_EQ(s.entries(), store_before);
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "greetings\n");
  EXPECT_FALSE(fs::exists(s.current() + "/bin/other"));

  // Paths that are not valid store paths: bad input, nothing changed.
  EXPECT_EQ(s.top({"install", s.root + "/src-other-1.0"}).status, 3);
  EXPECT_EQ(s.top({"install", s.store + "/00000000000000000000000000000000-x"}).status, 3);
  EXPECT_EQ(s.top({"install"}).status, 2);
  EXPECT_EQ(s.profile_dir(), profiles_before);
}

TEST(Profile, RemoveRollbackAndSwitchGeneration) {
  AppEnv s("profile-rollback");
  std::string hello = s.package("hello-1.0", "hello", "hello 1");
  std::string tool = s.package("tool-2.1", "tool", "tool");
  std::string lib = s.package("libthing-0.5", "thing", "thing");
  ASSERT_EQ(s.top({"install", hello}).status, 0);
  auto gen1 = s.tree(s.current());
  ASSERT_EQ(s.top({"install", tool, lib}).status, 0);
  auto gen2 = s.tree(s.current());
  // By name without version, and by store path.
  ASSERT_EQ(s.top({"remove", "hello", lib}).status, 0);
  auto gen3 = s.tree(s.current());
  EXPECT_EQ(s.current_link(), "default-3-link");
  EXPECT_FALSE(fs::exists(s.current() + "/bin/hello"));
  EXPECT_FALSE(fs::exists(s.current() + "/bin/thing"));
  EXPECT_EQ(run({s.current() + "/bin/tool"}).out, "tool\n");
  // Removing what is not installed is bad input and changes nothing.
  auto before = s.profile_dir();
  RunResult missing = s.top({"remove", "tool", "hello"});
  EXPECT_EQ(missing.status, 3);
  EXPECT_NE(missing.err.find("hello"), std::string::npos) << missing.err;
  EXPECT_EQ(s.profile_dir(), before);

  // Rollback walks back through the generations, each exactly as it was.
  ASSERT_EQ(s.top({"rollback"}).status, 0);
  EXPECT_EQ(s.current_link(), "default-2-link");
  EXPECT_EQ(s.tree(s.current()), gen2);
  ASSERT_EQ(s.top({"rollback"}).status, 0);
  EXPECT_EQ(s.tree(s.current()), gen1);
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "hello 1\n");
  RunResult none = s.top({"rollback"});
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(s.current_link(), "default-1-link");

  ASSERT_EQ(s.top({"switch-generation", "3"}).status, 0);
  EXPECT_EQ(s.tree(s.current()), gen3);
  EXPECT_EQ(s.top({"switch-generation", "9"}).status, 3);
  EXPECT_EQ(s.top({"switch-generation", "zero"}).status, 2);
  EXPECT_EQ(s.tree(s.current()), gen3);

  // After a rollback, a new generation takes the next free number, and an
  // install of a newer version replaces the older one (same name).
  ASSERT_EQ(s.top({"rollback"}).status, 0);
  std::string hello2 = s.package("hello-2.0", "hello", "hello 2");
  ASSERT_EQ(s.top({"install", hello2}).status, 0);
  EXPECT_EQ(s.current_link(), "default-4-link");
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "hello 2\n");
  nlohmann::json gens = s.generations();
  ASSERT_EQ(gens.size(), 4u);
  std::vector<std::string> members = gens[3]["members"];
  std::vector<std::string> expected = {hello2, lib, tool};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(members, expected);

  // A second profile is independent of the first.
  ASSERT_EQ(s.top({"install", "--profile", "work", tool}).status, 0);
  EXPECT_EQ(fs::read_symlink(s.profiles() + "/work").string(), "work-1-link");
  EXPECT_EQ(s.current_link(), "default-4-link");
  // Names that would clash with a profile's own files are refused.
  auto profiles_before = s.profile_dir();
  EXPECT_EQ(s.top({"install", "--profile", "../evil", tool}).status, 3);
  EXPECT_EQ(s.top({"install", "--profile", "default-1-link", tool}).status, 3);
  EXPECT_EQ(s.profile_dir(), profiles_before);
}

// Messages that said the wrong thing (issue 13 part 9): each one line,
// with the status the error deserves.
TEST(Profile, MessagesSayWhatHappened) {
  AppEnv s("profile-messages");
  std::string hello = s.package("hello-1.0", "hello", "hello 1");
  std::string tool = s.package("tool-2.1", "tool", "tool");
  RunResult word = s.top({"switch-generation", "abc"});
  EXPECT_EQ(word.status, 2);
  EXPECT_NE(word.err.find("'abc' is not a generation number"), std::string::npos) << word.err;
  EXPECT_EQ(word.err.find("1797693"), std::string::npos) << word.err;
  EXPECT_LT(word.err.size(), 200u) << word.err;
  RunResult empty = s.top({"install", "--profile", "", hello});
  EXPECT_EQ(empty.status, 2) << empty.err;
  EXPECT_NE(empty.err.find("the profile name is empty"), std::string::npos) << empty.err;
  // The current generation's link deleted by hand: the next install takes
  // its number and switches to it from nothing (it once said "unchanged").
  ASSERT_EQ(s.top({"install", hello}).status, 0);
  ASSERT_EQ(s.top({"install", tool}).status, 0);
  ASSERT_EQ(s.current_link(), "default-2-link");
  fs::remove(s.profiles() + "/default-2-link");
  RunResult again = s.top({"install", tool});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.err, "profile default: switched from nothing to generation 2\n");
  EXPECT_EQ(run({s.current() + "/bin/tool"}).out, "tool\n");
}

TEST(Profile, ConcurrentInstallsLoseNothing) {
  AppEnv s("profile-race");
  std::vector<std::string> pkgs;
  for (const char* n : {"p1", "p2", "p3", "p4"}) pkgs.push_back(s.package(std::string(n) + "-1", n, n));
  // Four installs at once: the profile lock serialises them, so each one
  // builds on the previous generation and the last has every package.
  std::string script;
  for (const std::string& p : pkgs) script += "'" + shelf_bin() + "' install '" + p + "' & ";
  script += "wait";
  RunResult r = run({"sh", "-c", script}, s.env);
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json gens = s.generations();
  ASSERT_EQ(gens.size(), 4u) << gens.dump();
  EXPECT_EQ(s.current_link(), "default-4-link");
  EXPECT_EQ(gens[3]["members"].size(), 4u) << gens.dump();
  for (const char* n : {"p1", "p2", "p3", "p4"}) EXPECT_EQ(run({s.current() + "/bin/" + n}).out, std::string(n) + "\n");
}

TEST(Profile, GenerationsListsNumbersDatesCurrentAndMembers) {
  AppEnv s("profile-list");
  std::string a = s.package("a-1", "a", "a");
  std::string b = s.package("b-1", "b", "b");
  EXPECT_EQ(s.top({"generations"}).out, "");
  ASSERT_EQ(s.top({"install", a}).status, 0);
  ASSERT_EQ(s.top({"install", b}).status, 0);
  ASSERT_EQ(s.top({"rollback"}).status, 0);
  RunResult r = s.top({"generations"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto date_of = [&](int n) {
    std::string link = s.profiles() + "/default-" + std::to_string(n) + "-link";
    std::string seconds = trim(run({"stat", "-c", "%Y", link}).out);
    return trim(run({"date", "-u", "-d", "@" + seconds, "+%Y-%m-%d %H:%M:%S"}).out);
  };
  // Members are listed in store-path order.
  std::vector<std::string> both = {"    " + a, "    " + b};
  std::sort(both.begin(), both.end());
  std::vector<std::string> expected = {"1  " + date_of(1) + "  (current)", "    " + a, "2  " + date_of(2), both[0], both[1]};
  EXPECT_EQ(lines(r.out), expected);
  nlohmann::json j = s.generations();
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["current"], true);
  EXPECT_EQ(j[1]["current"], false);
  EXPECT_EQ(j[1]["path"], fs::read_symlink(s.profiles() + "/default-2-link").string());
}

TEST(Profile, GcKeepsEveryGenerationUntilItsLinkIsGone) {
  AppEnv s("profile-gc");
  std::string hello1 = s.package("hello-1.0", "hello", "hello 1");
  std::string hello2 = s.package("hello-2.0", "hello", "hello 2");
  // A member that links nothing (no bin/, no share/) is kept by the manifest.
  write_file(s.root + "/src-lib/lib/libquiet.so", "a library\n");
  std::string quiet = s.add(s.root + "/src-lib", "quiet-1");
  write_file(s.root + "/src-junk/junk", "nobody's\n");
  std::string junk = s.add(s.root + "/src-junk", "junk");
  ASSERT_EQ(s.top({"install", hello1}).status, 0);
  std::string gen1 = fs::read_symlink(s.profiles() + "/default-1-link").string();
  ASSERT_EQ(s.top({"install", hello2, quiet}).status, 0);
  std::string gen2 = fs::read_symlink(s.profiles() + "/default-2-link").string();

  RunResult gc = s.shelf({"gc"});
  ASSERT_EQ(gc.status, 0) << gc.err;
  EXPECT_EQ(lines(gc.out), std::vector<std::string>{junk});
  for (const std::string& kept : {hello1, hello2, quiet, gen1, gen2}) EXPECT_TRUE(fs::exists(kept)) << kept;
  // Members of the current generation cannot be deleted by hand either.
  RunResult del = s.shelf({"delete", hello2});
  EXPECT_EQ(del.status, 1);
  EXPECT_NE(del.err.find("referenced by " + gen2), std::string::npos) << del.err;
  del = s.shelf({"delete", hello2, gen2});
  EXPECT_EQ(del.status, 1);
  EXPECT_NE(del.err.find("default-2-link"), std::string::npos) << del.err;
  EXPECT_TRUE(fs::exists(hello2));

  // The old generation's link removed by hand: its tree and hello 1.0 go,
  // the current generation and its members stay and still run.
  fs::remove(s.profiles() + "/default-1-link");
  gc = s.shelf({"gc"});
  ASSERT_EQ(gc.status, 0) << gc.err;
  std::vector<std::string> deleted = lines(gc.out);
  std::sort(deleted.begin(), deleted.end());
  std::vector<std::string> expected = {gen1, hello1};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(deleted, expected);
  for (const std::string& kept : {hello2, quiet, gen2}) EXPECT_TRUE(fs::exists(kept)) << kept;
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "hello 2\n");
  EXPECT_EQ(s.shelf({"verify"}).status, 0);

  // Another profile's generations are roots too.
  std::string side = s.package("side-1", "side", "side");
  ASSERT_EQ(s.top({"install", "--profile", "side", side}).status, 0);
  EXPECT_TRUE(s.shelf({"gc"}).out.empty());
  EXPECT_TRUE(fs::exists(side));

  // Removing everything still roots the old generation until it is gone.
  ASSERT_EQ(s.top({"remove", "hello", "quiet"}).status, 0);
  EXPECT_TRUE(s.shelf({"gc"}).out.empty());
  EXPECT_TRUE(fs::exists(hello2));
}

TEST(Profile, EveryCommandExplainsItself) {
  AppEnv s("profile-help");
  for (const char* cmd : {"install", "remove", "generations", "rollback", "switch-generation"}) {
    RunResult r = s.top({cmd, "--help"});
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_GT(r.out.size(), 80u) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("--profile"), std::string::npos) << cmd;
  }
}

}  // namespace
