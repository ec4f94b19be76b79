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
      "  inspect   what an ELF file declares (interpreter, NEEDED, RPATH/RUNPATH, versions)\n"
      "  audit     where each need resolves under the loader's rules, and what is missing\n"
      "  patch     patchelf's edits, planned together and written once (also: shelf patchelf)\n"
      "  autopatch patch a whole tree against its dependencies (autoPatchelfHook, loader-accurate)\n"
      "  wrap      makeWrapper-style launch wrappers, shell or compiled\n"
      "  desktop   Desktop Entry files that pass desktop-file-validate\n"
      "  store     the content-addressed store: add, import, ls, refs, closure, verify, dump, hash,\n"
      "            delete, gc\n"
      "  build     recipes (TOML) into store paths: unpack, install, patch, wrap\n"
      "  install, remove, list, generations, rollback, switch-generation   profiles of store paths\n"
      "Exit status: 0 ok, 1 findings, 2 usage error, 3 bad input, 4 internal error,\n"
      "5 the environment (permission denied, no space, I/O error).\n"
      "`shelf COMMAND --help` describes each command."};
  app.set_version_flag("--version", "shelf " SHELF_VERSION);
  app.require_subcommand(1);
  int status = kOk;
  add_inspect_command(app, status);
  add_audit_command(app, status);
  add_patch_command(app, status);
  add_autopatch_command(app, status);
  add_wrap_command(app, status);
  add_desktop_command(app, status);
  add_store_command(app, status);
  add_build_command(app, status);
  add_profile_commands(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  } catch (const shelf::base::Error& e) {
    print_error(e.what());
    return exit_status_of(e.kind());
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
    return kInternal;
  }
  std::fflush(stdout);
  return status;
}
