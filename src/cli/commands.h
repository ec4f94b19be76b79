// Each subcommand lives in its own cmd_*.cc and registers itself on the
// application here. A command stores its exit status in `status`.
#pragma once

#include <CLI/CLI.hpp>

namespace shelf::cli {

void add_inspect_command(CLI::App& app, int& status);
void add_audit_command(CLI::App& app, int& status);
void add_patch_command(CLI::App& app, int& status);
void add_autopatch_command(CLI::App& app, int& status);
void add_wrap_command(CLI::App& app, int& status);
void add_desktop_command(CLI::App& app, int& status);
void add_store_command(CLI::App& app, int& status);
// shelf build RECIPE... (cmd_build.cc).
void add_build_command(CLI::App& app, int& status);
// install, remove, list, generations, rollback, switch-generation (cmd_profile.cc).
void add_profile_commands(CLI::App& app, int& status);
// shelf started under the name `patchelf`: patchelf's whole command line.
int run_as_patchelf(int argc, char** argv);

}  // namespace shelf::cli
