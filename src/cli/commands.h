// Each subcommand lives in its own cmd_*.cc and registers itself on the
// application here. A command stores its exit status in `status`.
#pragma once

#include <CLI/CLI.hpp>

namespace shelf::cli {

void add_inspect_command(CLI::App& app, int& status);
void add_audit_command(CLI::App& app, int& status);

}  // namespace shelf::cli
