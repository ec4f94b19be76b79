#include "readelf_facts.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/run.h"

namespace shelf::test {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "  Machine:     AArch64" -> "AArch64"
std::optional<std::string> header_field(const std::string& line, const std::string& key) {
  std::string k = "  " + key + ":";
  if (!starts_with(line, k)) return std::nullopt;
  return trim(line.substr(k.size()));
}

// "... Shared library: [libc.so.6]" -> "libc.so.6"
std::string bracketed(const std::string& line) {
  size_t b = line.find('['), e = line.rfind(']');
  return b == std::string::npos || e == std::string::npos || e < b ? "" : line.substr(b + 1, e - b - 1);
}

// The text between `key` and the next double space (readelf's column gap).
std::string field_after(const std::string& line, const std::string& key) {
  size_t b = line.find(key);
  if (b == std::string::npos) return "";
  b += key.size();
  size_t e = line.find("  ", b);
  return line.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

void parse_line(const std::string& line, ReadelfFacts& f, int& version_section) {
  if (auto v = header_field(line, "Class")) f.elf_class = *v;
  else if (auto v = header_field(line, "Data")) f.data = *v;
  else if (auto v = header_field(line, "OS/ABI")) f.os_abi = *v;
  else if (auto v = header_field(line, "Type")) f.type = *v;
  else if (auto v = header_field(line, "Machine")) f.machine = *v;
  else if (starts_with(line, "Program Headers:")) f.has_program_headers = true;
  else if (auto v = header_field(line, "Number of section headers")) f.has_sections = *v != "0";
  else if (line.find("[Requesting program interpreter: ") != std::string::npos) {
    std::string s = line.substr(line.find(": ") + 2);
    f.interpreter = s.substr(0, s.rfind(']'));
  } else if (starts_with(trim(line), "GNU_STACK ")) {
    // Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align; Flg may hold spaces.
    std::istringstream in(line);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) tokens.push_back(t);
    std::string flags;
    for (size_t i = 6; i + 1 < tokens.size(); ++i) flags += tokens[i];
    f.execstack = flags.find('E') != std::string::npos;
  } else if (line.find("(NEEDED)") != std::string::npos) f.needed.push_back(bracketed(line));
  else if (line.find("(SONAME)") != std::string::npos) f.soname = bracketed(line);
  else if (line.find("(RPATH)") != std::string::npos) f.rpath = bracketed(line);
  else if (line.find("(RUNPATH)") != std::string::npos) f.runpath = bracketed(line);
  else if (starts_with(line, "Version definition section")) version_section = 1;
  else if (starts_with(line, "Version needs section")) version_section = 2;
  else if (starts_with(line, "Version symbols section")) version_section = 0;
  else if (version_section == 1 && line.find("Rev: ") != std::string::npos) {
    if (field_after(line, "Flags: ").find("BASE") == std::string::npos)
      f.version_defs.push_back(line.substr(line.find("Name: ") + 6));
  } else if (version_section == 2 && line.find("File: ") != std::string::npos) {
    f.version_needs.push_back({field_after(line, "File: "), {}});
  } else if (version_section == 2 && line.find("Name: ") != std::string::npos && !f.version_needs.empty()) {
    f.version_needs.back().second.push_back(field_after(line, "Name: "));
  }
}

}  // namespace

std::map<std::string, ReadelfFacts> readelf_facts(const std::vector<std::string>& files) {
  std::map<std::string, ReadelfFacts> out;
  if (files.empty() || !require_tool("readelf", "binutils")) return out;
  std::vector<std::string> argv{"readelf", "-W", "-h", "-l", "-d", "-V"};
  argv.insert(argv.end(), files.begin(), files.end());
  RunResult r = run(argv, {{"LC_ALL", "C"}});
  // With several files readelf starts each with "File: PATH" (column 0).
  ReadelfFacts* current = files.size() == 1 ? &out[files[0]] : nullptr;
  int version_section = 0;
  for (const std::string& line : lines(r.out)) {
    if (files.size() > 1 && starts_with(line, "File: ")) {
      current = &out[line.substr(6)];
      version_section = 0;
    } else if (current) {
      parse_line(line, *current, version_section);
    }
  }
  for (const std::string& line : lines(r.err))
    for (auto& [path, facts] : out)
      if (line.find(path + ":") != std::string::npos) facts.errors += line + "\n";
  return out;
}

}  // namespace shelf::test
