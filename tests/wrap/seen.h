// What the printargs fixture (testdata/wrap) reports: its argv, working
// directory, environment and process ids, decoded from hex.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/run.h"

namespace shelf::test {

struct Seen {
  std::vector<std::string> argv;
  std::string cwd;
  std::map<std::string, std::string> env;
  long pid = 0, ppid = 0;
  bool has(const std::string& var) const { return env.count(var) != 0; }
  std::string get(const std::string& var) const {
    auto it = env.find(var);
    return it == env.end() ? std::string("<unset>") : it->second;
  }
};

Seen parse_seen(const std::string& out);

std::string printargs();  // the fixture's path

enum class Kind { shell, binary };
std::string kind_name(Kind kind);

// `shelf wrap [--binary] TARGET OUT FLAGS...`; asserts success.
void make_wrapper(Kind kind, const std::string& target, const std::string& out,
                  const std::vector<std::string>& flags);
// Same, returning the result (for refusals).
RunResult try_make_wrapper(Kind kind, const std::string& target, const std::string& out,
                           const std::vector<std::string>& flags);

// Runs `wrapper args...` with extra environment, asserts exit 0, decodes.
Seen run_seen(const std::string& wrapper, const std::vector<std::string>& args = {},
              const std::map<std::string, std::string>& env = {});

// Quotes for sh with single quotes (independent of shelf's own quoting).
std::string sq(const std::string& s);

}  // namespace shelf::test
