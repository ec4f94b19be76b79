// `shelf audit PATH... [--json] [--library-path DIRS] [--sysroot DIR]`:
// where every NEEDED of every ELF file resolves, and what is wrong.
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "elf/error.h"
#include "inspect/audit_report.h"
#include "resolve/resolver.h"

namespace shelf::cli {

namespace {

struct AuditOptions {
  std::vector<std::string> paths;
  bool json = false;
  std::optional<std::string> library_path;
  std::string sysroot;
};

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Bad input outranks findings, findings outrank success.
void raise(int& status, int code) {
  if (code == kBadInput || (code == kFindings && status == kOk)) status = code;
}

void run_audit(const AuditOptions& opts, int& status) {
  resolve::AuditOptions ro;
  ro.sysroot = opts.sysroot;
  ro.library_path = opts.library_path;
  if (!ro.library_path)
    if (const char* env = std::getenv("LD_LIBRARY_PATH")) ro.library_path = env;

  std::optional<resolve::Auditor> auditor;
  try {
    auditor.emplace(ro);
  } catch (const elf::Error& e) {
    print_error(e.what());
    status = kBadInput;
    return;
  }

  // Reports are printed as they are made, so a directory of thousands of
  // files never holds more than one report; --json streams one array.
  bool first = true;
  auto emit = [&](const std::string& text) {
    if (opts.json)
      std::cout << (first ? "[\n" : ",\n") << text;
    else
      std::cout << (first ? "" : "\n") << text;
    first = false;
  };
  auto audit_one = [&](const std::string& file) {
    try {
      inspect::AuditReport report = auditor->audit_file(file);
      raise(status, report.ok() ? kOk : kFindings);
      emit(opts.json ? inspect::to_json(report).dump(2) : inspect::to_tree(report));
    } catch (const elf::Error& e) {
      print_error(e.what());
      if (opts.json) emit(nlohmann::ordered_json{{"path", file}, {"error", e.reason()}}.dump(2));
      raise(status, kBadInput);
    }
  };

  status = kOk;
  for (const std::string& path : opts.paths) {
    if (!is_directory(path)) {
      audit_one(path);
      continue;
    }
    try {
      for (const std::string& file : resolve::elf_files_in(path)) audit_one(file);
    } catch (const elf::Error& e) {
      print_error(e.what());
      raise(status, kBadInput);
    }
  }
  if (opts.json) std::cout << (first ? "[]\n" : "\n]\n");
}

}  // namespace

void add_audit_command(CLI::App& app, int& status) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Resolve every NEEDED library of each ELF file with the dynamic loader's rules\n"
      "(DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, ld.so.cache, default directories) and\n"
      "check symbol versions, the interpreter and RPATH/RUNPATH hygiene. A directory\n"
      "PATH audits every ELF file under it.\n"
      "Exit 0 when everything resolves, 1 when something is missing or unsatisfied,\n"
      "2 on usage errors, 3 when a file is unreadable or malformed.");
  cmd->add_option("paths", opts->paths, "ELF files or directories to audit")->required();
  cmd->add_flag("--json", opts->json,
                "print a JSON array, one object per file with keys path, class, machine,\n"
                "interpreter, needs, libraries, resolutions, missing, version_problems,\n"
                "skipped, findings, ok");
  cmd->add_option("--library-path", opts->library_path,
                  "search these directories (':'-separated) as LD_LIBRARY_PATH would;\n"
                  "default: the LD_LIBRARY_PATH environment variable");
  cmd->add_option("--sysroot", opts->sysroot,
                  "audit against this root directory: its ld.so.cache, its default\n"
                  "directories, its interpreter")
      ->check(CLI::ExistingDirectory);
  cmd->callback([opts, &status] { run_audit(*opts, status); });
}

}  // namespace shelf::cli
