// `shelf store verify` against tampering that changes the NAR (the
// executable bit, a retargeted symlink, a file turned into a directory) and
// tampering a NAR cannot show (write, setuid bits, mtime). The oracles are
// `nix-hash` (does the NAR still match the registered hash?) and find(1)
// (which entries are no longer canonical?).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

struct Tamper {
  std::string name;
  std::string script;  // run by sh in the store path
};

// Entries below `path` that are not canonical per find(1): a non-symlink
// with any write, setuid, setgid or sticky bit, or any entry with mtime != 1.
std::set<std::string> find_non_canonical(const std::string& path) {
  RunResult r = run({"find", path, "(", "!", "-type", "l", "-perm", "/7222", ")", "-printf", "mode ./%P\\n", "-o",
                     "-printf", "time %T@ ./%P\\n"});
  EXPECT_EQ(r.status, 0) << r.err;
  std::set<std::string> result;
  for (const std::string& line : lines(r.out)) {
    std::string rel = line.substr(line.find(" ./") + 3);
    if (line.starts_with("time 1.0000000000 ./")) continue;  // canonical
    result.insert(rel.empty() ? "." : rel);
  }
  return result;
}

// The entries our detail names: "REL: what; REL: what".
std::set<std::string> named_entries(const std::string& detail) {
  std::set<std::string> result;
  for (size_t from = 0; from < detail.size();) {
    size_t end = detail.find("; ", from);
    if (end == std::string::npos) end = detail.size();
    result.insert(detail.substr(from, detail.find(':', from) - from));
    from = end + 2;
  }
  return result;
}

TEST(StoreVerify, TellsNarChangesFromMetadataChanges) {
  if (!require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("verify-tamper");
  const std::vector<Tamper> tampers = {
      {"untouched", "true"},
      {"writable", "chmod u+w f"},
      {"executable", "chmod +x f"},
      {"writable-executable", "chmod 0755 f"},
      {"setuid", "chmod 04555 x"},
      {"touched", "touch -d 2020-01-01 f"},
      {"retargeted", "chmod u+w . && rm l && ln -s x l && chmod 0555 ."},
      {"retyped", "chmod u+w . && rm f && mkdir f && chmod 0555 f ."},
  };
  std::map<std::string, std::string> path_of;
  for (const Tamper& t : tampers) {
    std::string src = s.root + "/src-" + t.name;
    write_file(src + "/f", "data of " + t.name + "\n");
    write_file(src + "/x", "#!/bin/sh\necho " + t.name + "\n", 0755);
    write_file(src + "/sub/g", "nested\n");
    make_symlink("f", src + "/l");
    RunResult r = s.shelf({"add", src, "--name", t.name});
    ASSERT_EQ(r.status, 0) << r.err;
    path_of[t.name] = trim(r.out);
  }
  ASSERT_EQ(s.shelf({"verify"}).status, 0);
  std::map<std::string, std::string> registered;
  for (const auto& p : nlohmann::json::parse(s.shelf({"ls", "--json"}).out)) registered[p["path"]] = p["narHash"];

  for (const Tamper& t : tampers) {
    RunResult r = run({"sh", "-c", "cd '" + path_of[t.name] + "' && " + t.script});
    ASSERT_EQ(r.status, 0) << t.name << ": " << r.err;
  }
  RunResult v = s.shelf({"verify", "--json"});
  EXPECT_EQ(v.status, 1) << v.err;
  std::map<std::string, std::map<std::string, std::string>> reported;  // path -> kind -> detail
  for (const auto& p : nlohmann::json::parse(v.out)) reported[p["path"]][p["kind"]] = p["detail"];

  for (const Tamper& t : tampers) {
    const std::string& path = path_of[t.name];
    std::string now = "sha256:" + trim(run({"nix-hash", "--type", "sha256", "--base32", path}).out);
    bool nar_changed = now != registered[path];
    std::set<std::string> odd = find_non_canonical(path);
    EXPECT_EQ(reported[path].count("modified") == 1, nar_changed) << t.name;
    EXPECT_EQ(reported[path].count("not-canonical") == 1, !odd.empty()) << t.name;
    if (!odd.empty()) {
      EXPECT_EQ(named_entries(reported[path]["not-canonical"]), odd) << t.name;
    }
    reported.erase(path);
  }
  EXPECT_TRUE(reported.empty()) << "reports on paths nobody touched";
  // Which tamperings a NAR shows is Nix's rule; these spot checks pin that
  // the scenarios exercise both kinds (not our output restated).
  EXPECT_EQ(trim(run({"nix-hash", "--type", "sha256", "--base32", path_of["writable"]}).out),
            registered[path_of["writable"]].substr(7));
  EXPECT_NE(trim(run({"nix-hash", "--type", "sha256", "--base32", path_of["executable"]}).out),
            registered[path_of["executable"]].substr(7));

  // The text form: one line per problem, `not canonical` with the reason.
  RunResult text = s.shelf({"verify"});
  EXPECT_EQ(text.status, 1);
  std::string setuid_line, writable_line;
  for (const std::string& line : lines(text.out)) {
    if (line.starts_with("not canonical " + path_of["setuid"] + ": ")) setuid_line = line;
    if (line.starts_with("not canonical " + path_of["writable"] + ": ")) writable_line = line;
  }
  EXPECT_EQ(setuid_line, "not canonical " + path_of["setuid"] + ": x: mode 4555 setuid/setgid") << text.out;
  EXPECT_EQ(writable_line, "not canonical " + path_of["writable"] + ": f: mode 0644 writable") << text.out;

  // Restoring the mode (chmod keeps the mtime) makes a path clean again.
  ASSERT_EQ(run({"chmod", "0444", path_of["writable"] + "/f"}).status, 0);
  ASSERT_EQ(run({"chmod", "0555", path_of["setuid"] + "/x"}).status, 0);
  std::string after = s.shelf({"verify"}).out;
  EXPECT_EQ(after.find(path_of["writable"]), std::string::npos) << after;
  EXPECT_EQ(after.find(path_of["setuid"]), std::string::npos) << after;
  RunResult help = s.shelf({"verify", "--help"});
  EXPECT_NE(help.out.find("--json"), std::string::npos);
  EXPECT_NE(help.out.find("not canonical"), std::string::npos);
}

}  // namespace
