// `shelf patch [patchelf options] FILE...` and the patchelf front end
// (`shelf patchelf …`, or shelf started under the name `patchelf`). Both take
// patchelf's whole command line (options in any order, several files,
// `@file` arguments); the front end also keeps patchelf's exit status 1 for
// every failure, so build scripts switch without edits.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "base/input_file.h"
#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "elf/error.h"
#include "elf/mapped_file.h"
#include "patch/os_abi.h"
#include "patch/patch.h"

namespace shelf::cli {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failure reported in patchelf's own words (printed `patchelf: MSG`):
// under the patchelf name, scripts match the texts of unreadable argument
// files and input files.
struct PatchelfFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// patchelf's reading of a file, step by step, in its words: "getting info
// about 'F'" (stat), "opening 'F'", "reading 'F'" (a directory).
std::optional<std::string> patchelf_read_failure(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "getting info about '" + file + "': " + std::strerror(errno);
  int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "opening '" + file + "': " + std::strerror(errno);
  ::close(fd);
  if (S_ISDIR(st.st_mode)) return "reading '" + file + "': " + std::strerror(EISDIR);
  return std::nullopt;
}

struct PatchCommand {
  patch::EditPlan plan;
  patch::PrintRequest print;
  std::vector<std::string> files;
  patch::PatchOptions options;
  bool help = false;
  bool version = false;
  bool debug = false;  // say on stderr what was written
};

constexpr const char* kSyntax =
    "  [--set-interpreter FILENAME]\n"
    "  [--page-size SIZE]\n"
    "  [--print-interpreter]\n"
    "  [--print-os-abi]\t\tPrints 'EI_OSABI' field of ELF header\n"
    "  [--set-os-abi ABI]\t\tSets 'EI_OSABI' field of ELF header to ABI.\n"
    "  [--print-soname]\t\tPrints 'DT_SONAME' entry of .dynamic section.\n"
    "  [--set-soname SONAME]\t\tSets 'DT_SONAME' entry to SONAME.\n"
    "  [--set-rpath RPATH]\n"
    "  [--add-rpath RPATH]\n"
    "  [--remove-rpath]\n"
    "  [--shrink-rpath]\n"
    "  [--allowed-rpath-prefixes PREFIXES]\t\tWith '--shrink-rpath', reject rpath entries not starting with the allowed prefix\n"
    "  [--print-rpath]\n"
    "  [--force-rpath]\n"
    "  [--add-needed LIBRARY]\n"
    "  [--remove-needed LIBRARY]\n"
    "  [--replace-needed LIBRARY NEW_LIBRARY]\n"
    "  [--print-needed]\n"
    "  [--no-default-lib]\n"
    "  [--clear-symbol-version SYMBOL]\n"
    "  [--add-debug-tag]\n"
    "  [--print-execstack]\t\tPrints whether the object requests an executable stack\n"
    "  [--clear-execstack]\n"
    "  [--set-execstack]\n"
    "  [--rename-dynamic-symbols NAME_MAP_FILE]\tRenames dynamic symbols. The map file should contain two symbols (old_name new_name) per line\n"
    "  [--build-resolution-cache]\tRecords where each NEEDED library resolves against the run path (.note.nixos.ldcache)\n"
    "  [--output FILE]\n"
    "  [--in-place]\t\tRewrite the file's own inode (keeps hard links)\n"
    "  [--sync]\t\tWait until the result is on disk (fsync) before exiting\n"
    "  [--debug]\n"
    "  [--version]\n"
    "  FILENAME...\n";

// patchelf reads an argument of the form @FILE from FILE, verbatim.
std::string resolve_argument(const std::string& arg, bool patchelf_mode) {
  if (arg.empty() || arg[0] != '@') return arg;
  if (patchelf_mode)
    if (std::optional<std::string> failure = patchelf_read_failure(arg.substr(1))) throw PatchelfFailure(*failure);
  try {
    return base::read_whole_file(arg.substr(1));  // never blocks on a FIFO
  } catch (const base::Error& e) {
    throw UsageError("cannot read argument file '" + arg.substr(1) + "': " + e.reason());
  }
}

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');) out.push_back(part);
  return out;
}

