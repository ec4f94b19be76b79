#include "support/paths.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace shelf::test {

namespace {
std::string env_or_throw(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string("environment variable ") + name + " is not set (run through ctest)");
  return v;
}
}  // namespace

std::string shelf_bin() { return env_or_throw("SHELF_BIN"); }
std::string fixtures_dir() { return env_or_throw("SHELF_FIXTURES"); }
std::string source_dir() { return env_or_throw("SHELF_SOURCE"); }

std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = (std::filesystem::temp_directory_path() / ("shelf-test-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return tmpl;
}

}  // namespace shelf::test
