#include "recipe/patch_step.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>

#include "autopatch/autopatch.h"
#include "base/error.h"
#include "base/tree.h"
#include "elf/error.h"
#include "patch/patch.h"
#include "recipe/tree_ops.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

patch::EditPlan edits_of(const Recipe& recipe, const FilePatch& p, const Substitutions& subst) {
  patch::EditPlan plan;
  for (const FileEdit& e : p.edits) {
    std::vector<std::string> values = e.values;
    if (e.operation->expands)
      for (std::string& v : values) v = expand(v, subst, recipe.file, p.origin);
    try {
      e.operation->apply(plan, values);
    } catch (const std::invalid_argument& err) {
      throw Error(recipe.file, p.origin.key, err.what(), p.origin.at);
    }
  }
  return plan;
}

void apply_file_patches(const Recipe& recipe, const std::string& built, const Substitutions& subst) {
  base::Tree out(built, "$out");
  for (const FilePatch& p : recipe.patch.files) {
    try {
      std::vector<std::string> matches = out.glob(p.glob);
      if (matches.empty())
        throw Error(recipe.file, p.origin.key, "'" + p.glob + "' matches nothing in the output", p.origin.at);
      patch::EditPlan plan = edits_of(recipe, p, subst);
      for (const std::string& m : matches) {
        // A match may be a link: followed inside the output, never out of
        // it. Installed files may be read-only (tar keeps modes); the store
        // makes everything read-only again when it registers the output.
        base::UniqueFd fd = out.open(m, O_RDONLY | O_NONBLOCK);
        struct stat st {};
        if (fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & S_IWUSR))
          (void)fchmod(fd.get(), st.st_mode | S_IWUSR);
        try {
          patch::patch_in_tree(out, m, plan);
        } catch (const elf::Error& e) {
          throw Error(recipe.file, p.origin.key, "cannot patch " + m + ": " + e.reason(), p.origin.at);
        }
      }
    } catch (const base::Error& e) {
      throw Error(recipe.file, p.origin.key, e.what(), p.origin.at);
    }
  }
}

}  // namespace

void autopatch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                      const std::vector<std::string>& dependency_paths) {
  autopatch::Options options;
  options.dir = built;
  options.deps = dependency_paths;
  // Runtime dependencies inside the output do not exist at $out yet, and
  // autopatch reads every directory it is given: those are checked in the
  // build tree and appended to the executables' RUNPATH afterwards.
  std::string own_dirs;
  for (size_t i = 0; i < recipe.patch.runtime_deps.size(); ++i) {
    const std::string& value = recipe.patch.runtime_deps[i];
    const Origin& origin = recipe.patch.runtime_dep_origins[i];
    std::string dir = expand(value, subst, recipe.file, origin);
    if (dir != subst.out && !dir.starts_with(subst.out + "/")) {
      options.runtime_deps.push_back(dir);
      continue;
    }
    if (!base::Tree(built, "$out").is_directory(dir.substr(std::min(dir.size(), subst.out.size() + 1))))
      throw Error(recipe.file, origin.key, "'" + value + "' is no directory of the output", origin.at);
    own_dirs += (own_dirs.empty() ? "" : ":") + dir;
  }
  options.ignore_missing = recipe.patch.ignore_missing;
  options.jobs = 1;  // builds run beside each other; one writer each
  autopatch::Plan plan;
  try {
    plan = autopatch::make_plan(options);
    if (!plan.ok()) {
      // Paths in the temporary build directory mean nothing to the user;
      // name them relative to the output.
      // One line, as every error: the problems joined with "; ".
      std::string text = autopatch::problems_text(plan);
      for (size_t at = text.find(built + "/"); at != std::string::npos; at = text.find(built + "/", at))
        text.replace(at, built.size() + 1, "$out/");
      while (!text.empty() && text.back() == '\n') text.pop_back();
      for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text.replace(at, 1, "; ");
      throw Error(recipe.file, "patch.auto", "unresolved libraries (add dependencies or ignore_missing): " + text,
                  recipe.patch.auto_origin.at);
    }
    autopatch::apply(plan, options.jobs);
    if (!own_dirs.empty()) {
      patch::EditPlan add;
      add.rpath.op = patch::RpathEdit::Op::kAdd;
      add.rpath.value = own_dirs;
      base::Tree out(built, "$out");
      for (const autopatch::FilePlan& f : plan.files)
        if (f.executable) patch::patch_in_tree(out, fs::path(f.path).lexically_relative(built).string(), add);
    }
  } catch (const base::Error& e) {
    throw Error(recipe.file, "patch.auto", e.what(), recipe.patch.auto_origin.at);
  } catch (const elf::Error& e) {
    std::string what = e.what();
    for (size_t at = what.find(built + "/"); at != std::string::npos; at = what.find(built + "/", at))
      what.replace(at, built.size() + 1, "$out/");
    throw Error(recipe.file, "patch.auto", what, recipe.patch.auto_origin.at);
  }
}

void patch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                  const std::vector<std::string>& dependency_paths) {
  if (recipe.patch.automatic) autopatch_output(recipe, built, subst, dependency_paths);
  apply_file_patches(recipe, built, subst);
}

}  // namespace shelf::recipe
