#include "inspect/audit_report.h"

#include <functional>

namespace shelf::inspect {

std::string rule_name(Rule rule) {
  switch (rule) {
    case Rule::kRpath: return "rpath";
    case Rule::kLdLibraryPath: return "LD_LIBRARY_PATH";
    case Rule::kRunpath: return "runpath";
    case Rule::kCache: return "ld.so.cache";
    case Rule::kDefaultPath: return "default path";
    case Rule::kAlreadyLoaded: return "already loaded";
    case Rule::kInterpreter: return "interpreter";
    case Rule::kPath: return "path";
    case Rule::kAudited: return "audited";
    case Rule::kMissing: return "not found";
  }
  return "?";
}

std::string severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "?";
}

bool AuditReport::ok() const {
  if (!version_problems.empty()) return false;
  for (const Resolution& r : resolutions)
    if (!r.object) return false;
  for (const Finding& f : findings)
    if (f.severity == Severity::kError) return false;
  return true;
}

std::vector<const Resolution*> AuditReport::missing() const {
  std::vector<const Resolution*> out;
  for (const Resolution& r : resolutions)
    if (!r.object) out.push_back(&r);
  return out;
}

namespace {

using Json = nlohmann::ordered_json;

Json skipped_json(const std::vector<SkippedCandidate>& skipped) {
  Json out = Json::array();
  for (const SkippedCandidate& s : skipped) out.push_back({{"path", s.path}, {"reason", s.reason}});
  return out;
}

// "[rpath]", "[rpath of /usr/bin/prog]" when the directory came from a
// loader further up the chain (the inherited-RPATH case).
std::string rule_label(const AuditReport& r, const LoadedObject& o, Rule rule) {
  std::string label = rule_name(rule);
  if (rule == Rule::kRpath && o.rpath_owner && o.rpath_owner != o.loaded_by)
    label += " of " + r.objects[*o.rpath_owner].path;
  return "[" + label + "]";
}

}  // namespace

Json to_json(const AuditReport& r) {
  Json j;
  j["path"] = r.path;
  j["class"] = r.bits;
  j["machine"] = r.machine;
  j["interpreter"] = r.interpreter ? Json(*r.interpreter) : Json(nullptr);
  j["needs"] = r.needs;

  Json libraries = Json::array();
  for (size_t i = 1; i < r.objects.size(); ++i) {
    const LoadedObject& o = r.objects[i];
    Json lib = {{"name", o.name}, {"path", o.path}, {"rule", rule_name(o.rule)}};
    lib["needed_by"] = o.loaded_by ? Json(r.objects[*o.loaded_by].path) : Json(nullptr);
    if (o.rpath_owner) lib["rpath_of"] = r.objects[*o.rpath_owner].path;
    libraries.push_back(std::move(lib));
  }
  j["libraries"] = std::move(libraries);

  Json resolutions = Json::array();
  Json missing = Json::array();
  Json skipped = Json::array();
  for (const Resolution& res : r.resolutions) {
    const std::string& by = r.objects[res.needed_by].path;
    Json e = {{"needed_by", by}, {"name", res.name}};
    e["path"] = res.object ? Json(r.objects[*res.object].path) : Json(nullptr);
    e["rule"] = rule_name(res.rule);
    e["skipped"] = skipped_json(res.skipped);
    resolutions.push_back(std::move(e));
    if (!res.object) missing.push_back({{"name", res.name}, {"needed_by", by}});
    for (const SkippedCandidate& s : res.skipped)
      skipped.push_back(
          {{"name", res.name}, {"path", s.path}, {"reason", s.reason}, {"needed_by", by}});
  }
  j["resolutions"] = std::move(resolutions);
  j["missing"] = std::move(missing);

  Json versions = Json::array();
  for (const VersionProblem& v : r.version_problems)
    versions.push_back({{"object", r.objects[v.object].path},
                        {"library", v.library},
                        {"version", v.version},
                        {"found", v.found},
                        {"defines", v.defines},
                        {"message", v.message}});
  j["version_problems"] = std::move(versions);
  j["skipped"] = std::move(skipped);

  Json findings = Json::array();
  for (const Finding& f : r.findings)
    findings.push_back({{"severity", severity_name(f.severity)},
                        {"kind", f.kind},
                        {"object", f.object},
                        {"message", f.message}});
  j["findings"] = std::move(findings);
  j["ok"] = r.ok();
  return j;
}

std::string to_tree(const AuditReport& r) {
  std::vector<std::vector<const Resolution*>> edges(r.objects.size());
  for (const Resolution& res : r.resolutions) edges[res.needed_by].push_back(&res);

  std::string out = r.path;
  if (r.interpreter) out += " [interpreter " + *r.interpreter + "]";
  out += "\n";
  std::vector<bool> expanded(r.objects.size(), false);
  expanded[0] = true;

  // Depth-first over the NEEDED edges; an object's own needs are shown under
  // the edge that loaded it, every other edge to it is a leaf. Each object
  // is expanded once, so dependency cycles print finitely.
  std::function<void(int, const std::string&)> walk = [&](int index, const std::string& indent) {
    const auto& list = edges[index];
    for (size_t k = 0; k < list.size(); ++k) {
      const Resolution& res = *list[k];
      bool last = k + 1 == list.size();
      out += indent + (last ? "└── " : "├── ");
      std::string child_indent = indent + (last ? "    " : "│   ");
      if (!res.object) {
        out += res.name + " not found\n";
      } else {
        const LoadedObject& o = r.objects[*res.object];
        out += res.name + " => " + o.path + " " + rule_label(r, o, res.rule) + "\n";
      }
      for (const SkippedCandidate& s : res.skipped)
        out += child_indent + "(skipped " + s.path + ": " + s.reason + ")\n";
      if (res.object && !expanded[*res.object] && res.rule != Rule::kAlreadyLoaded) {
        expanded[*res.object] = true;
        walk(*res.object, child_indent);
      }
    }
  };
  walk(0, "");

  for (const Resolution* m : r.missing())
    out += "error: " + m->name + " not found (needed by " + r.objects[m->needed_by].path + ")\n";
  for (const VersionProblem& v : r.version_problems) out += "error: " + v.message + "\n";
  for (const Finding& f : r.findings)
    out += severity_name(f.severity) + ": " + f.object + ": " + f.message + "\n";
  return out;
}

}  // namespace shelf::inspect
