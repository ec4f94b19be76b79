#include "recipe/parse.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/input_file.h"
#include "recipe/toml_reader.h"
#include "store/archive_formats.h"
#include "store/error.h"
#include "store/hash.h"
#include "store/store_path.h"
#include "wrap/wrapper_spec.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

// A relative path that stays inside the tree it names a place in.
bool stays_inside(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  for (const fs::path& part : fs::path(path))
    if (part == "..") return false;
  return true;
}

void check_inside(const TableReader& r, std::string_view name, const std::string& value) {
  if (!stays_inside(value))
    r.fail(name, "'" + value + "' must be a relative path without '..' (it names a place inside the build)");
}

Source read_source(const toml::table& table, const std::string& file, const std::string& key) {
  TableReader r(table, file, key);
  Source s;
  s.origin = {key, position_of(table)};
  s.path = r.string("path").value_or("");
  s.url = r.string("url").value_or("");
  if (s.path.empty() == s.url.empty()) r.fail("path", "give exactly one of 'path' and 'url'");
  s.location_origin = r.origin(s.path.empty() ? "url" : "path");
  s.sha256 = r.required_string("sha256");
  s.sha256_origin = r.origin("sha256");
  try {
    store::Hash::parse(s.sha256);
  } catch (const store::BadInput& e) {
    r.fail("sha256", std::string("expected a SHA-256 (base-16, Nix base-32 or SRI): ") + e.reason());
  }
  if (auto unpack = r.string("unpack")) {
    auto named = store::archive_format_named(*unpack);
    if (!named) r.fail("unpack", "expected one of " + store::archive_format_names() + "; got '" + *unpack + "'");
    s.unpack = *named;
  } else {
    std::string name = s.path.empty() ? s.url : s.path;
    auto implied = store::archive_format_of_name(fs::path(name).filename().string());
    if (!implied) r.fail("unpack", "missing, and the name '" + name + "' does not say how to unpack it");
    s.unpack = *implied;
  }
  if (auto strip = r.integer("strip_components")) {
    if (*strip < 0 || *strip > 64) r.fail("strip_components", "expected 0..64, got " + std::to_string(*strip));
    s.strip_components = static_cast<int>(*strip);
  }
  if (auto dest = r.string("dest")) {
    check_inside(r, "dest", *dest);
    s.dest = *dest;
  }
  r.finish();
  return s;
}

// `source` is one table ([source]) or an array of tables ([[source]]).
std::vector<Source> read_sources(TableReader& root) {
  const toml::node* node = root.get("source");
  std::vector<Source> out;
  if (!node) return out;
  if (node->is_table()) {
    out.push_back(read_source(*node->as_table(), root.file(), "source"));
  } else if (node->is_array_of_tables()) {
    const toml::array& items = *node->as_array();
    for (size_t i = 0; i < items.size(); ++i)
      out.push_back(read_source(*items[i].as_table(), root.file(), "source[" + std::to_string(i) + "]"));
  } else {
    root.wrong_type("source", *node, "a table or an array of tables ([[source]])");
  }
  return out;
}

// [[wrapper]] or [[desktop]]: an array of tables; calls `read` for each.
template <typename Read>
void each_table(TableReader& root, std::string_view name, Read read) {
  const toml::node* node = root.get(name);
  if (!node) return;
  if (node->is_table()) {
    read(*node->as_table(), std::string(name));
    return;
  }
  if (!node->is_array_of_tables()) root.wrong_type(name, *node, "an array of tables ([[" + std::string(name) + "]])");
  const toml::array& items = *node->as_array();
  for (size_t i = 0; i < items.size(); ++i)
    read(*items[i].as_table(), std::string(name) + "[" + std::to_string(i) + "]");
}

std::vector<std::string> strings_of(const toml::node& node, const std::string& file, const std::string& key,
                                    size_t count) {
  if (!node.is_array())
    throw Error(file, key, "expected an array of " + std::to_string(count) + " strings, got " + type_name(node),
                position_of(node));
  const toml::array& items = *node.as_array();
  if (items.size() != count)
    throw Error(file, key, "expected " + std::to_string(count) + " strings, got " + std::to_string(items.size()),
                position_of(node));
  std::vector<std::string> out;
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back(string_element(items[i], file, key + "[" + std::to_string(i) + "]"));
  return out;
}

