// Strict, typed reading of one TOML table: every accessor names the dotted
// key and the value's position when the type is wrong, and finish() refuses
// keys nobody asked for, so a typo in a recipe is an error, not a silently
// ignored setting.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "recipe/error.h"
#include "recipe/recipe.h"

namespace shelf::recipe {

Position position_of(const toml::node& node);
// "string", "integer", "array", "table", …
std::string type_name(const toml::node& node);

class TableReader {
 public:
  // `prefix` is the dotted key of the table itself ("" for the root).
  TableReader(const toml::table& table, std::string file, std::string prefix);

  std::string key(std::string_view name) const;  // prefix.name
  Origin origin(std::string_view name) const;     // of the value, or of the table when absent
  const toml::node* get(std::string_view name);   // marks `name` as known; null when absent

  std::optional<std::string> string(std::string_view name);
  std::string required_string(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  std::optional<int64_t> integer(std::string_view name);
  // An array of strings (a single string is also accepted when `single_ok`).
  std::vector<std::string> strings(std::string_view name, bool single_ok = false);
  // Where element `i` of the array `name` is (the value itself when it is
  // a single string).
  Origin element_origin(std::string_view name, size_t i) const;
  const toml::table* table(std::string_view name);
  const toml::array* array(std::string_view name);

  // Refuses the first key not read by any accessor above.
  void finish() const;
  [[noreturn]] void fail(std::string_view name, const std::string& reason) const;
  [[noreturn]] void wrong_type(std::string_view name, const toml::node& node, const std::string& expected) const;

  const std::string& file() const { return file_; }

 private:
  const toml::table& table_;
  std::string file_;
  std::string prefix_;
  std::set<std::string, std::less<>> known_;
};

// An element of an array of strings, checked; `key` names the element.
std::string string_element(const toml::node& node, const std::string& file, const std::string& key);

}  // namespace shelf::recipe
