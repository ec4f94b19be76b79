#include "launcher_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/paths.h"

namespace shelf::test {

std::string launcher_path() {
  return (std::filesystem::path(shelf_bin()).parent_path() / "shelf-launcher").string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_one_line(const RunResult& r, const std::string& program, const std::string& context) {
  EXPECT_EQ(r.err.rfind(program + ": ", 0), 0u) << context << ": " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << context << ": " << r.err;
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << context;
}

RunResult build_freestanding(const std::string& compiler, const std::vector<std::string>& sources,
                             const std::string& out) {
  // As src/wrap/launcher/CMakeLists.txt builds the launcher.
  std::vector<std::string> argv = {compiler, "-O2", "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-fno-builtin",
                                   "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
                                   "-fno-stack-clash-protection", "-fno-tree-loop-distribute-patterns", "-fno-pie",
                                   "-nostdlib", "-static", "-no-pie", "-s", "-I", source_dir() + "/src/wrap/launcher",
                                   "-o", out};
  argv.insert(argv.end(), sources.begin(), sources.end());
  return run(argv);
}

}  // namespace shelf::test
