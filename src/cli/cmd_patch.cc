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
#include <set>
#include <sstream>
#include <stdexcept>

#include "base/input_file.h"
#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "elf/error.h"
#include "elf/mapped_file.h"
#include "patch/operations.h"
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

// The options that are not edits: questions, where the result goes, and
// the program's own flags. The edits come from patch::operations().
struct OtherOption {
  const char* flag;
  const char* argument;
  const char* about;
};
constexpr OtherOption kQuestions[] = {
    {"--print-interpreter", "", ""},
    {"--print-os-abi", "", "Prints 'EI_OSABI' field of ELF header"},
    {"--print-soname", "", "Prints 'DT_SONAME' entry of .dynamic section."},
    {"--print-rpath", "", ""},
    {"--print-needed", "", ""},
    {"--print-execstack", "", "Prints whether the object requests an executable stack"},
};
constexpr OtherOption kOutputOptions[] = {
    {"--output", "FILE", ""},
    {"--in-place", "", "Rewrite the file's own inode (keeps hard links)"},
    {"--sync", "", "Wait until the result is on disk (fsync) before exiting"},
    {"--debug", "", ""},
    {"--version", "", ""},
};

// "  [--flag ARG]\t\tabout" lines, as patchelf's usage lists them.
std::string syntax() {
  std::string out;
  auto line = [&](std::string_view flag, std::string_view argument, std::string_view about) {
    out += "  [" + std::string(flag) + (argument.empty() ? "" : " " + std::string(argument)) + "]";
    if (!about.empty()) out += "\t\t" + std::string(about);
    out += "\n";
  };
  for (const patch::Operation& op : patch::operations()) line(op.flag, op.argument, op.about);
  for (const OtherOption& o : kQuestions) line(o.flag, o.argument, o.about);
  for (const OtherOption& o : kOutputOptions) line(o.flag, o.argument, o.about);
  out += "  FILENAME...\n";
  return out;
}

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

PatchCommand parse(const std::vector<std::string>& args, bool patchelf_mode) {
  PatchCommand cmd;
  patch::EditPlan& plan = cmd.plan;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (const patch::Operation* op = patch::operation_for_flag(arg)) {
      if (i + op->arguments >= args.size())
        throw UsageError(op->arguments == 2 ? "missing argument(s) to " + std::string(op->flag)
                                            : "missing argument to " + arg);
      std::vector<std::string> values;
      for (int k = 0; k < op->arguments; ++k) {
        const std::string& value = args[++i];
        values.push_back(op->literal ? value : resolve_argument(value, patchelf_mode));
      }
      try {
        op->apply(plan, values);
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
      seen.insert(op->flag);
    } else if (arg == "--print-interpreter") {
      cmd.print.interpreter = true;
    } else if (arg == "--print-os-abi") {
      cmd.print.os_abi = true;
    } else if (arg == "--print-soname") {
      cmd.print.soname = true;
    } else if (arg == "--print-rpath") {
      cmd.print.rpath = true;
    } else if (arg == "--print-needed") {
      cmd.print.needed = true;
    } else if (arg == "--print-execstack") {
      cmd.print.execstack = true;
    } else if (arg == "--output") {
      if (++i == args.size()) throw UsageError("missing argument to " + arg);
      cmd.options.output = resolve_argument(args[i], patchelf_mode);
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
  // patchelf: --print-execstack wins over --clear-execstack and --set-execstack.
  if (cmd.print.execstack) plan.execstack.reset();
  if (seen.count("--set-rpath") && seen.count("--add-rpath"))
    throw UsageError("--set-rpath option not allowed with --add-rpath");
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
    std::fprintf(stderr, "syntax: %s\n%s", program.c_str(), syntax().c_str());
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
    std::printf("syntax: %s\n%s", program.c_str(), syntax().c_str());
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
