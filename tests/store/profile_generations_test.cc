// `shelf list` and `shelf generations --delete`: members and the programs
// they provide checked against find(1) and by running them; deletion specs
// checked against `nix-env --delete-generations` on a mirror profile; and
// gc collecting what only deleted generations kept.
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "profile_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

// The store path a profile symlink target lies in ("<store>/<hash>-<name>/bin/x" -> "<store>/<hash>-<name>").
std::string owner_of(const std::string& store, const std::string& target) {
  std::string rest = target.substr(store.size() + 1);
  return store + "/" + rest.substr(0, rest.find('/'));
}

TEST(ProfileList, MembersWithTheProgramsTheyProvide) {
  ProfileEnv s("profile-list-members");
  std::string hello = s.package("hello-1.0", {"hello", "hello-wave"});
  // No bin/ at all: listed with no programs.
  write_file(s.root + "/src-quiet/lib/libquiet.so", "a library\n");
  std::string quiet = s.add(s.root + "/src-quiet", "quiet-1");
  // bin -> usr/bin inside the member.
  write_file(s.root + "/src-usrbin/usr/bin/real", "#!/bin/sh\necho 'real of usrbin-2'\n", 0755);
  make_symlink("usr/bin", s.root + "/src-usrbin/bin");
  std::string usrbin = s.add(s.root + "/src-usrbin", "usrbin-2");

  RunResult empty = s.top({"list"});
  EXPECT_EQ(empty.status, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  ASSERT_EQ(s.top({"install", hello, quiet}).status, 0);
  ASSERT_EQ(s.top({"install", usrbin}).status, 0);

  // The oracle: find(1) over the profile's bin/, each link's target naming its member.
  RunResult found = run({"find", s.current() + "/bin/", "-mindepth", "1", "-type", "l", "-printf", "%P %l\\n"});
  ASSERT_EQ(found.status, 0) << found.err;
  std::map<std::string, std::set<std::string>> programs = {{hello, {}}, {quiet, {}}, {usrbin, {}}};
  for (const std::string& line : lines(found.out)) {
    std::string name = line.substr(0, line.find(' '));
    std::string member = owner_of(s.store, line.substr(line.find(' ') + 1));
    ASSERT_TRUE(programs.count(member)) << line;
    programs[member].insert(name);
  }
  std::vector<std::string> expected;
  for (const auto& [path, bins] : programs) {
    std::string bin_text;
    for (const std::string& b : bins) bin_text += (bin_text.empty() ? "" : " ") + b;
    expected.push_back(fs::path(path).filename().string().substr(33) + "\t" + path + "\t" + bin_text);
  }
  RunResult listed = s.top({"list"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(lines(listed.out), expected);
  EXPECT_EQ(programs[hello], (std::set<std::string>{"hello", "hello-wave"}));
  EXPECT_TRUE(programs[quiet].empty());

  // --json says the same, and each program it names runs from the profile
  // and is the member's own (the scripts print their package's name).
  RunResult json = s.top({"list", "--json"});
  ASSERT_EQ(json.status, 0) << json.err;
  nlohmann::json members = nlohmann::json::parse(json.out);
  ASSERT_EQ(members.size(), 3u);
  for (const auto& m : members) {
    std::string path = m["path"], name = m["name"];
    EXPECT_EQ(m["bin"].get<std::vector<std::string>>().size(), programs[path].size()) << path;
    for (const std::string program : m["bin"]) {
      RunResult ran = run({s.current() + "/bin/" + program});
      EXPECT_EQ(ran.out, program + " of " + name + "\n") << ran.err;
    }
  }

  // After a rollback, list shows the generation now current.
  ASSERT_EQ(s.top({"rollback"}).status, 0);
  EXPECT_EQ(lines(s.top({"list"}).out).size(), 2u);
  EXPECT_EQ(s.top({"list", "--profile", "other"}).out, "");
  RunResult help = s.top({"list", "--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* flag : {"--profile", "--json"}) EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
}

TEST(ProfileGenerations, DeleteRefusesTheCurrentAndGcCollectsWhatOnlyDeletedOnesKept) {
  ProfileEnv s("profile-delete-gc");
  std::string hello1 = s.package("hello-1.0", {"hello"});
  std::string hello2 = s.package("hello-2.0", {"hello"});
  std::string tool = s.package("tool-1", {"tool"});
  ASSERT_EQ(s.top({"install", hello1}).status, 0);
  ASSERT_EQ(s.top({"install", hello2}).status, 0);  // replaces hello-1.0
  ASSERT_EQ(s.top({"install", tool}).status, 0);
  std::string gen1 = s.generation_path(1), gen2 = s.generation_path(2), gen3 = s.generation_path(3);
  EXPECT_EQ(s.shelf({"gc"}).out, "");  // every generation is a root

  // Refusals and bad input change nothing.
  auto before = s.profile_dir();
  RunResult current = s.top({"generations", "--delete", "3"});
  EXPECT_EQ(current.status, 1);
  EXPECT_NE(current.err.find("generation 3 is current"), std::string::npos) << current.err;
  RunResult mixed = s.top({"generations", "--delete", "1", "3"});
  EXPECT_EQ(mixed.status, 1) << mixed.err;
  EXPECT_EQ(s.top({"generations", "--delete", "7"}).status, 3);
  for (std::vector<std::string> bad : {std::vector<std::string>{"+0"}, {"old", "2"}, {"x"}, {"0"}, {"3x"}})
    EXPECT_EQ(s.top([&] { bad.insert(bad.begin(), {"generations", "--delete"}); return bad; }()).status, 3)
        << bad.back();
  EXPECT_EQ(s.top({"generations", "--delete"}).status, 2);
  EXPECT_EQ(s.top({"generations", "--dry-run"}).status, 2);
  RunResult dry = s.top({"generations", "--delete", "old", "--dry-run"});
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(lines(dry.err), (std::vector<std::string>{"profile default: would delete generation 1",
                                                       "profile default: would delete generation 2"}));
  EXPECT_EQ(s.profile_dir(), before);

  RunResult del = s.top({"generations", "--delete", "old"});
  ASSERT_EQ(del.status, 0) << del.err;
  EXPECT_EQ(lines(del.err), (std::vector<std::string>{"profile default: deleted generation 1",
                                                       "profile default: deleted generation 2"}));
  RunResult left = run({"find", s.profiles(), "-mindepth", "1", "-type", "l", "-printf", "%P\\n"});
  std::vector<std::string> links = lines(left.out);
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (std::vector<std::string>{"default", "default-3-link"}));
  EXPECT_EQ(lines(s.top({"generations"}).out).size(), 3u);  // generation 3 and its two members

  // gc now collects the two old generations and hello-1.0, which only
  // generation 1 kept; hello-2.0 and tool stay with generation 3.
  RunResult gc = s.shelf({"gc"});
  ASSERT_EQ(gc.status, 0) << gc.err;
  std::vector<std::string> deleted = lines(gc.out);
  std::sort(deleted.begin(), deleted.end());
  std::vector<std::string> expected = {gen1, gen2, hello1};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(deleted, expected);
  for (const std::string& gone : expected) EXPECT_FALSE(fs::exists(gone)) << gone;
  std::vector<std::string> kept = {gen3, hello2, tool};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(lines(s.shelf({"ls"}).out), kept);
  EXPECT_EQ(run({s.current() + "/bin/hello"}).out, "hello of hello-2.0\n");
  EXPECT_EQ(s.shelf({"verify"}).status, 0);
  EXPECT_EQ(s.top({"rollback"}).status, 1);  // nothing older is left

  // New generations continue the numbering; +1 keeps only the current one.
  ASSERT_EQ(s.top({"remove", "tool"}).status, 0);
  EXPECT_EQ(s.current_link(), "default-4-link");
  ASSERT_EQ(s.top({"generations", "--delete", "+1"}).status, 0);
  EXPECT_FALSE(fs::is_symlink(s.profiles() + "/default-3-link"));
  gc = s.shelf({"gc"});
  deleted = lines(gc.out);
  std::sort(deleted.begin(), deleted.end());
  expected = {gen3, tool};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(deleted, expected);
  EXPECT_EQ(s.shelf({"verify"}).status, 0);
}

// Sets a symlink's own mtime.
void set_link_time(const std::string& link, int64_t seconds) {
  const timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, link.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << link;
}

std::set<int> remaining(const std::string& dir, const std::string& profile) {
  std::set<int> numbers;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string f = e.path().filename().string();
    if (f.starts_with(profile + "-") && f.ends_with("-link"))
      numbers.insert(std::stoi(f.substr(profile.size() + 1, f.size() - profile.size() - 6)));
  }
  return numbers;
}

TEST(ProfileGenerations, DeleteSpecsAgreeWithNixEnv) {
  if (!require_tool("nix-env", "nix-bin")) return;
  ProfileEnv s("profile-delete-nix");
  std::map<int, std::string> targets;
  for (int n = 1; n <= 6; ++n) {
    std::string p = std::to_string(n);
    ASSERT_EQ(s.top({"install", s.package("p" + p + "-1", {"p" + p})}).status, 0);
    targets[n] = s.generation_path(n);
  }
  const int64_t now = std::time(nullptr), day = 24 * 60 * 60;
  struct Case {
    std::string spec;
    int current;
    std::vector<double> age_days;  // per generation 1..6
  };
  const std::vector<double> spread = {40.5, 30.5, 20.5, 12.5, 5.5, 0.5};
  const std::vector<Case> cases = {
      {"+2", 4, spread},  {"+1", 6, spread},  {"+3", 2, spread},  {"+9", 5, spread}, {"old", 3, spread},
      {"2 5", 3, spread}, {"10d", 5, spread}, {"10d", 2, spread}, {"25d", 6, spread}, {"50d", 6, spread},
      {"1d", 4, spread},  {"13d", 1, {40.5, 30.5, 20.5, 20.5, 20.5, 0.5}}};
  std::string nix_root = s.root + "/nix";
  std::map<std::string, std::string> nix_env = {{"NIX_REMOTE", "local?root=" + nix_root}, {"HOME", s.root}};
  for (const Case& c : cases) {
    std::string nix_profiles = nix_root + "-profiles";
    fs::remove_all(nix_profiles);
    fs::create_directories(nix_profiles);
    for (const auto& [n, target] : targets) {
      std::string ours = s.profiles() + "/default-" + std::to_string(n) + "-link";
      std::string theirs = nix_profiles + "/prof-" + std::to_string(n) + "-link";
      fs::remove(ours);
      fs::create_symlink(target, ours);
      fs::create_symlink("/nonexistent/" + std::to_string(n), theirs);
      int64_t t = now - static_cast<int64_t>(c.age_days[static_cast<size_t>(n - 1)] * day);
      set_link_time(ours, t);
      set_link_time(theirs, t);
    }
    fs::create_symlink("prof-" + std::to_string(c.current) + "-link", nix_profiles + "/prof");
    ASSERT_EQ(s.top({"switch-generation", std::to_string(c.current)}).status, 0);

    std::vector<std::string> nix_args = {"nix-env", "--profile", nix_profiles + "/prof", "--delete-generations"};
    std::vector<std::string> our_args = {"generations", "--delete"};
    for (size_t from = 0, to; from <= c.spec.size(); from = to + 1) {
      to = std::min(c.spec.find(' ', from), c.spec.size());
      nix_args.push_back(c.spec.substr(from, to - from));
      our_args.push_back(nix_args.back());
    }
    RunResult nix = run(nix_args, nix_env);
    ASSERT_EQ(nix.status, 0) << c.spec << ": " << nix.err;
    RunResult ours = s.top(our_args);
    ASSERT_EQ(ours.status, 0) << c.spec << ": " << ours.err;
    std::set<int> left = remaining(s.profiles(), "default");
    EXPECT_EQ(left, remaining(nix_profiles, "prof")) << "--delete " << c.spec << " with generation " << c.current
                                                      << " current";
    EXPECT_TRUE(left.count(c.current)) << c.spec;
    EXPECT_EQ(s.current_link(), "default-" + std::to_string(c.current) + "-link");
  }

  // Specifications nix-env refuses are bad input here too (exit 3), and
  // neither side deletes anything (both profiles as the last case left them).
  ASSERT_GT(remaining(s.profiles(), "default").size(), 1u);
  for (const std::string spec : {"0d", "+0", "x", "3x", "-1", "d"}) {
    std::set<int> ours_before = remaining(s.profiles(), "default");
    std::set<int> nix_before = remaining(nix_root + "-profiles", "prof");
    RunResult nix = run({"nix-env", "--profile", nix_root + "-profiles/prof", "--delete-generations", spec}, nix_env);
    EXPECT_NE(nix.status, 0) << spec << ": nix-env accepted it";
    RunResult ours = s.top({"generations", "--delete", spec});
    EXPECT_EQ(ours.status, 3) << spec << ": " << ours.err;
    EXPECT_EQ(lines(ours.err).size(), 1u) << spec << ": " << ours.err;
    EXPECT_NE(ours.err.find(spec), std::string::npos) << spec << ": the error does not name it: " << ours.err;
    EXPECT_EQ(remaining(s.profiles(), "default"), ours_before) << spec;
    EXPECT_EQ(remaining(nix_root + "-profiles", "prof"), nix_before) << spec;
  }
}

}  // namespace
