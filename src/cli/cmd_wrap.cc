// `shelf wrap TARGET OUT [flags]`, `shelf wrap --in-place TARGET [flags]`,
// `shelf wrap --show FILE`: makeWrapper's flags, applied in the order given.
// CLI11 sees only --help; the rest is parsed here because the operations'
// order matters and their values may look like options ("-x", "--").
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "wrap/binary_wrapper.h"
#include "wrap/error.h"
#include "wrap/launcher/blob_format.h"
#include "wrap/wrapper_file.h"

namespace shelf::cli {

namespace {

constexpr const char* kWrapHelp = R"(Write a wrapper that sets up the environment and execs TARGET.

Usage:
  shelf wrap TARGET OUT [options] [operations]      write a wrapper at OUT
  shelf wrap --in-place TARGET [options] [ops]      move TARGET to .TARGET-wrapped, wrapper at TARGET
                                                    (a shelf wrapper is extended, not wrapped again)
  shelf wrap --show FILE                            print what a shelf wrapper does

Options:
  --binary             compiled wrapper (static launcher + appended configuration; no compiler needed).
                       `WRAPPER --shelf-wrapper-show` (as its only argument) prints its configuration.
  --shell PATH         #! interpreter of shell wrappers (default /bin/sh); take it from the store for
                       isolated use. --argv0/--inherit-argv0/--resolve-argv0 need one with `exec -a`.

Operations (makeWrapper's, applied in the order given; values may hold any byte but NUL):
  --argv0 NAME                   argv[0] the target sees (default: the target's path)
  --inherit-argv0                pass the wrapper's own argv[0] on
  --resolve-argv0                like --inherit-argv0, resolving a bare name against PATH
  --set VAR VAL                  set VAR
  --set-default VAR VAL          set VAR unless it is set already
  --unset VAR                    remove VAR
  --prefix VAR SEP VAL           put VAL's SEP-separated parts in front of VAR, moving parts already
                                 there; no SEP added to an empty VAR (VAL is split on the whole SEP;
                                 empty parts are dropped)
  --suffix VAR SEP VAL           append VAL's parts not already in VAR
  --prefix-each VAR SEP VALS     --prefix for each blank-separated value of VALS
  --suffix-each VAR SEP VALS     --suffix for each blank-separated value of VALS
  --prefix-contents VAR SEP FILES  --prefix with each file's contents (read now; shell wrappers only)
  --suffix-contents VAR SEP FILES  --suffix with each file's contents (shell wrappers only)
  --chdir DIR                    change directory (`-` is the directory named -)
  --run COMMAND                  run a shell command (shell wrappers only; must parse with the
                                 wrapper's shell -n; a bash wrapper cannot set UID, EUID, PPID,
                                 SHELLOPTS or BASHOPTS)
  --add-flags ARGS               arguments before the caller's, split now as sh splits words
                                 (quotes and backslashes honoured, nothing expanded)
  --append-flags ARGS            arguments after the caller's, split the same way
  --add-flag ARG                 one argument before the caller's, verbatim
  --append-flag ARG              one argument after the caller's, verbatim

Exit status: 0 written, 2 usage error, 3 unreadable or invalid input.
)";

struct WrapArgs {
  std::vector<std::string> positional;
  std::vector<wrap::Operation> operations;
  wrap::WriteOptions write;
  bool in_place = false;
  bool show = false;
};

WrapArgs parse(const std::vector<std::string>& args) {
  WrapArgs out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    wrap::OpKind kind;
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      out.positional.push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "--binary") {
      out.write.kind = wrap::WrapperKind::binary;
    } else if (a == "--in-place") {
      out.in_place = true;
    } else if (a == "--show") {
      out.show = true;
    } else if (a == "--shell") {
      if (i + 1 >= args.size()) throw wrap::usage_error("--shell", "needs a path");
      out.write.shell = args[++i];
    } else if (wrap::parse_flag(a, kind)) {
      int n = wrap::arity(kind);
      if (static_cast<size_t>(n) > args.size() - i - 1)
        throw wrap::usage_error(a, "takes " + std::to_string(n) + " value(s)");
      wrap::Operation op{kind, {}};
      for (int k = 0; k < n; ++k) op.args.push_back(args[++i]);
      out.operations.push_back(std::move(op));
    } else {
      throw wrap::usage_error(a, "unknown option (see shelf wrap --help)");
    }
  }
  return out;
}

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

void run_wrap(const std::vector<std::string>& raw) {
  WrapArgs args = parse(raw);
  if (args.show) {
    if (args.positional.size() != 1 || !args.operations.empty() || args.in_place)
      throw wrap::usage_error("--show", "takes one FILE and nothing else");
    std::optional<wrap::Plan> plan = wrap::read_wrapper(args.positional[0]);
    if (!plan) throw wrap::input_error(args.positional[0], "not a wrapper written by shelf wrap");
    std::cout << wrap::describe(*plan);
    return;
  }
  if (args.write.kind == wrap::WrapperKind::binary) {
    wrap::require_compilable(wrap::WrapperSpec{"", args.operations});
    args.write.launcher = wrap::find_launcher(self_exe());
  }
  if (args.in_place) {
    if (args.positional.size() != 1) throw wrap::usage_error("--in-place", "takes exactly one TARGET");
    wrap::InPlaceResult r = wrap::wrap_in_place(args.positional[0], args.operations, args.write);
    if (!r.warning.empty()) print_error(args.positional[0] + ": warning: " + r.warning);
    return;
  }
  if (args.positional.size() != 2)
    throw wrap::usage_error("wrap", "expects TARGET and OUT (got " + std::to_string(args.positional.size()) +
                                        " paths; see shelf wrap --help)");
  wrap::Plan plan = wrap::lower(wrap::WrapperSpec{args.positional[0], args.operations});
  std::error_code ec;
  if (std::filesystem::equivalent(plan.target, args.positional[1], ec))
    throw wrap::usage_error(args.positional[1], "OUT is TARGET itself: the wrapper would exec itself (use --in-place)");
  wrap::write_wrapper(plan, args.write, args.positional[1]);
}

}  // namespace

void add_wrap_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand("wrap", "Write a shell or compiled wrapper (makeWrapper's flags).");
  cmd->prefix_command();
  cmd->footer(kWrapHelp);
  cmd->callback([cmd, &status] {
    std::vector<std::string> args = cmd->remaining();
    // After TARGET, CLI11 hands everything over unparsed, --help included.
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
      std::cout << cmd->help();
      status = kOk;
      return;
    }
    try {
      run_wrap(args);
      status = kOk;
    } catch (const wrap::Error& e) {
      print_error(e.what());
      status = e.kind() == wrap::Error::Kind::usage ? kUsage : kBadInput;
    }
  });
}

}  // namespace shelf::cli
