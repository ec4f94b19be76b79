#include "inspect/report.h"

#include <elf.h>

#include "elf/names.h"

namespace shelf::inspect {

namespace {

template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

}  // namespace

nlohmann::ordered_json to_json(const Facts& x) {
  nlohmann::ordered_json j;
  j["path"] = x.path;
  j["class"] = x.bits;
  j["endian"] = x.little_endian ? "little" : "big";
  j["machine"] = elf::machine_name(x.machine);
  j["type"] = elf::type_name(x.type);
  j["os_abi"] = elf::os_abi_name(x.os_abi);
  j["interpreter"] = optional_json(x.interpreter);
  j["soname"] = optional_json(x.soname);
  j["needed"] = x.needed;
  j["rpath"] = optional_json(x.rpath);
  j["runpath"] = optional_json(x.runpath);
  nlohmann::ordered_json needs = nlohmann::ordered_json::object();
  for (const auto& [lib, versions] : x.version_needs) needs[lib] = versions;
  j["version_needs"] = needs;
  j["version_defs"] = x.version_defs;
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
