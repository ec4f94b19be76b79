// Whole-tree resolution: every file of the tree is planned, every problem
// of every file collected, before apply() may write anything.
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "autopatch/autopatch.h"
#include "autopatch/candidates.h"
#include "autopatch/dlopen_notes.h"
#include "autopatch/runpath_choice.h"
#include "autopatch/tree_scan.h"
#include "elf/names.h"
#include "base/text.h"

namespace shelf::autopatch {

namespace fs = std::filesystem;

namespace {

using base::join;

std::vector<std::string> split_path(const std::string& value) { return base::split_nonempty(value, ':'); }

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// Directories inside the tree are written relative to the file ($ORIGIN),
// so the tree can be moved (into the store) after patching and still find
// its bundled libraries; dependencies are absolute, as autoPatchelfHook
// writes them.
std::string runpath_entry(const SearchDir& dir, const std::string& file_dir) {
  if (!dir.in_tree) return dir.path;
  std::string rel = fs::path(dir.path).lexically_relative(file_dir).string();
  return rel == "." ? "$ORIGIN" : "$ORIGIN/" + rel;
}

class FilePlanner {
 public:
  FilePlanner(const Options& options, Candidates& candidates,
              const std::vector<std::string>& runtime_dirs, std::vector<Problem>& problems)
      : options_(options), candidates_(candidates), runtime_dirs_(runtime_dirs), problems_(problems) {}

  FilePlan plan(const TreeFile& file) {
    const inspect::Facts& facts = file.facts;
    FilePlan out;
    out.path = file.path;
    out.real_path = file.real_path;
    out.hard_links = file.hard_links;
    out.executable = facts.interpreter.has_value();
    out.bits = facts.bits;
    out.machine = facts.machine;
    file_ = &file;

    if (out.executable) {
      out.interpreter = candidates_.loader_for(facts, facts.interpreter);
      if (!out.interpreter)
        report("", {}, "no " + std::to_string(facts.bits) + "-bit " + elf::machine_name(facts.machine) +
                           " loader (ld*.so*) in the dependencies");
    }

    std::vector<Request> requests;
    std::vector<bool> from_dlopen;
    for (const std::string& name : facts.needed) {
      if (name.find('/') != std::string::npos) continue;  // a path: the loader opens it as is
      std::vector<std::string> versions;
      for (const auto& [library, vs] : facts.version_needs)
        if (library == name) versions.insert(versions.end(), vs.begin(), vs.end());
      std::vector<Candidate> found = candidates_.lookup(facts, name, versions);
      if (std::optional<Request> r = request_from(name, found)) {
        requests.push_back(std::move(*r));
        from_dlopen.push_back(false);
      } else if (ignored(name)) {
        out.ignored.push_back(name);
      } else {
        report_missing(name, found);
      }
    }
    for (const DlopenEntry& entry : read_dlopen_notes(file.real_path)) {
      std::optional<Request> chosen;
      for (const std::string& alt : entry.sonames)
        if ((chosen = request_from(alt, candidates_.lookup(facts, alt, {})))) break;
      if (chosen) {
        requests.push_back(std::move(*chosen));
        from_dlopen.push_back(true);
      } else if (std::any_of(entry.sonames.begin(), entry.sonames.end(),
                             [&](const std::string& s) { return ignored(s); })) {
        out.ignored.push_back(join(entry.sonames, " | "));
      } else {
        std::string what = join(entry.sonames, " | ");
        report(what, {}, "missing " + what + " (dlopen" +
                             (entry.feature.empty() ? "" : ", feature " + entry.feature) + ")");
      }
    }

    std::string own_dir = fs::path(file.real_path).parent_path().string();
    const std::vector<SearchDir>& dirs = candidates_.dirs();
    std::vector<int> rank(dirs.size());
    for (size_t d = 0; d < dirs.size(); ++d) rank[d] = dirs[d].path == own_dir ? -1 : static_cast<int>(d);

    std::vector<int> order;
    if (!requests.empty()) {
      std::optional<std::vector<int>> chosen = choose_runpath(requests, rank);
      if (!chosen) {
        report("", {}, "no RUNPATH order finds every library (directories shadow each other)");
        chosen.emplace();
      }
      order = *chosen;
    }
    for (int d : order) out.runpath.push_back(runpath_entry(dirs[d], own_dir));
    if (out.executable || options_.runtime_dep_libs)
      for (const std::string& d : runtime_dirs_) add_unique(out.runpath, d);
    if (options_.keep_rpath)
      for (const std::optional<std::string>& old : {facts.runpath, facts.rpath})
        if (old)
          for (const std::string& d : split_path(*old)) add_unique(out.runpath, d);

    // Which file each request loads: the first chosen directory holding it.
    for (size_t i = 0; i < requests.size(); ++i)
      for (int d : order)
        if (requests[i].accepted.count(d)) {
          out.libraries.push_back({requests[i].name, dirs[d].path + "/" + requests[i].name,
                                   from_dlopen[i]});
          break;
        }

    fill_edits(out, facts);
    return out;
  }

