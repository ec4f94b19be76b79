// Shared helpers of the recipe tests: the store tests' private store
// ($SHELF_STORE and $SHELF_STATE in a fresh temporary directory) with
// `shelf build` against it, and small files on disk.
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
#include "store/store_env.h"

namespace shelf::test {

// The store tests' private store (root, store, state, env, entries()) with
// `shelf build` added. shelf() here runs any shelf command (it hides
// StoreEnv::shelf, which prefixes `store`), since recipe tests also wrap
// and inspect.
struct RecipeEnv : StoreEnv {
  using StoreEnv::StoreEnv;
  RunResult build(std::vector<std::string> args) const {
    args.insert(args.begin(), {shelf_bin(), "build"});
    return run(args, env);
  }
  RunResult shelf(std::vector<std::string> args) const {
    args.insert(args.begin(), shelf_bin());
    return run(args, env);
  }
  // `shelf store ls`: the valid paths.
  std::string valid_paths() const { return shelf({"store", "ls"}).out; }
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// sha256sum's answer for `path` (the independent tool, not shelf).
inline std::string sha256_of(const std::string& path) {
  RunResult r = run({"sha256sum", path});
  return r.out.substr(0, 64);
}

// Runs a shell command line (the test's own fixtures, never shelf).
inline RunResult sh(const std::string& script) { return run({"sh", "-c", script}); }

}  // namespace shelf::test
