#include "cli/commands.h"
namespace shelf::cli {
void add_audit_command(CLI::App&, int&) {}
}  // namespace shelf::cli
