// What a wrapper does, as the user asked for it: the target and the
// makeWrapper operations in the order given. A plain value; `lower()`
// (plan.h) turns it into the primitive steps both wrapper kinds execute.
#pragma once

#include <string>
#include <vector>

namespace shelf::wrap {

enum class OpKind {
  argv0,            // --argv0 NAME
  inherit_argv0,    // --inherit-argv0
  resolve_argv0,    // --resolve-argv0
  set,              // --set VAR VAL
  set_default,      // --set-default VAR VAL
  unset,            // --unset VAR
  prefix,           // --prefix VAR SEP VAL
  suffix,           // --suffix VAR SEP VAL
  prefix_each,      // --prefix-each VAR SEP VALS (VALS split on whitespace)
  suffix_each,      // --suffix-each VAR SEP VALS
  prefix_contents,  // --prefix-contents VAR SEP FILES (read at wrap time)
  suffix_contents,  // --suffix-contents VAR SEP FILES
  chdir,            // --chdir DIR
  run,              // --run COMMAND (shell wrappers only)
  add_flags,        // --add-flags ARGS (split like a shell splits words)
  append_flags,     // --append-flags ARGS
  add_flag,         // --add-flag ARG (verbatim)
  append_flag,      // --append-flag ARG
};

struct Operation {
  OpKind kind;
  std::vector<std::string> args;  // as many as the flag takes, verbatim
};

struct WrapperSpec {
  std::string target;              // the program the wrapper execs
  std::vector<Operation> operations;
};

// The flag spelling of `kind` ("--prefix") and how many values it takes.
const char* flag_name(OpKind kind);
int arity(OpKind kind);
// The kind whose flag is `flag`, or false when `flag` is no wrapper flag.
bool parse_flag(const std::string& flag, OpKind& kind);

}  // namespace shelf::wrap