// The makeWrapper operations of a [[wrapper]] table. Each flag of `shelf
// wrap` is a key spelled with '_' (set_default = --set-default), its value
// shaped by the flag's arity: true (0), a string or an array of strings
// (1, one operation each), a table VAR = VAL (2), an array of
// [VAR, SEP, VAL] arrays (3). They apply in the flag order of `shelf wrap
// --help` (argv0, environment, chdir, run, flags); `args`, a list of
// `shelf wrap` flags and values, follows in the order written.
void read_operations(TableReader& r, const toml::table& table, WrapperRule& w) {
  std::vector<wrap::Operation>& ops = w.operations;
  std::vector<Origin>& origins = w.operation_origins;
  for (int k = static_cast<int>(wrap::OpKind::argv0); k <= static_cast<int>(wrap::OpKind::append_flag); ++k) {
    auto kind = static_cast<wrap::OpKind>(k);
    std::string key = std::string(wrap::flag_name(kind)).substr(2);
    for (char& c : key)
      if (c == '-') c = '_';
    if (!table.contains(key)) continue;
    switch (wrap::arity(kind)) {
      case 0:
        if (r.boolean(key).value_or(false)) ops.push_back({kind, {}});
        break;
      case 1:
        for (const std::string& v : r.strings(key, true)) ops.push_back({kind, {v}});
        break;
      case 2: {
        const toml::table* vars = r.table(key);
        for (auto&& [var, value] : *vars)
          ops.push_back({kind, {std::string(var.str()), string_element(value, r.file(), r.key(key) + "." +
                                                                                         std::string(var.str()))}});
        break;
      }
      default: {
        const toml::array* items = r.array(key);
        for (size_t i = 0; i < items->size(); ++i) {
          std::vector<std::string> args =
              strings_of((*items)[i], r.file(), r.key(key) + "[" + std::to_string(i) + "]", 3);
          ops.push_back({kind, args});
        }
      }
    }
    origins.resize(ops.size(), r.origin(key));
  }
  std::vector<std::string> args = r.strings("args");
  for (size_t i = 0; i < args.size(); ++i) {
    wrap::OpKind kind;
    if (!wrap::parse_flag(args[i], kind)) r.fail("args", "'" + args[i] + "' is not a flag of shelf wrap");
    size_t n = static_cast<size_t>(wrap::arity(kind));
    if (n > 0 && i + n >= args.size())
      r.fail("args", args[i] + " takes " + std::to_string(n) + " value(s)");
    wrap::Operation op{kind, {}};
    for (size_t j = 0; j < n; ++j) op.args.push_back(args[++i]);
    ops.push_back(std::move(op));
    origins.push_back(r.origin("args"));
  }
}

WrapperRule read_wrapper(const toml::table& table, const std::string& file, const std::string& key) {
  TableReader r(table, file, key);
  WrapperRule w;
  w.origin = {key, position_of(table)};
  w.target = r.required_string("target");
  w.out = r.required_string("out");
  check_inside(r, "out", w.out);
  w.binary = r.boolean("binary").value_or(false);
  if (auto shell = r.string("shell")) {
    if (!shell->starts_with("/")) r.fail("shell", "expected an absolute path, got '" + *shell + "'");
    w.shell = *shell;
  }
  read_operations(r, table, w);
  r.finish();
  return w;
}

