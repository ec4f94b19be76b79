// Shared helpers of the store tests: a private store ($SHELF_STORE and
// $SHELF_STATE in a fresh temporary directory), running shelf against it,
// and building small file trees on disk.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {

struct StoreEnv {
  std::string root, store, state;
  std::map<std::string, std::string> env;

  explicit StoreEnv(const std::string& tag) {
    root = make_temp_dir(tag);
    store = root + "/store";
    state = root + "/state";
    env = {{"SHELF_STORE", store}, {"SHELF_STATE", state}};
  }
  RunResult shelf(std::vector<std::string> args) const {
    args.insert(args.begin(), {shelf_bin(), "store"});
    return run(args, env);
  }
  // Entries of the store directory, sorted, including hidden ones.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(store, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

inline void write_file(const std::string& path, const std::string& content, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
  chmod(path.c_str(), mode);
}

inline void make_symlink(const std::string& target, const std::string& link) {
  std::filesystem::create_directories(std::filesystem::path(link).parent_path());
  std::filesystem::create_symlink(target, link);
}

inline std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace shelf::test
