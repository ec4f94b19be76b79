// One-line error reporting for the CLI: `shelf: FILE: what is wrong`.
#pragma once

#include <string>

namespace shelf::cli {

void print_error(const std::string& message);

}  // namespace shelf::cli