DesktopRule read_desktop(const toml::table& table, const std::string& file, const std::string& key) {
  TableReader r(table, file, key);
  DesktopRule d;
  d.origin = {key, position_of(table)};
  d.name = r.required_string("name");
  d.exec = r.required_string("exec");
  d.id = r.string("id").value_or("");
  if (d.id.empty()) {
    for (char c : d.name)
      d.id += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  }
  if (d.id.find('/') != std::string::npos || d.id.starts_with(".")) r.fail("id", "'" + d.id + "' is not a file name");
  // A file name in a store path, and a word in desktop files: no NUL (TOML
  // allows "\u0000"), newline or other control character.
  if (std::any_of(d.id.begin(), d.id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    r.fail("id", "holds a control character (NUL, newline, ...); not a file name");
  d.icon = r.string("icon").value_or("");
  d.comment = r.string("comment").value_or("");
  for (const std::string& c : r.strings("categories", true)) {
    std::stringstream parts(c);
    for (std::string part; std::getline(parts, part, ';');)
      if (!part.empty()) d.categories.push_back(part);
  }
  d.terminal = r.boolean("terminal");
  r.finish();
  return d;
}

FilePatch read_file_patch(const toml::node& node, const std::string& file, const std::string& key,
                          const std::string& glob) {
  if (!node.is_table()) throw Error(file, key, "expected a table, got " + type_name(node), position_of(node));
  TableReader r(*node.as_table(), file, key);
  FilePatch p;
  p.glob = glob;
  p.origin = {key, position_of(node)};
  if (!stays_inside(glob)) throw Error(file, key, "must be a relative path without '..'", position_of(node));
  // The keys and how each is spelled come from the patcher's table.
  for (const patch::Operation& op : patch::operations()) {
    std::string name(op.recipe_key);
    switch (op.recipe_value) {
      case patch::RecipeValue::kNone:
        break;
      case patch::RecipeValue::kString:
        if (std::optional<std::string> v = r.string(name)) p.edits.push_back({&op, {*v}});
        break;
      case patch::RecipeValue::kPath:
        if (r.get(name)) {
          std::string joined;
          for (const std::string& dir : r.strings(name, true)) joined += (joined.empty() ? "" : ":") + dir;
          p.edits.push_back({&op, {joined}});
        }
        break;
      case patch::RecipeValue::kList:
        for (const std::string& v : r.strings(name)) p.edits.push_back({&op, {v}});
        break;
      case patch::RecipeValue::kPairs:
        if (const toml::table* pairs = r.table(name))
          for (auto&& [from, to] : *pairs)
            p.edits.push_back(
                {&op, {std::string(from.str()), string_element(to, file, r.key(name) + "." + std::string(from.str()))}});
        break;
    }
  }
  r.finish();
  return p;
}

PatchRules read_patch(TableReader& root) {
  PatchRules rules;
  const toml::table* table = root.table("patch");
  if (!table) return rules;
  TableReader r(*table, root.file(), "patch");
  rules.origin = {"patch", position_of(*table)};
  rules.automatic = r.boolean("auto").value_or(false);
  rules.ignore_missing = r.strings("ignore_missing");
  rules.auto_origin = r.origin("auto");
  rules.runtime_deps = r.strings("runtime_deps");
  for (size_t i = 0; i < rules.runtime_deps.size(); ++i)
    rules.runtime_dep_origins.push_back(r.element_origin("runtime_deps", i));
  for (const char* needs_auto : {"ignore_missing", "runtime_deps"})
    if (!rules.automatic && table->contains(needs_auto))
      r.fail(needs_auto, "applies to automatic patching only: add auto = true");
  if (const toml::table* files = r.table("files"))
    for (auto&& [glob, node] : *files)
      rules.files.push_back(read_file_patch(node, root.file(), "patch.files.\"" + std::string(glob.str()) + "\"",
                                            std::string(glob.str())));
  r.finish();
  return rules;
}

}  // namespace

Recipe parse_recipe_text(const std::string& file, const std::string& text) {
  toml::table doc;
  try {
    doc = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw Error(file, "", std::string("not valid TOML: ") + std::string(e.description()),
                {static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)});
  }
  Recipe recipe;
  recipe.file = file;
  recipe.dir = fs::absolute(fs::path(file)).lexically_normal().parent_path().string();
  recipe.text = text;
  TableReader root(doc, file, "");
  recipe.name = root.required_string("name");
  recipe.version = root.required_string("version");
  try {
    store::check_name(store::make_name(recipe.name, recipe.version));
  } catch (const store::BadInput& e) {
    root.fail("name", "'" + recipe.name + "-" + recipe.version + "' is not a valid store path name: " + e.reason());
  }
  root.string("description");  // for readers; not used by the build
  recipe.sources = read_sources(root);
  std::vector<std::string> deps = root.strings("dependencies");
  for (size_t i = 0; i < deps.size(); ++i) {
    if (deps[i].empty()) root.fail("dependencies", "expected a recipe file or a store path, got an empty string");
    recipe.dependencies.push_back({deps[i], root.element_origin("dependencies", i)});
  }
  if (const toml::table* install = root.table("install")) {
    recipe.has_install = true;
    for (auto&& [dest, glob] : *install) {
      std::string d(dest.str());
      std::string key = "install.\"" + d + "\"";
      InstallRule rule{d, string_element(glob, file, key), {key, position_of(glob)}};
      std::string dest_path = d.ends_with("/") ? d.substr(0, d.size() - 1) : d;
      if (!stays_inside(dest_path) || !stays_inside(rule.glob))
        throw Error(file, key, "destination and source must be relative paths without '..'", position_of(glob));
      recipe.install.push_back(std::move(rule));
    }
  }
  recipe.remove = root.strings("remove", true);
  for (size_t i = 0; i < recipe.remove.size(); ++i) {
    Origin at = root.element_origin("remove", i);
    if (!stays_inside(recipe.remove[i]))
      throw Error(file, at.key, "'" + recipe.remove[i] + "' must be a relative path without '..'", at.at);
    recipe.remove_origins.push_back(at);
  }
  recipe.patch = read_patch(root);
  each_table(root, "wrapper", [&](const toml::table& t, const std::string& key) {
    recipe.wrappers.push_back(read_wrapper(t, file, key));
  });
  each_table(root, "desktop", [&](const toml::table& t, const std::string& key) {
    recipe.desktops.push_back(read_desktop(t, file, key));
  });
  root.finish();
  return recipe;
}

Recipe parse_recipe_file(const std::string& file) {
  std::string text;
  try {
    text = base::read_whole_file(file);  // a FIFO or device is refused, never waited on
  } catch (const base::Error& e) {
    throw Error(file, "", "cannot read the recipe: " + e.reason());
  }
  return parse_recipe_text(file, text);
}

}  // namespace shelf::recipe
