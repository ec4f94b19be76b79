#include "recipe/tree_ops.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

// `root` is a literal directory inside a glob pattern.
std::string escape_glob(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void copy_entry(const fs::path& from, const fs::path& to, const std::string& file, const Origin& origin) {
  std::error_code ec;
  if (fs::symlink_status(to, ec).type() != fs::file_type::not_found && !fs::is_directory(from))
    throw Error(file, origin.key, "'" + to.string() + "' is installed twice", origin.at);
  fs::create_directories(to.parent_path(), ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) throw Error(file, origin.key, "cannot install " + from.string() + ": " + ec.message(), origin.at);
}

}  // namespace

std::vector<std::string> glob_in(const std::string& root, const std::string& pattern) {
  std::string prefix = escape_glob(root) + "/";
  glob_t g{};
  int rc = glob((prefix + pattern).c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(std::string(g.gl_pathv[i]).substr(root.size() + 1));
  globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

void remove_bundled(const Recipe& recipe, const std::string& tree) {
  for (size_t i = 0; i < recipe.remove.size(); ++i) {
    const std::string& pattern = recipe.remove[i];
    const Origin& origin = recipe.remove_origins[i];
    std::vector<std::string> matches = glob_in(tree, pattern);
    if (matches.empty())
      throw Error(recipe.file, origin.key, "'" + pattern + "' matches nothing in the unpacked sources", origin.at);
    for (const std::string& m : matches) {
      std::error_code ec;
      fs::remove_all(tree + "/" + m, ec);
      if (ec) throw Error(recipe.file, origin.key, "cannot remove " + m + ": " + ec.message(), origin.at);
    }
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
  for (const InstallRule& rule : recipe.install) {
    std::vector<std::string> matches = glob_in(tree, rule.glob);
    if (matches.empty())
      throw Error(recipe.file, rule.origin.key, "'" + rule.glob + "' matches nothing in the unpacked sources",
                  rule.origin.at);
    if (rule.dest.ends_with("/")) {
      for (const std::string& m : matches)
        copy_entry(tree + "/" + m, fs::path(out) / rule.dest / fs::path(m).filename(), recipe.file, rule.origin);
    } else {
      if (matches.size() != 1)
        throw Error(recipe.file, rule.origin.key,
                    "'" + rule.glob + "' matches " + std::to_string(matches.size()) +
                        " entries; end the destination with '/' to install them into a directory",
                    rule.origin.at);
      copy_entry(tree + "/" + matches[0], fs::path(out) / rule.dest, recipe.file, rule.origin);
    }
  }
}

void merge_tree(const std::string& from, const std::string& to, const std::string& file, const Origin& origin) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) throw Error(to, "", "cannot create directory: " + ec.message());
  // Listed first: the loop renames entries out of `from`.
  std::vector<fs::directory_entry> entries(fs::directory_iterator(from), fs::directory_iterator{});
  for (const fs::directory_entry& e : entries) {
    fs::path target = fs::path(to) / e.path().filename();
    fs::file_status there = fs::symlink_status(target, ec);
    if (there.type() == fs::file_type::not_found) {
      fs::rename(e.path(), target, ec);
      if (ec) throw Error(file, origin.key, "cannot move " + e.path().string() + ": " + ec.message(), origin.at);
    } else if (fs::is_directory(there) && e.is_directory() && !e.is_symlink()) {
      merge_tree(e.path().string(), target.string(), file, origin);
    } else {
      throw Error(file, origin.key, "'" + target.filename().string() + "' comes from two sources", origin.at);
    }
  }
  fs::remove_all(from, ec);
}

void strip_components(const std::string& dir, int count, const std::string& file, const Origin& origin) {
  for (int level = 0; level < count; ++level) {
    std::string next = dir + ".strip";
    fs::create_directory(next);
    std::vector<fs::directory_entry> entries(fs::directory_iterator(dir), fs::directory_iterator{});
    for (const fs::directory_entry& e : entries)
      if (e.is_directory() && !e.is_symlink()) merge_tree(e.path().string(), next, file, origin);
    fs::remove_all(dir);
    fs::rename(next, dir);
  }
}

}  // namespace shelf::recipe
