// `shelf autopatch`: what nixpkgs' autoPatchelfHook does, with the loader's
// own rules. Every ELF file of a tree gets the interpreter of its ABI from
// the dependencies and a RUNPATH that makes each NEEDED (and each library it
// declares it may dlopen) load from the tree or the dependencies only.
//
//   autopatch::Plan plan = autopatch::make_plan(options);   // reads, never writes
//   if (plan.ok()) autopatch::apply(plan, options.jobs);    // one write per file, all or nothing
//
// The whole tree is resolved before anything is written: a plan with
// problems is reported and nothing is touched.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "patch/edit_plan.h"

namespace shelf::autopatch {

struct Options {
  std::string dir;                         // the tree to patch
  std::vector<std::string> deps;           // store paths or library directories, in priority order
  std::vector<std::string> runtime_deps;   // always appended to executables' RUNPATH
  bool runtime_dep_libs = false;           // ... and to shared libraries' RUNPATH
  std::vector<std::string> ignore_missing; // fnmatch globs over library names
  bool keep_rpath = false;                 // keep existing RUNPATH/RPATH entries (after ours)
  unsigned jobs = 0;                       // writer threads; 0 = one per core
};

// Where one requested library was found.
struct Resolved {
  std::string name;        // as requested (DT_NEEDED or a .note.dlopen alternative)
  std::string path;        // the file chosen (absolute)
  bool dlopen = false;     // requested by .note.dlopen, not DT_NEEDED
};

struct FilePlan {
  std::string path;                        // as found under Options::dir
  std::string real_path;                   // absolute, symbolic links resolved
  std::vector<std::string> hard_links;     // other names of the same file in the tree
  bool executable = false;                 // has PT_INTERP
  int bits = 0;
  uint16_t machine = 0;
  std::optional<std::string> interpreter;  // new PT_INTERP (executables)
  std::vector<std::string> runpath;        // new RUNPATH entries, in order
  std::vector<Resolved> libraries;
  std::vector<std::string> ignored;        // unresolved but matched by --ignore-missing
  patch::EditPlan edits;                   // what apply() writes (may be empty)
};

// One reason the tree cannot be patched.
struct Problem {
  std::string file;
  std::string library;                 // empty for a missing interpreter
  std::optional<std::string> version;  // set when the library lacks this version
  std::string message;                 // "FILE: missing libfoo.so.1"
};

struct Skipped {
  std::string path;
  std::string reason;  // "not ELF", "static", "link outside the tree", ...
};

struct Plan {
  std::string dir;
  std::vector<FilePlan> files;
  std::vector<Problem> problems;
  std::vector<Skipped> skipped;
  bool ok() const { return problems.empty(); }
};

// Resolves the whole tree. Throws elf::Error for bad input: DIR or a
// dependency that is not a directory, a file in DIR with the ELF magic that
// does not parse.
Plan make_plan(const Options& options);

struct ApplyResult {
  size_t written = 0;    // files rewritten
  size_t unchanged = 0;  // files whose plan changed nothing
};

// Writes every file of an ok() plan, `jobs` files at a time, one write per
// file: the changed bytes into the file itself (its inode kept, as
// autoPatchelfHook does through patchelf), or a new file renamed over it
// when it is linked from outside the tree, mapped by a running process, or
// `copy` asks for that. All or nothing for the whole tree: when one file
// fails, every file already written is restored, then the error (elf::Error
// or base::Error, naming the file) is thrown.
ApplyResult apply(const Plan& plan, unsigned jobs, bool copy = false);

// The plan as text (one block per file, problems as "FILE: missing LIB")
// and as JSON.
std::string to_text(const Plan& plan);
std::string problems_text(const Plan& plan);
nlohmann::ordered_json to_json(const Plan& plan);

}  // namespace shelf::autopatch
