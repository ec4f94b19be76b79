// `shelf autopatch DIR --deps PATH...`: patch a tree the way autoPatchelfHook
// does, resolving the whole tree with the loader's rules before writing.
#include <iostream>
#include <memory>

#include "autopatch/autopatch.h"
#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "elf/error.h"

namespace shelf::cli {

namespace {

struct AutopatchFlags {
  autopatch::Options options;
  bool dry_run = false;
  bool json = false;
  bool copy = false;
};

void run_autopatch(const AutopatchFlags& flags, int& status) {
  autopatch::Plan plan;
  try {
    plan = autopatch::make_plan(flags.options);
  } catch (const elf::Error& e) {
    print_error(e.what());
    status = kBadInput;
    return;
  }
  if (flags.json) std::cout << autopatch::to_json(plan).dump(2) << "\n";
  if (!plan.ok()) {
    if (!flags.json) std::cout << autopatch::problems_text(plan);
    print_error(plan.dir + ": " + std::to_string(plan.problems.size()) +
                " unresolved (nothing was written)");
    status = kFindings;
    return;
  }
  if (flags.dry_run) {
    if (!flags.json) std::cout << autopatch::to_text(plan);
    status = kOk;
    return;
  }
  try {
    autopatch::apply(plan, flags.options.jobs, flags.copy);
    status = kOk;
  } catch (const elf::Error& e) {
    print_error(e.what());
    status = kBadInput;
  } catch (const base::Error& e) {
    print_error(e.what());
    status = exit_status_of(e.kind());
  }
}

}  // namespace

void add_autopatch_command(CLI::App& app, int& status) {
  auto flags = std::make_shared<AutopatchFlags>();
  autopatch::Options& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "autopatch",
      "Patch every ELF file under DIR so that it loads only from DIR and the dependencies\n"
      "(what nixpkgs' autoPatchelfHook does, with the dynamic loader's rules):\n"
      "  - executables get the loader (ld*.so*) of their class and machine found in --deps;\n"
      "  - every file gets the smallest ordered RUNPATH from which each DT_NEEDED, and each\n"
      "    library its .note.dlopen metadata names (any one alternative), loads with the\n"
      "    right class, machine and symbol versions; directories inside DIR are preferred\n"
      "    (the file's own first), then --deps in order;\n"
      "  - directories inside DIR are written as $ORIGIN/relative, so the tree can be moved\n"
      "    (into the store) afterwards; dependency directories are written absolute;\n"
      "  - static programs and non-ELF files are skipped, links leaving DIR are never\n"
      "    followed; libraries in the system directories do not count.\n"
      "The whole tree is resolved first: if anything is unresolved nothing is written and\n"
      "every 'FILE: missing LIB' and 'FILE: LIB lacks version V' is listed on stdout.\n"
      "Files are then written in parallel, one write each: the changed bytes into the file\n"
      "itself (inode kept, no copy), or a new file renamed over it when it is linked from\n"
      "outside DIR or mapped by a running process (or with --copy). All or nothing: if one\n"
      "file cannot be written, every file already written is restored.\n"
      "Exit 0 patched, 1 unresolved (nothing written), 2 usage error, 3 bad input,\n"
      "5 the environment (permission denied, no space).");
  cmd->add_option("dir", o.dir, "the tree to patch")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--deps", o.deps,
                  "dependencies, in priority order: a store path (its lib/ and lib64/ are searched)\n"
                  "or a directory of libraries; repeatable")
      ->expected(1, -1);
  cmd->add_option("--runtime-dep", o.runtime_deps,
                  "append this dependency's library directories to every executable's RUNPATH,\n"
                  "needed or not (libraries the program dlopens); repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--runtime-dep-libs", o.runtime_dep_libs,
                "append the --runtime-dep directories to shared libraries too (dlopen chains)");
  cmd->add_option("--ignore-missing", o.ignore_missing,
                  "a library name glob (fnmatch, e.g. 'libcuda.so*' or '*') that may stay\n"
                  "unresolved; repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--keep-rpath", o.keep_rpath,
                "keep the existing RUNPATH/RPATH entries, after the chosen directories");
  cmd->add_option("-j,--jobs", o.jobs, "files written at a time (default: one per core)");
  cmd->add_flag("--copy", flags->copy,
                "write every changed file as a new file renamed over the old one (new inodes),\n"
                "instead of changing its bytes in place");
  cmd->add_flag("--dry-run", flags->dry_run,
                "print the plan (per file: interpreter, RUNPATH, where each library loads\n"
                "from) and write nothing");
  cmd->add_flag("--json", flags->json,
                "print the plan as JSON: {dir, ok, files: [{path, kind, class, machine,\n"
                "interpreter, runpath, libraries, ignored, hard_links, changes}],\n"
                "problems: [{file, library, version, message}], skipped: [{path, reason}]}");
  cmd->callback([flags, &status] { run_autopatch(*flags, status); });
}

}  // namespace shelf::cli