PatchCommand parse(const std::vector<std::string>& args, bool patchelf_mode) {
  PatchCommand cmd;
  patch::EditPlan& plan = cmd.plan;
  bool set_rpath = false, add_rpath = false;
  bool set_execstack = false, clear_execstack = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::string {
      if (++i == args.size()) throw UsageError("missing argument to " + arg);
      return resolve_argument(args[i], patchelf_mode);
    };
    if (arg == "--set-interpreter" || arg == "--interpreter") {
      plan.interpreter = value();
    } else if (arg == "--page-size") {
      std::string v = value();
      long size = std::atol(v.c_str());
      if (size <= 0) throw UsageError("invalid argument to --page-size: " + v);
      plan.page_size = static_cast<uint64_t>(size);
    } else if (arg == "--print-interpreter") {
      cmd.print.interpreter = true;
    } else if (arg == "--print-os-abi") {
      cmd.print.os_abi = true;
    } else if (arg == "--set-os-abi") {
      std::string v = value();
      plan.os_abi = patch::os_abi_from_argument(v);
      if (!plan.os_abi) throw UsageError("unrecognized OS ABI '" + v + "'");
    } else if (arg == "--print-soname") {
      cmd.print.soname = true;
    } else if (arg == "--set-soname") {
      plan.soname = value();
    } else if (arg == "--remove-rpath") {
      plan.rpath.op = patch::RpathEdit::Op::kRemove;
    } else if (arg == "--shrink-rpath") {
      plan.rpath.op = patch::RpathEdit::Op::kShrink;
    } else if (arg == "--allowed-rpath-prefixes") {
      if (++i == args.size()) throw UsageError("missing argument to " + arg);
      plan.rpath.allowed_prefixes = split_colons(args[i]);
    } else if (arg == "--set-rpath") {
      plan.rpath.value = value();
      set_rpath = true;
    } else if (arg == "--add-rpath") {
      plan.rpath.value = value();
      add_rpath = true;
    } else if (arg == "--print-rpath") {
      cmd.print.rpath = true;
    } else if (arg == "--force-rpath") {
      plan.force_rpath = true;
    } else if (arg == "--print-needed") {
      cmd.print.needed = true;
    } else if (arg == "--add-needed") {
      plan.add_needed.push_back(value());
    } else if (arg == "--remove-needed") {
      plan.remove_needed.insert(value());
    } else if (arg == "--replace-needed") {
      if (i + 2 >= args.size()) throw UsageError("missing argument(s) to --replace-needed");
      plan.replace_needed[args[i + 1]] = args[i + 2];
      i += 2;
    } else if (arg == "--clear-symbol-version") {
      plan.clear_symbol_version.insert(value());
    } else if (arg == "--print-execstack") {
      cmd.print.execstack = true;
    } else if (arg == "--clear-execstack") {
      clear_execstack = true;
    } else if (arg == "--set-execstack") {
      set_execstack = true;
    } else if (arg == "--no-default-lib") {
      plan.no_default_lib = true;
    } else if (arg == "--add-debug-tag") {
      plan.add_debug_tag = true;
    } else if (arg == "--build-resolution-cache") {
      plan.build_resolution_cache = true;
    } else if (arg == "--rename-dynamic-symbols") {
      if (++i == args.size()) throw UsageError("missing argument to " + arg);
      const std::string& map_file = args[i];
      std::istringstream in;
      try {
        in.str(base::read_whole_file(map_file));  // never blocks on a FIFO
      } catch (const base::Error& e) {
        throw UsageError("cannot open map file '" + map_file + "': " + e.reason());
      }
      std::string line, from, to;
      for (int line_no = 1; std::getline(in, line); ++line_no) {
        std::istringstream words(line);
        if (!(words >> from)) break;
        if (!(words >> to))
          throw UsageError(map_file + ":" + std::to_string(line_no) + ": map file line is missing the second element");
        plan.rename_symbols[from] = to;
      }
    } else if (arg == "--output") {
      cmd.options.output = value();
    } else if (arg == "--in-place") {
      cmd.options.write.keep_inode = true;
    } else if (arg == "--sync") {
      cmd.options.write.sync = true;
    } else if (arg == "--debug") {
      cmd.debug = true;
    } else if (arg == "--no-sort") {
      // accepted for compatibility; shelf never sorts headers
    } else if (arg == "--help" || arg == "-h") {
      cmd.help = true;
    } else if (arg == "--version") {
      cmd.version = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError("unknown option " + arg);
    } else {
      cmd.files.push_back(arg);
    }
  }
  // patchelf: --print-execstack wins over --clear-execstack over --set-execstack.
  if (!cmd.print.execstack && (clear_execstack || set_execstack)) plan.execstack = !clear_execstack;
  if (set_rpath && add_rpath) throw UsageError("--set-rpath option not allowed with --add-rpath");
  if (plan.rpath.op == patch::RpathEdit::Op::kKeep) {
    if (set_rpath) plan.rpath.op = patch::RpathEdit::Op::kSet;
    if (add_rpath) plan.rpath.op = patch::RpathEdit::Op::kAdd;
  }
  if (cmd.help || cmd.version) return cmd;
  if (cmd.files.empty()) throw UsageError("missing filename");
  if (plan.force_rpath && plan.build_resolution_cache)
    throw UsageError("--build-resolution-cache cannot be combined with --force-rpath");
  if (cmd.options.output && cmd.files.size() != 1)
    throw UsageError("--output option only allowed with single input file");
  return cmd;
}

