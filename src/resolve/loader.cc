#include "resolve/loader.h"

#include <filesystem>

#include "elf/names.h"
#include "resolve/compat.h"

namespace shelf::resolve {

using inspect::Finding;
using inspect::Resolution;
using inspect::Rule;
using inspect::Severity;
using inspect::SkippedCandidate;

std::optional<int> LinkMap::find(const std::string& name) const {
  for (size_t i = 0; i < objects.size(); ++i) {
    for (const std::string& n : names[i])
      if (n == name) return static_cast<int>(i);
    const inspect::Facts* f = files[i] && files[i]->facts ? &*files[i]->facts : nullptr;
    if (f && f->soname && *f->soname == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

namespace {

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return std::filesystem::current_path().string() + "/" + path;
}

class Loader {
 public:
  Loader(const LoaderEnvironment& env, const inspect::Facts& program)
      : env_(env), program_(program), accepted_(accepted_cache_flags(program)) {}

  LinkMap run(const std::string& display, const std::string& path, const LibraryFile& main) {
    add_program(display, path, main);
    add_interpreter();
    std::vector<bool> queued(map_.objects.size(), false);
    std::vector<int> order = {0};
    queued[0] = true;
    for (size_t k = 0; k < order.size(); ++k) {
      int from = order[k];
      const inspect::Facts& facts = *map_.files[from]->facts;
      for (const std::string& needed : facts.needed) {
        Resolution r = resolve(from, needed);
        if (r.object) {
          queued.resize(map_.objects.size(), false);
          if (!queued[*r.object]) {
            queued[*r.object] = true;
            order.push_back(*r.object);
          }
        }
        map_.resolutions.push_back(std::move(r));
      }
    }
    return std::move(map_);
  }

 private:
  int add_object(inspect::LoadedObject object, const LibraryFile* file, std::string name,
                 std::optional<std::string> origin) {
    map_.objects.push_back(std::move(object));
    map_.files.push_back(file);
    map_.names.push_back(name.empty() ? std::vector<std::string>{} : std::vector{std::move(name)});
    map_.tokens.push_back({std::move(origin), system_.lib, platform_name(program_)});
    return static_cast<int>(map_.objects.size() - 1);
  }

  void add_program(const std::string& display, const std::string& path, const LibraryFile& main) {
    // The kernel hands the loader the resolved executable, so the program's
    // $ORIGIN is the directory of its canonical path.
    std::optional<std::string> origin;
    std::optional<std::string> canon = env_.root->canonical(path);
    if (!canon && !env_.root->is_host()) canon = Root().canonical(path);  // outside the sysroot
    if (canon) origin = directory_of(*canon);
    interpreter_ = program_.interpreter;
    if (!interpreter_) interpreter_ = standard_interpreter(program_);
    system_ = system_dirs_for(interpreter_);
    map_.system_dirs = system_.dirs;

    inspect::LoadedObject o;
    o.name = display;
    o.path = display;
    o.rule = Rule::kAudited;
    add_object(std::move(o), &main, "", std::move(origin));

    if (env_.library_path)
      library_path_ = parse_search_list(*env_.library_path, ":;", map_.tokens[0]);
  }

  // Reading a loader's built-in directories scans it; once per run.
  SystemDirs system_dirs_for(const std::optional<std::string>& interpreter) {
    if (!env_.system_dirs) return system_dirs(program_, *env_.root, interpreter);
    std::string key = interpreter.value_or("") + "\n" + multiarch_triplet(program_) + "\n" +
                      std::to_string(program_.machine) + "/" + std::to_string(program_.bits);
    auto it = env_.system_dirs->find(key);
    if (it == env_.system_dirs->end())
      it = env_.system_dirs->emplace(key, system_dirs(program_, *env_.root, interpreter)).first;
    return it->second;
  }

  // The interpreter is in the link map before any dependency, under its
  // PT_INTERP name and its SONAME.
  void add_interpreter() {
    if (!interpreter_ || program_.is_static) return;
    bool declared = program_.interpreter.has_value();
    const std::string& interp = *interpreter_;
    const LibraryFile* f = env_.files->open(env_.root->host_path(interp));
    std::string problem;
    if (!f)
      problem = "interpreter " + interp + " does not exist";
    else if (!f->facts)
      problem = "interpreter " + interp + " is not a usable ELF file: " + f->error;
    else if (auto why = incompatibility(program_, *f->facts))
      problem = "interpreter " + interp + " cannot run this file: " + why->reason;
    if (!problem.empty()) {
      // A library audited on its own names no interpreter: nothing to report.
      if (declared)
        map_.findings.push_back({Severity::kError, "interpreter", map_.objects[0].path, problem});
      return;
    }
    inspect::LoadedObject o;
    o.name = interp;
    o.path = interp;
    o.rule = Rule::kInterpreter;
    add_object(std::move(o), f, interp, directory_of(absolute_path(interp)));
  }

  std::optional<int> loaded_file(const LibraryFile* f) const {
    for (size_t i = 0; i < map_.files.size(); ++i)
      if (map_.files[i] == f) return static_cast<int>(i);
    return std::nullopt;
  }

  // Opens one candidate the way open_verify does. Returns the file when it
  // can be loaded; records why not when it exists but cannot, and sets
  // `stopped_` when the loader would give up on the name there.
  const LibraryFile* try_candidate(const std::string& path, std::vector<SkippedCandidate>& skipped) {
    if (stopped_) return nullptr;
    const LibraryFile* f = env_.files->open(env_.root->host_path(path));
    if (!f) return nullptr;
    std::optional<Incompatibility> why;
    if (!f->facts)
      why = Incompatibility{"not a usable ELF file: " + f->error, true};
    else
      why = incompatibility(program_, *f->facts);
    if (!why) return f;
    stopped_ = why->fatal;
    skipped.push_back({path, why->reason + (why->fatal ? "; the loader stops here" : "")});
    return nullptr;
  }

  struct Hit {
    const LibraryFile* file;
    std::string path;
  };

  std::optional<Hit> search_dirs(const std::vector<SearchDir>& dirs, const std::string& name,
                                 std::vector<SkippedCandidate>& skipped) {
    for (const SearchDir& d : dirs) {
      std::string path = path_in(d.dir, name);
      if (const LibraryFile* f = try_candidate(path, skipped)) return Hit{f, path};
    }
    return std::nullopt;
  }

  std::vector<SearchDir> dirs_of(int object, const std::optional<std::string>& list) {
    if (!list) return {};
    return parse_search_list(*list, ":", map_.tokens[object]);
  }

  Resolution resolve(int from, const std::string& needed) {
    Resolution r;
    r.needed_by = from;
    r.name = needed;
    // DSTs in DT_NEEDED are expanded with the loading object's values.
    std::optional<std::string> name = expand_tokens(needed, map_.tokens[from]);
    if (!name) return r;
    if (auto loaded = map_.find(*name)) {
      r.object = *loaded;
      r.rule = map_.objects[*loaded].rule == Rule::kInterpreter ? Rule::kInterpreter
                                                                 : Rule::kAlreadyLoaded;
      return r;
    }

    std::optional<Hit> hit;
    Rule rule = Rule::kMissing;
    stopped_ = false;
    std::optional<int> rpath_owner;
    const inspect::Facts& facts = *map_.files[from]->facts;
    if (name->find('/') != std::string::npos) {
      if (const LibraryFile* f = try_candidate(*name, r.skipped)) hit = Hit{f, *name};
      rule = Rule::kPath;
    } else {
      if (!facts.runpath) {
        for (std::optional<int> l = from; l && !hit; l = map_.objects[*l].loaded_by) {
          const inspect::Facts& lf = *map_.files[*l]->facts;
          if (lf.runpath || !lf.rpath) continue;  // RUNPATH makes an object's RPATH void
          hit = search_dirs(dirs_of(*l, lf.rpath), *name, r.skipped);
          if (hit) rpath_owner = *l;
        }
        if (hit) rule = Rule::kRpath;
      }
      if (!hit && (hit = search_dirs(library_path_, *name, r.skipped))) rule = Rule::kLdLibraryPath;
      if (!hit && facts.runpath &&
          (hit = search_dirs(dirs_of(from, facts.runpath), *name, r.skipped)))
        rule = Rule::kRunpath;
      if (!hit && !facts.nodeflib()) {
        if (auto cached = env_.cache->lookup(*name, accepted_)) {
          std::string path(*cached);
          if (const LibraryFile* f = try_candidate(path, r.skipped)) {
            hit = Hit{f, path};
            rule = Rule::kCache;
          }
        }
      }
      if (!hit && !facts.nodeflib()) {
        std::vector<SearchDir> dirs;
        for (const std::string& d : system_.dirs) dirs.push_back({d, d});
        if ((hit = search_dirs(dirs, *name, r.skipped))) rule = Rule::kDefaultPath;
      }
    }
    if (!hit) return r;

    if (auto same = loaded_file(hit->file)) {
      // The same file under another name: the loader adds the name to the
      // object it already has.
      map_.names[*same].push_back(*name);
      r.object = *same;
      r.rule = Rule::kAlreadyLoaded;
      return r;
    }
    inspect::LoadedObject o;
    o.name = *name;
    o.path = hit->path;
    o.rule = rule;
    o.loaded_by = from;
    o.rpath_owner = rpath_owner;
    r.object = add_object(std::move(o), hit->file, *name, directory_of(absolute_path(hit->path)));
    // Later requests match the path it was found at as well (l_name).
    if (hit->path != *name) map_.names[*r.object].push_back(hit->path);
    r.rule = rule;
    return r;
  }

  const LoaderEnvironment& env_;
  const inspect::Facts& program_;
  std::vector<int32_t> accepted_;
  std::optional<std::string> interpreter_;
  SystemDirs system_;
  std::vector<SearchDir> library_path_;
  bool stopped_ = false;  // the current name hit a file the loader rejects fatally
  LinkMap map_;
};

}  // namespace

LinkMap load_program(const LoaderEnvironment& env, const std::string& display,
                     const std::string& path, const LibraryFile& main) {
  return Loader(env, *main.facts).run(display, path, main);
}

}  // namespace shelf::resolve
