// The result of auditing one ELF file: every object the loader would map
// (in its breadth-first load order), every NEEDED edge with the rule that
// resolved it, what is missing, symbol versions that are not provided,
// candidates that were skipped, and hygiene findings. Plain values; the
// resolver fills them, `shelf audit` prints them as a tree or as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace shelf::inspect {

// How a NEEDED name was resolved, in glibc's search order.
enum class Rule {
  kRpath,          // DT_RPATH of the loading object or one of its loaders
  kLdLibraryPath,  // LD_LIBRARY_PATH / --library-path
  kRunpath,        // DT_RUNPATH of the loading object
  kCache,          // ld.so.cache
  kDefaultPath,    // the system directories for the object's ABI
  kAlreadyLoaded,  // name (or file identity) matches an object already loaded
  kInterpreter,    // the program interpreter, loaded before everything else
  kPath,           // NEEDED contains '/': opened as a path
  kAudited,        // the audited file itself (object 0)
  kMissing,        // not found anywhere
};
std::string rule_name(Rule rule);  // "rpath", "ld.so.cache", "already loaded", …

// A file that matched a NEEDED name but was passed over by the loader.
struct SkippedCandidate {
  std::string path;
  std::string reason;  // "wrong ELF class: 32-bit, need 64-bit"
};

// One object in the link map, object 0 being the audited file.
struct LoadedObject {
  std::string name;  // the first name it was requested by (ldd prints this)
  std::string path;  // as the loader found it: cache string, dir + "/" + name
  Rule rule = Rule::kAudited;
  std::optional<int> loaded_by;  // object whose NEEDED loaded it
  std::optional<int> rpath_owner;  // for kRpath: whose DT_RPATH supplied the dir
};

// One DT_NEEDED entry of one object.
struct Resolution {
  int needed_by = 0;     // object index
  std::string name;      // as written in DT_NEEDED
  std::optional<int> object;  // resolved object index; empty when missing
  Rule rule = Rule::kMissing;  // kAlreadyLoaded when the name matched a loaded object
  std::vector<SkippedCandidate> skipped;
};

// A DT_VERNEED requirement the library that satisfied it does not define.
struct VersionProblem {
  int object = 0;        // the object with the requirement
  std::string library;   // vn_file
  std::string version;   // vna_name
  std::string found;     // path of the library that was loaded for vn_file
  std::vector<std::string> defines;  // that library's DT_VERDEF names
  std::string message;   // "libGL.so.1 needs GCC_3.4 from libgcc_s.so.1 (found: …)"
};

enum class Severity { kError, kWarning, kNote };
std::string severity_name(Severity severity);

// Everything else worth saying: interpreter problems, suspicious RPATH or
// RUNPATH entries, executable stacks, libraries without version information.
struct Finding {
  Severity severity = Severity::kWarning;
  std::string kind;     // "interpreter-missing", "rpath-relative", "execstack", …
  std::string object;   // path of the object concerned
  std::string message;
};

struct AuditReport {
  std::string path;  // the audited file as named on the command line
  int bits = 0;
  std::string machine;
  std::optional<std::string> interpreter;  // PT_INTERP
  std::vector<std::string> needs;          // the file's own DT_NEEDED
  std::vector<LoadedObject> objects;       // load order; [0] is the file itself
  std::vector<Resolution> resolutions;     // every NEEDED edge, BFS order
  std::vector<VersionProblem> version_problems;
  std::vector<Finding> findings;

  // True when every NEEDED resolved, every required version is defined and
  // the interpreter is usable: what the exit status reports.
  bool ok() const;
  std::vector<const Resolution*> missing() const;
};

// JSON object for one report: path, class, machine, interpreter, needs,
// libraries (objects after the file itself), resolutions, missing,
// version_problems, skipped, findings, ok.
nlohmann::ordered_json to_json(const AuditReport& report);

// A libtree-like dependency tree followed by the problems, for people.
std::string to_tree(const AuditReport& report);

}  // namespace shelf::inspect
