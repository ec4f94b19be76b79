#include "wrap/plan.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/input_file.h"
#include "wrap/error.h"
#include "wrap/shell_words.h"

namespace shelf::wrap {

namespace {

std::string context_of(const Operation& op) {
  std::string c = flag_name(op.kind);
  if (!op.args.empty()) c += " " + op.args[0];
  return c;
}

void require_no_nul(const std::string& value, const std::string& context) {
  if (value.find('\0') != std::string::npos)
    throw input_error(context, "value contains a NUL byte, which no environment value or argument can hold");
}

void require_name(const std::string& name, const std::string& context) {
  if (!valid_variable_name(name))
    throw usage_error(context, "'" + name + "' is not a variable name (letters, digits and _, not starting with a digit)");
}

// makeWrapper splits -each and -contents lists on blanks (IFS), unquoted.
std::vector<std::string> split_blanks(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> split_on(const std::string& text, const std::string& sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + sep.size();
  }
  return parts;
}

// One --prefix/--suffix VAL: a list of components separated by SEP, each
// added on its own so a component already in the variable is not repeated.
// Prefixing goes through the components backwards so they keep the order
// written (makeWrapper does the same). Empty components are dropped: an
// empty PATH entry would mean "the current directory".
void add_list(std::vector<Step>& steps, bool prefix, const std::string& var, const std::string& sep,
              const std::string& value) {
  std::vector<std::string> parts = split_on(value, sep);
  std::erase(parts, std::string());
  if (prefix) std::reverse(parts.begin(), parts.end());
  for (const std::string& part : parts)
    steps.push_back({prefix ? SHELF_STEP_PREFIX : SHELF_STEP_SUFFIX, {var, sep, part}});
}

std::string read_contents(const std::string& file, const std::string& context) {
  std::string contents;
  try {
    contents = base::read_whole_file(file);  // a FIFO or device is refused, never waited on
  } catch (const base::Error& e) {
    throw input_error(context, "cannot read '" + file + "': " + e.reason());
  }
  // Like $(cat FILE): trailing newlines go.
  while (!contents.empty() && contents.back() == '\n') contents.pop_back();
  return contents;
}

void check_target(const std::string& target) {
  struct stat st;
  if (stat(target.c_str(), &st) != 0)
    throw input_error(target, std::string("cannot wrap: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode) || access(target.c_str(), X_OK) != 0)
    throw input_error(target, "cannot wrap: not an executable file");
}

void lower_one(const Operation& op, std::vector<Step>& steps) {
  const std::string context = context_of(op);
  if (static_cast<int>(op.args.size()) != arity(op.kind))
    throw usage_error(flag_name(op.kind), "takes " + std::to_string(arity(op.kind)) + " value(s)");
  for (const std::string& a : op.args) require_no_nul(a, context);
  const auto& a = op.args;
  switch (op.kind) {
    case OpKind::argv0:
      steps.push_back({SHELF_STEP_ARGV0, {a[0]}});
      break;
    case OpKind::inherit_argv0:
      steps.push_back({SHELF_STEP_INHERIT_ARGV0, {}});
      break;
    case OpKind::resolve_argv0:
      steps.push_back({SHELF_STEP_RESOLVE_ARGV0, {}});
      break;
    case OpKind::set:
    case OpKind::set_default:
      require_name(a[0], context);
      steps.push_back({op.kind == OpKind::set ? SHELF_STEP_SET : SHELF_STEP_SET_DEFAULT, {a[0], a[1]}});
      break;
    case OpKind::unset:
      require_name(a[0], context);
      steps.push_back({SHELF_STEP_UNSET, {a[0]}});
      break;
    case OpKind::prefix:
    case OpKind::suffix:
    case OpKind::prefix_each:
    case OpKind::suffix_each:
    case OpKind::prefix_contents:
    case OpKind::suffix_contents: {
      require_name(a[0], context);
      if (a[1].empty()) throw usage_error(context, "the separator must not be empty");
      bool prefix = op.kind == OpKind::prefix || op.kind == OpKind::prefix_each ||
                    op.kind == OpKind::prefix_contents;
      if (op.kind == OpKind::prefix || op.kind == OpKind::suffix) {
        add_list(steps, prefix, a[0], a[1], a[2]);
      } else if (op.kind == OpKind::prefix_each || op.kind == OpKind::suffix_each) {
        for (const std::string& v : split_blanks(a[2])) add_list(steps, prefix, a[0], a[1], v);
      } else {
        for (const std::string& file : split_blanks(a[2])) {
          std::string contents = read_contents(file, context);
          require_no_nul(contents, context + " (" + file + ")");
          add_list(steps, prefix, a[0], a[1], contents);
        }
      }
      break;
    }
    case OpKind::chdir:
      if (a[0].empty()) throw usage_error(context, "the directory must not be empty");
      steps.push_back({SHELF_STEP_CHDIR, {a[0]}});
      break;
    case OpKind::run:
      steps.push_back({SHELF_STEP_RUN, {a[0]}});
      break;
    case OpKind::add_flags:
    case OpKind::append_flags:
      for (const std::string& word : split_shell_words(a[0], context))
        steps.push_back({op.kind == OpKind::add_flags ? SHELF_STEP_ADD_FLAG : SHELF_STEP_APPEND_FLAG, {word}});
      break;
    case OpKind::add_flag:
      steps.push_back({SHELF_STEP_ADD_FLAG, {a[0]}});
      break;
    case OpKind::append_flag:
      steps.push_back({SHELF_STEP_APPEND_FLAG, {a[0]}});
      break;
  }
}

}  // namespace

bool valid_variable_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void check_plan(const Plan& plan, const std::string& context) {
  require_no_nul(plan.target, context);
  if (plan.target.empty() || plan.target[0] != '/')
    throw input_error(context, "wrapper configuration names a target that is not an absolute path");
  for (const Step& s : plan.steps) {
    for (const std::string& f : s.fields) require_no_nul(f, context);
    switch (s.kind) {
      case SHELF_STEP_SET: case SHELF_STEP_SET_DEFAULT: case SHELF_STEP_UNSET:
      case SHELF_STEP_PREFIX: case SHELF_STEP_SUFFIX:
        if (!valid_variable_name(s.fields.at(0)))
          throw input_error(context, std::string("wrapper configuration: ") + shelf_step_flag(s.kind) +
                                         " names a variable that is not a shell name");
        break;
      default:
        break;
    }
  }
}

Plan lower(const WrapperSpec& spec) {
  if (spec.target.empty()) throw usage_error("TARGET", "no program to wrap");
  require_no_nul(spec.target, "TARGET");
  Plan plan;
  // Absolute, so the wrapper works from any working directory (--chdir too).
  plan.target = std::filesystem::absolute(spec.target).lexically_normal().string();
  check_target(plan.target);
  for (const Operation& op : spec.operations) lower_one(op, plan.steps);
  return plan;
}

Plan merged(const Plan& base, const std::vector<Step>& more) {
  Plan out = base;
  out.steps.insert(out.steps.end(), more.begin(), more.end());
  return out;
}

void require_compilable(const WrapperSpec& spec) {
  for (const Operation& op : spec.operations) {
    if (op.kind == OpKind::run)
      throw usage_error("--run", "cannot be compiled into a binary wrapper (it needs a shell); drop --binary");
    if (op.kind == OpKind::prefix_contents || op.kind == OpKind::suffix_contents)
      throw usage_error(flag_name(op.kind),
                        "is not supported by binary wrappers (as in makeBinaryWrapper); use --prefix/--suffix "
                        "with the value, or drop --binary");
  }
}

void require_compilable(const Plan& plan) {
  for (const Step& s : plan.steps)
    if (s.kind == SHELF_STEP_RUN)
      throw usage_error("--run", "the existing wrapper runs a shell command, which cannot be compiled into a "
                                 "binary wrapper; drop --binary");
}

std::string describe(const Plan& plan) {
  std::string out = "target " + shell_quote(plan.target) + "\n";
  for (const Step& s : plan.steps) {
    out += shelf_step_flag(s.kind);
    for (const std::string& f : s.fields) out += " " + shell_quote(f);
    out += "\n";
  }
  return out;
}

}  // namespace shelf::wrap
