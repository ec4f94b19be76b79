#include "recipe/patch_step.h"

#include <sys/stat.h>

#include "autopatch/autopatch.h"
#include "elf/error.h"
#include "patch/patch.h"
#include "recipe/tree_ops.h"

namespace shelf::recipe {

namespace {

patch::EditPlan edits_of(const Recipe& recipe, const FilePatch& p, const Substitutions& subst) {
  patch::EditPlan plan;
  if (p.interpreter) plan.interpreter = expand(*p.interpreter, subst, recipe.file, p.origin);
  if (p.rpath) {
    plan.rpath.op = patch::RpathEdit::Op::kSet;
    plan.rpath.value = expand(*p.rpath, subst, recipe.file, p.origin);
  }
  for (const std::string& lib : p.add_needed) plan.add_needed.push_back(lib);
  plan.remove_needed.insert(p.remove_needed.begin(), p.remove_needed.end());
  plan.replace_needed = p.replace_needed;
  return plan;
}

void apply_file_patches(const Recipe& recipe, const std::string& built, const Substitutions& subst) {
  for (const FilePatch& p : recipe.patch.files) {
    std::vector<std::string> matches = glob_in(built, p.glob);
    if (matches.empty())
      throw Error(recipe.file, p.origin.key, "'" + p.glob + "' matches nothing in the output", p.origin.at);
    patch::EditPlan plan = edits_of(recipe, p, subst);
    for (const std::string& m : matches) {
      std::string path = built + "/" + m;
      // Installed files may be read-only (tar keeps modes); the store makes
      // everything read-only again when it registers the output.
      struct stat st;
      if (lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) chmod(path.c_str(), st.st_mode | S_IWUSR);
      try {
        patch::patch_file(path, plan, {});
      } catch (const elf::Error& e) {
        throw Error(recipe.file, p.origin.key, "cannot patch " + m + ": " + e.reason(), p.origin.at);
      }
    }
  }
}

}  // namespace

void autopatch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                      const std::vector<std::string>& dependency_paths) {
  autopatch::Options options;
  options.dir = built;
  options.deps = dependency_paths;
  for (const std::string& dir : recipe.patch.runtime_deps)
    options.runtime_deps.push_back(expand(dir, subst, recipe.file, recipe.patch.origin));
  options.ignore_missing = recipe.patch.ignore_missing;
  options.jobs = 1;  // builds run beside each other; one writer each
  autopatch::Plan plan;
  try {
    plan = autopatch::make_plan(options);
    if (!plan.ok()) {
      // Paths in the temporary build directory mean nothing to the user;
      // name them relative to the output.
      std::string text = autopatch::problems_text(plan);
      for (size_t at = text.find(built + "/"); at != std::string::npos; at = text.find(built + "/", at))
        text.replace(at, built.size() + 1, "$out/");
      while (!text.empty() && text.back() == '\n') text.pop_back();
      throw Error(recipe.file, "patch.auto", "unresolved libraries (add dependencies or ignore_missing):\n" + text,
                  recipe.patch.origin.at);
    }
    autopatch::apply(plan, options.jobs);
  } catch (const elf::Error& e) {
    throw Error(recipe.file, "patch.auto", e.what(), recipe.patch.origin.at);
  }
}

void patch_output(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                  const std::vector<std::string>& dependency_paths) {
  if (!recipe.patch.automatic && (!recipe.patch.ignore_missing.empty() || !recipe.patch.runtime_deps.empty()))
    throw Error(recipe.file, "patch", "ignore_missing and runtime_deps need auto = true", recipe.patch.origin.at);
  if (recipe.patch.automatic) autopatch_output(recipe, built, subst, dependency_paths);
  apply_file_patches(recipe, built, subst);
}

}  // namespace shelf::recipe
