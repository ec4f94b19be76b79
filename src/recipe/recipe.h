// A recipe as a value: what `shelf build` reads from a TOML file
// (parse.h) before it fetches, unpacks, installs, patches and wraps
// anything. Paths in it are as written; `$out` and `${deps.NAME}` in
// patch, wrapper and desktop values are expanded at build time
// (expand.h). Every rule remembers the key it came from and where, so a
// build-time failure names the recipe line, as a parse error does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "patch/operations.h"
#include "recipe/error.h"
#include "store/archive_formats.h"
#include "wrap/wrapper_spec.h"

namespace shelf::recipe {

// Where a value came from: its dotted key and its position in the file.
struct Origin {
  std::string key;
  Position at;
};

struct Source {
  std::string path;          // relative to the recipe's directory, or absolute
  std::string url;           // instead of path: fetched (file://, http://, https://)
  std::string sha256;        // of the file itself, as written (any form Hash::parse takes)
  store::ArchiveFormat unpack = store::ArchiveFormat::kTar;  // a row of store/archive_formats.h
  int strip_components = 0;  // leading path components dropped, as tar --strip-components
  std::string dest;          // where in the build tree its contents go ("" = the top)
  Origin origin;             // the [[source]] table
  Origin location_origin;    // its `path` or `url` value (fetch and read errors)
  Origin sha256_origin;      // its `sha256` value (hash mismatches)
};

// One `dependencies` entry: another recipe (built first) or a store path.
struct Dependency {
  std::string text;  // as written
  Origin origin;
};

// `"dest" = "glob"` in [install]: a destination ending in '/' is a
// directory receiving every match; otherwise the glob must match one entry.
struct InstallRule {
  std::string dest;
  std::string glob;
  Origin origin;
};

// [patch.files."GLOB"]: explicit edits for the output files matching GLOB.
// One edit of a [patch.files."GLOB"] table: an operation of the patcher's
// table (patch/operations.h, which also says which keys recipes offer) and
// its values as the recipe wrote them (substituted at build time).
struct FileEdit {
  const patch::Operation* operation;
  std::vector<std::string> values;  // an array under a path key is joined with ':'
};

struct FilePatch {
  std::string glob;  // relative to $out
  std::vector<FileEdit> edits;  // in the table's order
  Origin origin;
};

struct PatchRules {
  bool automatic = false;                   // auto = true: autopatch against the dependencies
  std::vector<std::string> ignore_missing;  // globs of sonames allowed to stay unresolved
  std::vector<std::string> runtime_deps;    // extra RUNPATH entries for dlopen()ed libraries
  std::vector<FilePatch> files;
  Origin origin;       // the [patch] table
  Origin auto_origin;  // its `auto` value (unresolved libraries)
  std::vector<Origin> runtime_dep_origins;  // parallel to `runtime_deps`
};

struct WrapperRule {
  std::string target;  // relative to $out, or absolute (after expansion)
  std::string out;     // relative to $out
  std::vector<wrap::Operation> operations;
  std::vector<Origin> operation_origins;  // parallel to `operations`: the key each came from
  bool binary = false;
  std::string shell = "/bin/sh";  // #! of a shell wrapper (`shell`, as `shelf wrap --shell`)
  Origin origin;
};

struct DesktopRule {
  std::string id;    // file name share/applications/<id>.desktop
  std::string name;  // Name=
  std::string exec;  // Exec=, split like sh splits words
  std::string icon;
  std::string comment;
  std::vector<std::string> categories;
  std::optional<bool> terminal;
  Origin origin;
};

struct Recipe {
  std::string file;  // as given on the command line
  std::string dir;   // absolute directory of the file: relative paths start here
  std::string text;  // the whole file, hashed into the output path
  std::string name;
  std::string version;
  std::vector<Source> sources;
  std::vector<Dependency> dependencies;
  bool has_install = false;  // without [install], the whole unpacked tree is the output
  std::vector<InstallRule> install;
  std::vector<std::string> remove;  // globs in the unpacked tree
  std::vector<Origin> remove_origins;  // parallel to `remove`
  PatchRules patch;
  std::vector<WrapperRule> wrappers;
  std::vector<DesktopRule> desktops;
};

}  // namespace shelf::recipe
