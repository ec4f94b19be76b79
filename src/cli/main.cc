// The `shelf` executable: CLI11 parses, a module does the work, this prints.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  using namespace shelf::cli;
  // Installed as `patchelf` (a link to shelf): behave as patchelf does.
  const char* base = std::strrchr(argv[0], '/');
  if (std::strcmp(base ? base + 1 : argv[0], "patchelf") == 0) return run_as_patchelf(argc, argv);
  CLI::App app{
      "shelf: make prebuilt Linux binaries run from an isolated, immutable store.\n"
      "Commands: inspect (what a file declares), audit (where its needs resolve)."};
  app.set_version_flag("--version", "shelf " SHELF_VERSION);
  app.require_subcommand(1);
  int status = kOk;
  add_inspect_command(app, status);
  add_audit_command(app, status);
  add_patch_command(app, status);
  add_wrap_command(app, status);
  add_desktop_command(app, status);
  add_store_command(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
    return kInternal;
  }
  std::fflush(stdout);
  return status;
}
