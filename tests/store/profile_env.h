// A private store with profiles: `shelf` top-level commands run against it,
// small packages with programs, and the profile directory as text.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "store_env.h"

namespace shelf::test {

struct ProfileEnv : StoreEnv {
  explicit ProfileEnv(const std::string& tag) : StoreEnv(tag) { env["TZ"] = "UTC"; }
  std::string profiles() const { return state + "/profiles"; }
  std::string current() const { return profiles() + "/default"; }
  // `shelf ARGS...` (top-level commands, unlike StoreEnv::shelf).
  RunResult top(std::vector<std::string> args) const {
    args.insert(args.begin(), shelf_bin());
    return run(args, env);
  }
  std::string add(const std::string& dir, const std::string& name) const {
    RunResult r = shelf({"add", dir, "--name", name});
    EXPECT_EQ(r.status, 0) << r.err;
    return trim(r.out);
  }
  // A package NAME whose bin/ holds a shell script per entry of `programs`
  // printing "<program> of NAME".
  std::string package(const std::string& name, const std::vector<std::string>& programs) const {
    std::string dir = root + "/src-" + name;
    for (const std::string& program : programs)
      write_file(dir + "/bin/" + program, "#!/bin/sh\necho '" + program + " of " + name + "'\n", 0755);
    write_file(dir + "/share/doc/README", "docs of " + name + "\n");
    return add(dir, name);
  }
  // `find DIR -printf '%P %y %l'`, sorted.
  std::vector<std::string> profile_dir() const {
    RunResult r = run({"sh", "-c", "find '" + profiles() + "' -printf '%P %y %l\\n' | LC_ALL=C sort"});
    return lines(r.out);
  }
  std::string current_link() const { return std::filesystem::read_symlink(current()).string(); }
  std::string generation_path(int n) const {
    return std::filesystem::read_symlink(profiles() + "/default-" + std::to_string(n) + "-link").string();
  }
};

}  // namespace shelf::test
