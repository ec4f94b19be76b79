// Running external programs from tests: shelf itself and the independent
// tools (readelf, eu-readelf, ldd, …) whose answers we compare against.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace shelf::test {

struct RunResult {
  int status = -1;  // exit status, or 128+signal
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with `argv`, no shell involved. `env`
// entries are added to (or replace) the inherited environment.
RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env = {});

// Fails the current test (ADD_FAILURE, returns false) when `tool` is not in
// PATH, naming the Debian package that provides it. Never a silent skip.
bool require_tool(const std::string& tool, const std::string& package);

// Splits text into lines (without the newline characters).
std::vector<std::string> lines(const std::string& text);

}  // namespace shelf::test