 private:
  std::optional<Request> request_from(const std::string& name, const std::vector<Candidate>& found) {
    Request r;
    r.name = name;
    for (const Candidate& c : found) {
      if (c.fit == Candidate::Fit::kAccepted) r.accepted.insert(c.dir);
      if (c.fit == Candidate::Fit::kStops) r.stops.insert(c.dir);
    }
    if (r.accepted.empty()) return std::nullopt;
    return r;
  }

  bool ignored(const std::string& name) const {
    return std::any_of(options_.ignore_missing.begin(), options_.ignore_missing.end(),
                       [&](const std::string& glob) { return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0; });
  }

  void report(const std::string& library, std::optional<std::string> version, const std::string& what) {
    problems_.push_back({file_->path, library, std::move(version), file_->path + ": " + what});
  }

  // The most telling reason: a right-ABI library lacking versions, else missing.
  void report_missing(const std::string& name, const std::vector<Candidate>& found) {
    for (const Candidate& c : found)
      if (!c.lacking.empty()) {
        for (const std::string& v : c.lacking)
          report(name, v, name + " lacks version " + v + " (found " + c.path + ")");
        return;
      }
    report(name, {}, "missing " + name);
  }

  void fill_edits(FilePlan& out, const inspect::Facts& facts) const {
    patch::EditPlan& e = out.edits;
    if (out.interpreter && out.interpreter != facts.interpreter) e.interpreter = out.interpreter;
    std::string runpath = join(out.runpath, ":");
    bool has_any = facts.runpath || facts.rpath;
    if (runpath.empty()) {
      if (has_any) e.rpath.op = patch::RpathEdit::Op::kRemove;
    } else if (facts.rpath || facts.runpath != runpath) {
      e.rpath.op = patch::RpathEdit::Op::kSet;
      e.rpath.value = runpath;
    }
  }

  const Options& options_;
  Candidates& candidates_;
  const std::vector<std::string>& runtime_dirs_;
  std::vector<Problem>& problems_;
  const TreeFile* file_ = nullptr;
};

}  // namespace

Plan make_plan(const Options& options) {
  TreeScan tree = scan_tree(options.dir);
  Candidates candidates(tree, options.deps);
  std::vector<std::string> runtime_dirs;
  for (const std::string& dep : options.runtime_deps)
    for (const std::string& d : dependency_dirs(dep)) add_unique(runtime_dirs, d);

  Plan plan;
  plan.dir = options.dir;
  plan.skipped = tree.skipped;
  FilePlanner planner(options, candidates, runtime_dirs, plan.problems);
  for (const TreeFile& file : tree.files) plan.files.push_back(planner.plan(file));
  return plan;
}

}  // namespace shelf::autopatch
