#include "resolve/findings.h"
#include "base/text.h"

#include <sys/stat.h>

namespace shelf::resolve {

using inspect::Finding;
using inspect::Severity;

namespace {

std::vector<std::string> split(const std::string& list) { return base::split(list, ':'); }

// The directory through which others can plant a library at `dir`: `dir`
// itself or, when it does not exist, its nearest existing ancestor, if
// world-writable; or any ancestor that is world-writable without the sticky
// bit (entries in it can be renamed away and replaced).
std::optional<std::string> writable_by_anyone(const Root& root, const std::string& dir) {
  bool nearest = true;
  for (std::string d = dir;; d = directory_of(d)) {
    struct stat st {};
    if (::stat(root.host_path(d).c_str(), &st) == 0) {
      bool others_write = (st.st_mode & S_IWOTH) != 0;
      bool sticky = (st.st_mode & S_ISVTX) != 0;
      if (others_write && (nearest || !sticky)) return d;
      nearest = false;
    }
    if (d == "/" || d.empty() || d == ".") return std::nullopt;
  }
}

void check_list(const LinkMap& map, int i, const Root& root, const char* tag,
                const std::string& list, std::vector<Finding>& out) {
  const std::string& object = map.objects[i].path;
  auto add = [&](Severity s, const char* kind, const std::string& message) {
    out.push_back({s, kind, object, message});
  };
  for (const std::string& raw : split(list)) {
    std::string entry = std::string(tag) + " entry '" + raw + "'";
    if (raw.empty()) {
      if (list.empty()) continue;
      add(Severity::kWarning, "search-path-relative",
          std::string("empty ") + tag + " entry: the loader searches the working directory");
      continue;
    }
    std::optional<std::string> dir = expand_tokens(raw, map.tokens[i]);
    if (!dir) {
      add(Severity::kNote, "search-path-unexpandable",
          entry + " uses a token with no value here; the loader ignores it");
      continue;
    }
    if (dir->empty() || (*dir)[0] != '/') {
      add(Severity::kWarning, "search-path-relative",
          entry + " is relative: it is resolved against the working directory");
      continue;
    }
    std::string shown = *dir == raw ? entry : entry + " (" + *dir + ")";
    struct stat st {};
    if (::stat(root.host_path(*dir).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      add(Severity::kWarning, "search-path-missing", shown + " does not exist");
    if (auto ww = writable_by_anyone(root, *dir))
      add(Severity::kWarning, "search-path-world-writable",
          shown + " is in world-writable " + *ww + ": anyone can plant libraries there");
  }
}

}  // namespace

std::vector<Finding> hygiene_findings(const LinkMap& map, const Root& root) {
  std::vector<Finding> out;
  for (size_t i = 0; i < map.objects.size(); ++i) {
    if (map.objects[i].rule == inspect::Rule::kInterpreter) continue;
    const inspect::Facts& f = *map.files[i]->facts;
    int index = static_cast<int>(i);
    if (f.rpath && !f.runpath) check_list(map, index, root, "DT_RPATH", *f.rpath, out);
    if (f.runpath) check_list(map, index, root, "DT_RUNPATH", *f.runpath, out);
    if (f.execstack.value_or(false))
      out.push_back({Severity::kWarning, "execstack", map.objects[i].path,
                     "executable stack (PT_GNU_STACK is missing or has PF_X): the whole "
                     "process gets an executable stack"});
  }
  return out;
}

}  // namespace shelf::resolve
