#include "cli/diagnostics.h"

#include <cstdio>
#include <string>

namespace shelf::cli {

namespace {

// A message names files and values that came from anywhere (an archive
// entry, a recipe, a damaged wrapper); a newline in one of them would
// make one error look like two, and an escape sequence would reach the
// terminal. Control bytes are shown as C escapes, the same way the
// compiled wrapper's launcher shows them (src/wrap/launcher/fail.c).
std::string one_line(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (unsigned char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

void print_error(const std::string& message) {
  std::fprintf(stderr, "shelf: %s\n", one_line(message).c_str());
}

}  // namespace shelf::cli
