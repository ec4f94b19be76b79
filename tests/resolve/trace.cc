#include "trace.h"

#include <sstream>
#include <vector>

#include "support/run.h"

namespace shelf::test {

namespace {

// "\tNAME => PATH (0x…)", "\tNAME => not found", "\tNAME (0x…)".
void add_line(const std::string& line, Loaded& out) {
  if (line.empty() || (line[0] != '\t' && line[0] != ' ')) return;
  std::istringstream words(line);
  std::vector<std::string> w;
  for (std::string x; words >> x;) w.push_back(x);
  auto address = [](const std::string& s) { return s.rfind("(0x", 0) == 0 && s.back() == ')'; };
  if (w.size() == 4 && w[1] == "=>" && w[2] == "not" && w[3] == "found")
    out.insert({w[0], ""});
  else if (w.size() == 4 && w[1] == "=>" && address(w[3]))
    out.insert({w[0], w[2]});
  else if (w.size() == 2 && address(w[1]) && w[0].find("vdso") == std::string::npos)
    out.insert({w[0], w[0]});  // the interpreter: name and path are the same
}

}  // namespace

Loaded parse_trace(const std::string& text) {
  Loaded out;
  for (const std::string& line : lines(text)) add_line(line, out);
  return out;
}

std::map<std::string, Loaded> parse_ldd_many(const std::string& text) {
  std::map<std::string, Loaded> out;
  std::string current;
  for (const std::string& line : lines(text)) {
    if (!line.empty() && line[0] != '\t' && line.back() == ':') {
      current = line.substr(0, line.size() - 1);
      out[current];
      continue;
    }
    if (!current.empty()) add_line(line, out[current]);
  }
  return out;
}

Loaded loaded_by_audit(const inspect::AuditReport& report) {
  // The loader lists its own object only when some object needs it by name.
  bool interpreter_needed = false;
  for (const inspect::Resolution& r : report.resolutions)
    interpreter_needed |= r.rule == inspect::Rule::kInterpreter;
  Loaded out;
  for (size_t i = 1; i < report.objects.size(); ++i)
    if (report.objects[i].rule != inspect::Rule::kInterpreter || interpreter_needed)
      out.insert({report.objects[i].name, report.objects[i].path});
  for (const inspect::Resolution* m : report.missing()) out.insert({m->name, ""});
  return out;
}

}  // namespace shelf::test
