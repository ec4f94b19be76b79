#include "recipe/build.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "recipe/expand.h"
#include "recipe/launchers.h"
#include "recipe/output_path.h"
#include "recipe/parse.h"
#include "recipe/patch_step.h"
#include "recipe/sources.h"
#include "recipe/tree_ops.h"
#include "store/error.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

std::string canonical(const std::string& file) {
  std::error_code ec;
  fs::path p = fs::canonical(file, ec);
  return ec ? fs::absolute(file).lexically_normal().string() : p.string();
}

// Nix's parseDrvName: the name ends at the first '-' followed by a
// character that is not a letter ("glibc-2.36" -> "glibc").
std::string drv_name(const std::string& name) {
  for (size_t i = 0; i + 1 < name.size(); ++i)
    if (name[i] == '-' && !std::isalpha(static_cast<unsigned char>(name[i + 1]))) return name.substr(0, i);
  return name;
}

bool names_recipe(const std::string& text, const std::string& resolved) {
  return text.ends_with(".toml") || fs::is_regular_file(resolved);
}

}  // namespace

std::vector<std::string> describe_plan(const Recipe& recipe) {
  std::vector<std::string> lines;
  for (const Source& s : recipe.sources)
    lines.push_back("source " + (s.url.empty() ? s.path : s.url) + " (sha256 " + s.sha256 + ", unpack " +
                    std::string(store::archive_format(s.unpack).name) +
                    (s.strip_components ? ", strip_components " + std::to_string(s.strip_components) : "") +
                    (s.dest.empty() ? "" : ", into " + s.dest) + ")");
  for (const std::string& r : recipe.remove) lines.push_back("remove " + r);
  if (!recipe.has_install) lines.push_back("install the whole unpacked tree");
  for (const InstallRule& i : recipe.install) lines.push_back("install $out/" + i.dest + " <- " + i.glob);
  if (recipe.patch.automatic) {
    std::string line = "autopatch against the dependencies";
    for (const std::string& g : recipe.patch.ignore_missing) line += ", ignore missing " + g;
    for (const std::string& d : recipe.patch.runtime_deps) line += ", runtime dependency " + d;
    lines.push_back(line);
  }
  for (const FilePatch& p : recipe.patch.files) {
    std::string line = "patch $out/" + p.glob + ":";
    for (const FileEdit& e : p.edits) line += " " + patch::describe_recipe_edit(*e.operation, e.values);
    lines.push_back(line);
  }
  for (const WrapperRule& w : recipe.wrappers) {
    std::string line = std::string(w.binary ? "binary " : "") + "wrapper $out/" + w.out + " -> " + w.target;
    if (!w.binary && w.shell != "/bin/sh") line += " --shell " + w.shell;
    for (const wrap::Operation& op : w.operations) {
      line += std::string(" ") + wrap::flag_name(op.kind);
      for (const std::string& a : op.args) line += " '" + a + "'";
    }
    lines.push_back(line);
  }
  for (const DesktopRule& d : recipe.desktops)
    lines.push_back("desktop entry $out/share/applications/" + d.id + ".desktop (Exec=" + d.exec + ")");
  return lines;
}

std::string Builder::dependency_path(const Recipe& recipe, const Dependency& dep, std::string& name) {
  fs::path p(dep.text);
  std::string resolved = (p.is_absolute() ? p : fs::path(recipe.dir) / p).lexically_normal().string();
  if (p.is_absolute() && (resolved == store_.dir() || resolved.starts_with(store_.dir() + "/"))) {
    try {
      store::StorePath path = store_.to_store_path(resolved);
      store_.info(path);  // must be valid
      name = drv_name(path.name());
      return store_.print(path);
    } catch (const store::BadInput& e) {
      throw Error(recipe.file, dep.origin.key, e.what(), dep.origin.at);
    }
  }
  if (!names_recipe(dep.text, resolved))
    throw Error(recipe.file, dep.origin.key,
                "'" + dep.text + "' is neither a recipe file nor a path in the store " + store_.dir(), dep.origin.at);
  if (!fs::exists(resolved)) throw Error(recipe.file, dep.origin.key, "no recipe " + resolved, dep.origin.at);
  BuildResult built = build(resolved);
  name = built.package;
  return built.path;
}

BuildResult Builder::build(const std::string& recipe_file) {
  std::string key = canonical(recipe_file);
  if (auto it = done_.find(key); it != done_.end()) return it->second;
  if (std::find(in_progress_.begin(), in_progress_.end(), key) != in_progress_.end()) {
    std::string cycle;
    for (const std::string& f : in_progress_) cycle += f + " -> ";
    throw Error(recipe_file, "dependencies", "dependency cycle: " + cycle + key);
  }
  in_progress_.push_back(key);
  BuildResult result;
  try {
    result = build_parsed(parse_recipe_file(recipe_file));
  } catch (...) {
    in_progress_.pop_back();
    throw;
  }
  in_progress_.pop_back();
  done_[key] = result;
  results_.push_back(result);
  return result;
}

BuildResult Builder::build_parsed(const Recipe& recipe) {
  BuildResult result;
  result.recipe = recipe.file;
  result.name = store::make_name(recipe.name, recipe.version);
  result.package = recipe.name;
  Substitutions subst;
  for (const Dependency& dep : recipe.dependencies) {
    std::string name;
    std::string path = dependency_path(recipe, dep, name);
    result.dependencies.push_back(path);
    subst.deps.emplace(name, path);
  }
  std::string hash = input_hash_part(recipe, result.dependencies, store_.dir());
  store::StorePath out = store::StorePath::parse(hash + "-" + result.name);
  subst.out = store_.print(out);
  result.path = subst.out;
  result.plan = describe_plan(recipe);
  check_expansions(recipe, subst);
  if (options_.dry_run) {
    result.state = store_.is_valid(out) ? BuildResult::State::kValid : BuildResult::State::kPlanned;
    return result;
  }
  bool ran = false;
  store_.add_input_addressed(result.name, hash, [&](const std::string& dest) {
    ran = true;
    // The store builds `dest` inside a temporary directory of its own,
    // removed with everything in it: the sources are unpacked beside it.
    std::string work = fs::path(dest).parent_path().string() + "/work";
    fs::create_directories(work);
    std::string tree = work + "/tree";
    unpack_sources(recipe, work, tree);
    remove_bundled(recipe, tree);
    install_tree(recipe, tree, dest);
    patch_output(recipe, dest, subst, result.dependencies);
    write_wrappers(recipe, dest, subst, options_.launcher);
    write_desktop_entries(recipe, dest, subst);
  });
  result.state = ran ? BuildResult::State::kBuilt : BuildResult::State::kValid;
  return result;
}

}  // namespace shelf::recipe
