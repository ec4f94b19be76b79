#include "wrap/shell_wrapper.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "wrap/binary_wrapper.h"
#include "wrap/error.h"
#include "wrap/shell_words.h"

extern char** environ;

namespace shelf::wrap {

namespace {

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The variable dance of makeWrapper's addValue(), in POSIX sh: surround a
// non-empty value with separators, drop (prefix) or look for (suffix) the
// component, add it, strip one separator at each end. Patterns use quoted
// expansions so separator and component match literally.
void write_list_step(std::string& out, const Step& step) {
  const std::string& var = step.fields[0];
  out += "__shelf_s=" + shell_quote(step.fields[1]) + " __shelf_v=" + shell_quote(step.fields[2]) + "\n";
  out += "if [ -n \"${" + var + ":-}\" ]; then " + var + "=\"$__shelf_s$" + var + "$__shelf_s\"; fi\n";
  const std::string item = "\"$__shelf_s$__shelf_v$__shelf_s\"";
  if (step.kind == SHELF_STEP_PREFIX) {
    out += "case $" + var + " in *" + item + "*) " + var + "=${" + var + "%%" + item + "*}$__shelf_s${" + var +
           "#*" + item + "};; esac\n";
    out += var + "=$__shelf_v$" + var + "\n";
  } else {
    out += "case $" + var + " in *" + item + "*) ;; *) " + var + "=$" + var + "$__shelf_v;; esac\n";
  }
  out += var + "=${" + var + "#\"$__shelf_s\"}; " + var + "=${" + var + "%\"$__shelf_s\"}; export " + var + "\n";
}

// Variables bash makes read-only: assigning one aborts a bash wrapper
// before the program starts.
bool bash_read_only(const std::string& name) {
  return name == "UID" || name == "EUID" || name == "PPID" || name == "SHELLOPTS" || name == "BASHOPTS";
}

// `SHELL -n -c TEXT`: 0 when the shell parses TEXT (nothing runs). The
// wrapper's own shell when it exists here, else /bin/sh.
bool shell_parses(const std::string& shell, const std::string& text) {
  std::string sh = ::access(shell.c_str(), X_OK) == 0 ? shell : "/bin/sh";
  std::vector<char*> argv = {const_cast<char*>(sh.c_str()), const_cast<char*>("-n"), const_cast<char*>("-c"),
                             const_cast<char*>(text.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, sh.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return true;  // no shell to ask: the wrapper's run will say
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// What the script's shell would refuse at run time, refused now.
void check_for_shell(const Plan& plan, const std::string& shell) {
  bool bash = std::filesystem::path(shell).filename().string().find("bash") != std::string::npos;
  for (const Step& s : plan.steps) {
    if (s.kind == SHELF_STEP_RUN && !shell_parses(shell, s.fields[0]))
      throw usage_error("--run " + s.fields[0], "is not a shell command that " + shell + " can parse (sh -n)");
    bool names_variable = s.kind == SHELF_STEP_SET || s.kind == SHELF_STEP_SET_DEFAULT ||
                          s.kind == SHELF_STEP_UNSET || s.kind == SHELF_STEP_PREFIX || s.kind == SHELF_STEP_SUFFIX;
    if (bash && names_variable && bash_read_only(s.fields[0]))
      throw usage_error(std::string(shelf_step_flag(s.kind)) + " " + s.fields[0],
                        "bash makes this variable read-only; a bash wrapper cannot change it");
  }
}

}  // namespace

bool needs_argv0_control(const Plan& plan) {
  bool needed = false;
  for (const Step& s : plan.steps) {
    if (s.kind == SHELF_STEP_ARGV0 || s.kind == SHELF_STEP_INHERIT_ARGV0 || s.kind == SHELF_STEP_RESOLVE_ARGV0)
      needed = true;
  }
  return needed;
}

std::string render_shell_wrapper(const Plan& plan, const std::string& shell) {
  if (shell.empty() || shell[0] != '/')
    throw usage_error("--shell " + shell, "the interpreter must be an absolute path");
  if (shell.find_first_of(" \t\n") != std::string::npos || shell.size() > 250)
    throw usage_error("--shell " + shell, "a #! interpreter path cannot hold blanks or exceed 250 bytes");

  check_for_shell(plan, shell);
  std::string out = "#!" + shell + "\n";
  out += "# Wrapper written by `shelf wrap`; `shelf wrap --show FILE` prints what it does.\n";
  out += kShellPlanMarker + hex(encode_plan(plan)) + "\n";
  out += "set -e\n";

  std::string argv0;  // empty: the target's own path, as exec gives it
  std::string before, after;
  bool uses_temporaries = false;
  for (const Step& s : plan.steps) {
    const auto& f = s.fields;
    switch (s.kind) {
      case SHELF_STEP_SET:
        out += f[0] + "=" + shell_quote(f[1]) + "; export " + f[0] + "\n";
        break;
      case SHELF_STEP_SET_DEFAULT:
        out += "if [ -z \"${" + f[0] + "+set}\" ]; then " + f[0] + "=" + shell_quote(f[1]) + "; export " + f[0] +
               "; fi\n";
        break;
      case SHELF_STEP_UNSET:
        out += "unset " + f[0] + "\n";
        break;
      case SHELF_STEP_PREFIX:
      case SHELF_STEP_SUFFIX:
        write_list_step(out, s);
        uses_temporaries = true;
        break;
      case SHELF_STEP_CHDIR:
        // `cd -- -` still means $OLDPWD: the directory named "-" is ./-.
        out += "CDPATH= cd -- " + shell_quote(f[0] == "-" ? "./-" : f[0]) + " >/dev/null\n";
        break;
      case SHELF_STEP_RUN:
        out += f[0] + "\n";
        break;
      case SHELF_STEP_ADD_FLAG:
        before += " " + shell_quote(f[0]);
        break;
      case SHELF_STEP_APPEND_FLAG:
        after += " " + shell_quote(f[0]);
        break;
      case SHELF_STEP_ARGV0:
        argv0 = shell_quote(f[0]);
        break;
      case SHELF_STEP_INHERIT_ARGV0:
      case SHELF_STEP_RESOLVE_ARGV0:
        // The kernel hands a script the path it was found at, so $0 is
        // already resolved against PATH (makeWrapper: a no-op for shells).
        argv0 = "\"$0\"";
        break;
      case SHELF_STEP_TARGET:
        break;
    }
  }
  if (uses_temporaries) out += "unset __shelf_s __shelf_v\n";
  out += "exec";
  if (!argv0.empty()) out += " -a " + argv0;
  out += " " + shell_quote(plan.target) + before + " \"$@\"" + after + "\n";
  return out;
}

bool shell_supports_exec_a(const std::string& shell) {
  // `exec -a probe SHELL -c :` replaces the probing shell by a second one
  // that exits 0; a shell without `exec -a` fails to find a program "-a".
  std::vector<std::string> args = {shell, "-c", "exec -a probe \"$0\" -c :", shell};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, shell.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace shelf::wrap
