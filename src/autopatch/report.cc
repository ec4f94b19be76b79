// Presenting a plan: text for people, JSON for scripts.
#include <string>

#include "autopatch/autopatch.h"
#include "elf/names.h"
#include "base/text.h"

namespace shelf::autopatch {

namespace {

using base::join;

std::string abi(const FilePlan& f) {
  return std::to_string(f.bits) + "-bit " + elf::machine_name(f.machine);
}

}  // namespace

std::string problems_text(const Plan& plan) {
  std::string out;
  for (const Problem& p : plan.problems) out += p.message + "\n";
  return out;
}

std::string to_text(const Plan& plan) {
  std::string out;
  for (const FilePlan& f : plan.files) {
    out += f.path + " (" + (f.executable ? "executable" : "library") + ", " + abi(f) + ")\n";
    if (f.interpreter) out += "  interpreter: " + *f.interpreter + "\n";
    out += "  runpath: " + (f.runpath.empty() ? std::string("(none)") : join(f.runpath, ":")) + "\n";
    for (const Resolved& r : f.libraries)
      out += "  " + r.name + " => " + r.path + (r.dlopen ? " (dlopen)" : "") + "\n";
    for (const std::string& name : f.ignored) out += "  " + name + " => not found (ignored)\n";
  }
  for (const Skipped& s : plan.skipped) out += "skipped " + s.path + ": " + s.reason + "\n";
  return out + problems_text(plan);
}

nlohmann::ordered_json to_json(const Plan& plan) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const FilePlan& f : plan.files) {
    nlohmann::ordered_json libs = nlohmann::ordered_json::array();
    for (const Resolved& r : f.libraries)
      libs.push_back({{"name", r.name}, {"path", r.path}, {"dlopen", r.dlopen}});
    files.push_back({{"path", f.path},
                     {"kind", f.executable ? "executable" : "library"},
                     {"class", f.bits},
                     {"machine", elf::machine_name(f.machine)},
                     {"interpreter", f.interpreter ? nlohmann::ordered_json(*f.interpreter) : nullptr},
                     {"runpath", f.runpath},
                     {"libraries", libs},
                     {"ignored", f.ignored},
                     {"hard_links", f.hard_links},
                     {"changes", !f.edits.empty()}});
  }
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const Problem& p : plan.problems)
    problems.push_back({{"file", p.file},
                        {"library", p.library},
                        {"version", p.version ? nlohmann::ordered_json(*p.version) : nullptr},
                        {"message", p.message}});
  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  for (const Skipped& s : plan.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  return {{"dir", plan.dir}, {"ok", plan.ok()}, {"files", files}, {"problems", problems}, {"skipped", skipped}};
}

}  // namespace shelf::autopatch
