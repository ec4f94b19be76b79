// The one exception type of src/recipe: a bad recipe, or a build that
// cannot go on (missing source, sha256 mismatch, install glob matching
// nothing). It names the recipe file and, where known, the key and the
// position of its value, so the CLI prints one line:
//   shelf: recipes/x.toml:7:11: key 'source[0].sha256': expected …, got …
#pragma once

#include <stdexcept>
#include <string>

namespace shelf::recipe {

struct Position {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

class Error : public std::runtime_error {
 public:
  Error(const std::string& file, const std::string& key, const std::string& reason, Position at = {})
      : std::runtime_error(format(file, key, reason, at)), file_(file), key_(key) {}
  const std::string& file() const { return file_; }
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, const std::string& key, const std::string& reason,
                            Position at) {
    std::string where = file;
    if (at.line > 0) where += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    return where + ": " + (key.empty() ? "" : "key '" + key + "': ") + reason;
  }
  std::string file_;
  std::string key_;
};

}  // namespace shelf::recipe
