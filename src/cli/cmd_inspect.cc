// `shelf inspect FILE... [--json]`: facts per file.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "elf/error.h"
#include "inspect/facts.h"
#include "inspect/report.h"

namespace shelf::cli {

namespace {
struct InspectOptions {
  std::vector<std::string> files;
  bool json = false;
};
}  // namespace

void add_inspect_command(CLI::App& app, int& status) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Print what each ELF file declares: class, machine, interpreter, SONAME, NEEDED,\n"
      "RPATH/RUNPATH, symbol versions needed and defined, execstack, PIE, static.\n"
      "Exit 0 when every file was read, 3 when one was unreadable or malformed.");
  cmd->add_option("files", opts->files, "ELF files to inspect")->required();
  cmd->add_flag("--json", opts->json,
                "print a JSON array, one object per file with keys path, class, endian, machine,\n"
                "type, os_abi, interpreter, soname, needed, rpath, runpath, version_needs,\n"
                "version_defs, execstack, pie, static (absent values are null)");
  cmd->callback([opts, &status] {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    status = kOk;
    for (const std::string& file : opts->files) {
      try {
        inspect::Facts facts = inspect::read_facts(file);
        if (opts->json)
          all.push_back(inspect::to_json(facts));
        else
          std::cout << inspect::to_text(facts);
      } catch (const elf::Error& e) {
        print_error(e.what());
        status = kBadInput;
      }
    }
    if (opts->json) std::cout << all.dump(2) << "\n";
  });
}

}  // namespace shelf::cli
