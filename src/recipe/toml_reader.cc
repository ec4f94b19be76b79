// The one translation unit that compiles toml++'s implementation: the
// library is used with TOML_HEADER_ONLY=0 (src/recipe/CMakeLists.txt), not
// linked as libtomlplusplus.so, so shelf needs no toml++ at run time.
#define TOML_IMPLEMENTATION
#include "recipe/toml_reader.h"

namespace shelf::recipe {

Position position_of(const toml::node& node) {
  const toml::source_region& src = node.source();
  return {static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return node.is_array_of_tables() ? "array of tables" : "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string file, std::string prefix)
    : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

std::string TableReader::key(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

Origin TableReader::origin(std::string_view name) const {
  const toml::node* node = table_.get(name);
  return {key(name), position_of(node ? *node : static_cast<const toml::node&>(table_))};
}

const toml::node* TableReader::get(std::string_view name) {
  known_.insert(std::string(name));
  return table_.get(name);
}

void TableReader::fail(std::string_view name, const std::string& reason) const {
  throw Error(file_, key(name), reason, origin(name).at);
}

void TableReader::wrong_type(std::string_view name, const toml::node& node, const std::string& expected) const {
  throw Error(file_, key(name), "expected " + expected + ", got " + type_name(node), position_of(node));
}

std::optional<std::string> TableReader::string(std::string_view name) {
  const toml::node* node = get(name);
  if (!node) return std::nullopt;
  if (!node->is_string()) wrong_type(name, *node, "a string");
  return node->as_string()->get();
}

std::string TableReader::required_string(std::string_view name) {
  std::optional<std::string> value = string(name);
  if (!value) fail(name, "missing (expected a string)");
  if (value->empty()) fail(name, "expected a non-empty string");
  return *value;
}

std::optional<bool> TableReader::boolean(std::string_view name) {
  const toml::node* node = get(name);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) wrong_type(name, *node, "a boolean");
  return node->as_boolean()->get();
}

std::optional<int64_t> TableReader::integer(std::string_view name) {
  const toml::node* node = get(name);
  if (!node) return std::nullopt;
  if (!node->is_integer()) wrong_type(name, *node, "an integer");
  return node->as_integer()->get();
}

std::string string_element(const toml::node& node, const std::string& file, const std::string& key) {
  if (!node.is_string())
    throw Error(file, key, "expected a string, got " + type_name(node), position_of(node));
  return node.as_string()->get();
}

std::vector<std::string> TableReader::strings(std::string_view name, bool single_ok) {
  const toml::node* node = get(name);
  if (!node) return {};
  if (single_ok && node->is_string()) return {node->as_string()->get()};
  if (!node->is_array()) wrong_type(name, *node, single_ok ? "a string or an array of strings" : "an array of strings");
  std::vector<std::string> out;
  const toml::array& items = *node->as_array();
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back(string_element(items[i], file_, key(name) + "[" + std::to_string(i) + "]"));
  return out;
}

Origin TableReader::element_origin(std::string_view name, size_t i) const {
  const toml::node* node = table_.get(name);
  if (node && node->is_array() && i < node->as_array()->size())
    return {key(name) + "[" + std::to_string(i) + "]", position_of(*node->as_array()->get(i))};
  return origin(name);
}

const toml::table* TableReader::table(std::string_view name) {
  const toml::node* node = get(name);
  if (!node) return nullptr;
  if (!node->is_table()) wrong_type(name, *node, "a table");
  return node->as_table();
}

const toml::array* TableReader::array(std::string_view name) {
  const toml::node* node = get(name);
  if (!node) return nullptr;
  if (!node->is_array()) wrong_type(name, *node, "an array");
  return node->as_array();
}

void TableReader::finish() const {
  // Keys a recipe has at its top: written after a [table] header, TOML puts
  // them into that table, a mistake easy to make and hard to see.
  static const std::set<std::string, std::less<>> kTopLevel = {"name",   "version", "description", "dependencies",
                                                               "remove", "install", "patch",       "wrapper",
                                                               "desktop", "source"};
  for (auto&& [k, v] : table_) {
    if (known_.count(k.str())) continue;
    std::string reason = "unknown key";
    if (!prefix_.empty() && kTopLevel.count(k.str()))
      reason += " ('" + std::string(k.str()) + "' is a top-level key: write it before the first [table] header)";
    const toml::source_region& at = k.source();
    Position where = at.begin.line > 0 ? Position{static_cast<int>(at.begin.line), static_cast<int>(at.begin.column)}
                                       : position_of(v);
    throw Error(file_, key(k.str()), reason, where);
  }
}

}  // namespace shelf::recipe