// Prints, then edits, each file in turn; stops at the first failure as
// patchelf does. Returns the status after printing the one-line error.
int run_files(const PatchCommand& cmd, bool patchelf_mode) {
  for (const std::string& file : cmd.files) {
    if (patchelf_mode) {
      if (std::optional<std::string> failure = patchelf_read_failure(file)) {
        std::fflush(stdout);
        std::fprintf(stderr, "patchelf: %s\n", failure->c_str());
        return 1;
      }
    }
    try {
      if (cmd.print.any()) {
        std::string out;
        try {
          elf::MappedFile mapped(file);
          patch::print_answers(file, mapped.bytes(), cmd.print, out);
        } catch (...) {
          std::fputs(out.c_str(), stdout);
          throw;
        }
        std::fputs(out.c_str(), stdout);
      }
      if (!cmd.plan.empty() || cmd.options.output) {
        patch::PatchOutcome o = patch::patch_file(file, cmd.plan, cmd.options);
        for (const std::string& w : o.warnings) {
          if (patchelf_mode) std::fprintf(stderr, "warning: %s\n", w.c_str());
          else print_error(file + ": warning: " + w);
        }
        if (cmd.debug)
          std::fprintf(stderr, "shelf: %s: %s (%llu -> %llu bytes, %llu bytes changed in place)\n", file.c_str(),
                       o.written ? "written" : "unchanged, not written", (unsigned long long)o.size_before,
                       (unsigned long long)o.size_after, (unsigned long long)o.bytes_changed);
      }
    } catch (const patch::PatchelfWordedError& e) {
      std::fflush(stdout);
      if (patchelf_mode) std::fprintf(stderr, "patchelf: %s\n", e.reason().c_str());
      else print_error(e.what());
      return kBadInput;
    } catch (const elf::Error& e) {
      std::fflush(stdout);
      print_error(e.what());
      return kBadInput;
    } catch (const base::WriteError& e) {
      std::fflush(stdout);
      // patchelf: error("open") / error("write") / error("close").
      if (patchelf_mode) std::fprintf(stderr, "patchelf: %s: %s\n", e.step_name(), std::strerror(e.err()));
      else print_error(e.what());
      return exit_status_of(e.kind());
    } catch (const base::Error& e) {
      std::fflush(stdout);
      print_error(e.what());
      return exit_status_of(e.kind());
    }
  }
  return kOk;
}

// The common driver; `patchelf_mode` selects patchelf's exit statuses.
int run(const std::string& program, const std::vector<std::string>& args, bool patchelf_mode) {
  int usage_status = patchelf_mode ? 1 : kUsage;
  if (args.empty()) {
    std::fprintf(stderr, "syntax: %s\n%s", program.c_str(), kSyntax);
    return usage_status;
  }
  PatchCommand cmd;
  try {
    cmd = parse(args, patchelf_mode);
  } catch (const UsageError& e) {
    // patchelf's own usage errors read "patchelf: missing filename".
    if (patchelf_mode) std::fprintf(stderr, "patchelf: %s\n", e.what());
    else print_error(e.what());
    return usage_status;
  } catch (const PatchelfFailure& e) {
    std::fprintf(stderr, "patchelf: %s\n", e.what());
    return 1;
  }
  if (cmd.help) {
    std::printf("syntax: %s\n%s", program.c_str(), kSyntax);
    return kOk;
  }
  if (cmd.version) {
    std::printf("shelf %s (patchelf-compatible)\n", SHELF_VERSION);
    return kOk;
  }
  int status = run_files(cmd, patchelf_mode);
  return patchelf_mode && status != kOk ? 1 : status;  // patchelf exits 1 on any failure
}

}  // namespace

void add_patch_command(CLI::App& app, int& status) {
  auto add = [&](const char* name, const char* about, bool patchelf_mode) {
    CLI::App* cmd = app.add_subcommand(name, about);
    // The options are patchelf's and are parsed by `parse` above, so CLI11
    // hands every argument over untouched, --help included.
    cmd->prefix_command();
    cmd->set_help_flag();
    cmd->callback([cmd, &status, patchelf_mode, name] {
      std::string program = std::string("shelf ") + name;
      status = run(program, cmd->remaining(), patchelf_mode);
    });
  };
  add("patch",
      "Edit ELF files with patchelf's options (interpreter, RPATH/RUNPATH, SONAME, NEEDED,\n"
      "OS ABI, execstack, …); `shelf patch --help` lists them. Exit 2 on a usage error,\n"
      "3 when a file cannot be read or edited (the file is then left unchanged).",
      false);
  add("patchelf",
      "patchelf's command line, output formats and exit statuses (1 on any failure),\n"
      "for build scripts written for patchelf.",
      true);
}

int run_as_patchelf(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return run("patchelf", args, true);
}

}  // namespace shelf::cli
