// Shared helpers of the recipe tests: a private store ($SHELF_STORE and
// $SHELF_STATE in a fresh temporary directory), `shelf build` against it,
// and small files on disk.
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {

struct RecipeEnv {
  std::string root, store, state;
  std::map<std::string, std::string> env;

  explicit RecipeEnv(const std::string& tag) {
    root = make_temp_dir(tag);
    store = root + "/store";
    state = root + "/state";
    env = {{"SHELF_STORE", store}, {"SHELF_STATE", state}};
  }
  RunResult build(std::vector<std::string> args) const {
    args.insert(args.begin(), {shelf_bin(), "build"});
    return run(args, env);
  }
  RunResult shelf(std::vector<std::string> args) const {
    args.insert(args.begin(), shelf_bin());
    return run(args, env);
  }
  // Entries of the store directory, sorted, hidden ones included.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(store, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  // `shelf store ls`: the valid paths.
  std::string valid_paths() const { return shelf({"store", "ls"}).out; }
};

inline void write_file(const std::string& path, const std::string& content, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
  chmod(path.c_str(), mode);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// sha256sum's answer for `path` (the independent tool, not shelf).
inline std::string sha256_of(const std::string& path) {
  RunResult r = run({"sha256sum", path});
  return r.out.substr(0, 64);
}

// Runs a shell command line (the test's own fixtures, never shelf).
inline RunResult sh(const std::string& script) { return run({"sh", "-c", script}); }

}  // namespace shelf::test
