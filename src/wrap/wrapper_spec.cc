#include "wrap/wrapper_spec.h"

#include <array>

namespace shelf::wrap {

namespace {
struct FlagInfo {
  OpKind kind;
  const char* name;
  int arity;
};
constexpr std::array<FlagInfo, 18> kFlags{{
    {OpKind::argv0, "--argv0", 1},
    {OpKind::inherit_argv0, "--inherit-argv0", 0},
    {OpKind::resolve_argv0, "--resolve-argv0", 0},
    {OpKind::set, "--set", 2},
    {OpKind::set_default, "--set-default", 2},
    {OpKind::unset, "--unset", 1},
    {OpKind::prefix, "--prefix", 3},
    {OpKind::suffix, "--suffix", 3},
    {OpKind::prefix_each, "--prefix-each", 3},
    {OpKind::suffix_each, "--suffix-each", 3},
    {OpKind::prefix_contents, "--prefix-contents", 3},
    {OpKind::suffix_contents, "--suffix-contents", 3},
    {OpKind::chdir, "--chdir", 1},
    {OpKind::run, "--run", 1},
    {OpKind::add_flags, "--add-flags", 1},
    {OpKind::append_flags, "--append-flags", 1},
    {OpKind::add_flag, "--add-flag", 1},
    {OpKind::append_flag, "--append-flag", 1},
}};

const FlagInfo& info(OpKind kind) {
  for (const FlagInfo& f : kFlags)
    if (f.kind == kind) return f;
  return kFlags[0];  // unreachable: every kind is in the table
}
}  // namespace

const char* flag_name(OpKind kind) { return info(kind).name; }
int arity(OpKind kind) { return info(kind).arity; }

bool parse_flag(const std::string& flag, OpKind& kind) {
  for (const FlagInfo& f : kFlags) {
    if (flag == f.name) {
      kind = f.kind;
      return true;
    }
  }
  return false;
}

}  // namespace shelf::wrap
