#include "inspect/report.h"

#include <elf.h>

#include <optional>
#include <string_view>
#include <vector>

#include "elf/names.h"
#include "base/text.h"

namespace shelf::inspect {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  unsigned char c1 = byte(i + 1);
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
      (c == 0xf4 && c1 > 0x8f))
    return 0;
  return n;
}

// ELF strings are bytes; JSON text must be UTF-8 (nlohmann refuses to dump
// anything else). Invalid bytes become U+FFFD, as a UTF-8 decoder shows them.
std::string utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::vector<std::string> utf8(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& s : items) out.push_back(utf8(s));
  return out;
}

nlohmann::ordered_json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::ordered_json(utf8(*v)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json optional_json(const std::optional<bool>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

using base::join;

}  // namespace

nlohmann::ordered_json to_json(const Facts& x) {
  nlohmann::ordered_json j;
  j["path"] = utf8(x.path);
  j["class"] = x.bits;
  j["endian"] = x.little_endian ? "little" : "big";
  j["machine"] = elf::machine_name(x.machine);
  j["type"] = elf::type_name(x.type);
  j["os_abi"] = elf::os_abi_name(x.os_abi);
  j["interpreter"] = optional_json(x.interpreter);
  j["soname"] = optional_json(x.soname);
  j["needed"] = utf8(x.needed);
  j["rpath"] = optional_json(x.rpath);
  j["runpath"] = optional_json(x.runpath);
  nlohmann::ordered_json needs = nlohmann::ordered_json::object();
  for (const auto& [lib, versions] : x.version_needs) needs[utf8(lib)] = utf8(versions);
  j["version_needs"] = needs;
  j["version_defs"] = utf8(x.version_defs);
  j["execstack"] = optional_json(x.execstack);
  j["pie"] = x.pie;
  j["static"] = x.is_static;
  return j;
}

std::string to_text(const Facts& x) {
  auto or_dash = [](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
  std::string out = x.path + "\n";
  out += "  format:       ELF" + std::to_string(x.bits) + " " +
         (x.little_endian ? "little" : "big") + "-endian " + elf::machine_name(x.machine) + " " +
         elf::type_name(x.type) + ", OS ABI " + elf::os_abi_name(x.os_abi) + "\n";
  out += "  interpreter:  " + or_dash(x.interpreter) + "\n";
  out += "  soname:       " + or_dash(x.soname) + "\n";
  out += "  needed:       " + (x.needed.empty() ? "-" : join(x.needed, " ")) + "\n";
  out += "  rpath:        " + or_dash(x.rpath) + "\n";
  out += "  runpath:      " + or_dash(x.runpath) + "\n";
  if (!x.version_needs.empty()) {
    out += "  version needs:\n";
    for (const auto& [lib, versions] : x.version_needs)
      out += "    " + lib + ": " + join(versions, " ") + "\n";
  }
  if (!x.version_defs.empty()) out += "  version defs: " + join(x.version_defs, " ") + "\n";
  std::string flags;
  if (x.pie) flags += " pie";
  if (x.is_static) flags += " static";
  if (x.execstack.value_or(false)) flags += " execstack";
  if (x.nodeflib()) flags += " nodeflib";
  out += "  flags:       " + (flags.empty() ? std::string(" -") : flags) + "\n";
  return out;
}

}  // namespace shelf::inspect
