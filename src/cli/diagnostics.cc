#include "cli/diagnostics.h"

#include <cstdio>

namespace shelf::cli {

void print_error(const std::string& message) {
  std::fprintf(stderr, "shelf: %s\n", message.c_str());
}

}  // namespace shelf::cli
