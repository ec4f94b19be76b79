#include "recipe/tree_ops.h"

#include <sys/stat.h>

#include <filesystem>

#include "base/error.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

bool is_real_directory(const base::Tree& tree, const std::string& rel) {
  std::optional<struct stat> st = tree.lstat(rel);
  return st && S_ISDIR(st->st_mode);
}

// One [install] copy; directories merge, anything else twice is an error.
void install_entry(const base::Tree& from, const std::string& from_rel, const base::Tree& to,
                   const std::string& to_rel, const std::string& file, const Origin& origin) {
  std::string parent = fs::path(to_rel).parent_path().string();
  if (!parent.empty()) to.make_directories(parent);
  if (std::optional<struct stat> there = to.lstat(to_rel)) {
    if (!S_ISDIR(there->st_mode) || !is_real_directory(from, from_rel))
      throw Error(file, origin.key, "'" + to.display(to_rel) + "' is installed twice", origin.at);
  }
  base::copy_entry(from, from_rel, to, to_rel);
}

// A step's base::Error as the recipe's error, naming its key.
template <typename F>
void as_recipe_step(const std::string& file, const Origin& origin, F&& step) {
  try {
    step();
  } catch (const base::Error& e) {
    throw Error(file, origin.key, e.what(), origin.at);
  }
}

}  // namespace

void remove_bundled(const Recipe& recipe, const std::string& tree) {
  base::Tree sources(tree, "the unpacked sources");
  for (size_t i = 0; i < recipe.remove.size(); ++i) {
    const std::string& pattern = recipe.remove[i];
    const Origin& origin = recipe.remove_origins[i];
    as_recipe_step(recipe.file, origin, [&] {
      std::vector<std::string> matches = sources.glob(pattern);
      if (matches.empty())
        throw Error(recipe.file, origin.key, "'" + pattern + "' matches nothing in the unpacked sources", origin.at);
      for (const std::string& m : matches) sources.remove_all(m);
    });
  }
}

void install_tree(const Recipe& recipe, const std::string& tree, const std::string& out) {
  std::error_code ec;
  if (!recipe.has_install) {
    fs::rename(tree, out, ec);
    if (ec) throw Error(recipe.file, "", "cannot move the unpacked tree into the output: " + ec.message());
    return;
  }
  fs::create_directories(out, ec);
  if (ec) throw Error(out, "", "cannot create the output: " + ec.message());
  base::Tree from(tree, "the unpacked sources"), to(out, "$out");
  for (const InstallRule& rule : recipe.install) {
    as_recipe_step(recipe.file, rule.origin, [&] {
      std::vector<std::string> matches = from.glob(rule.glob);
      if (matches.empty())
        throw Error(recipe.file, rule.origin.key, "'" + rule.glob + "' matches nothing in the unpacked sources",
                    rule.origin.at);
      if (rule.dest.ends_with("/")) {
        std::string dir = rule.dest.substr(0, rule.dest.size() - 1);
        if (!dir.empty()) to.make_directories(dir);
        for (const std::string& m : matches)
          install_entry(from, m, to, join(dir, fs::path(m).filename().string()), recipe.file, rule.origin);
      } else {
        if (matches.size() != 1)
          throw Error(recipe.file, rule.origin.key,
                      "'" + rule.glob + "' matches " + std::to_string(matches.size()) +
                          " entries; end the destination with '/' to install them into a directory",
                      rule.origin.at);
        install_entry(from, matches[0], to, rule.dest, recipe.file, rule.origin);
      }
    });
  }
}

void merge_tree(const base::Tree& from, const std::string& from_rel, const base::Tree& to, const std::string& to_rel,
                const std::string& file, const Origin& origin) {
  as_recipe_step(file, origin, [&] {
    if (!to_rel.empty()) to.make_directories(to_rel);
    for (const std::string& name : from.list(from_rel)) {
      std::string source = join(from_rel, name), target = join(to_rel, name);
      std::optional<struct stat> there = to.lstat(target);
      if (!there) {
        base::move_entry(from, source, to, target);
      } else if (S_ISDIR(there->st_mode) && is_real_directory(from, source)) {
        merge_tree(from, source, to, target, file, origin);
      } else {
        throw Error(file, origin.key, "'" + to.display(target) + "' comes from two sources", origin.at);
      }
    }
    if (!from_rel.empty()) from.remove_all(from_rel);
  });
}

void strip_components(const base::Tree& work, const std::string& name, int count, const std::string& file,
                      const Origin& origin) {
  for (int level = 0; level < count; ++level) {
    std::string next = name + ".strip";
    as_recipe_step(file, origin, [&] {
      work.make_directories(next);
      // Only real directories are entered: a link is data and is dropped
      // with the other entries of this level.
      for (const std::string& entry : work.list(name))
        if (is_real_directory(work, join(name, entry))) merge_tree(work, join(name, entry), work, next, file, origin);
      work.remove_all(name);
      work.rename(next, name);
    });
  }
}

}  // namespace shelf::recipe
