#include "recipe/expand.h"

#include <cctype>

namespace shelf::recipe {

namespace {

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string expand(const std::string& value, const Substitutions& subst, const std::string& file,
                   const Origin& origin) {
  std::string out;
  for (size_t i = 0; i < value.size();) {
    if (value[i] != '$') {
      out += value[i++];
      continue;
    }
    if (value.compare(i, 4, "$out") == 0 && (i + 4 == value.size() || !identifier_char(value[i + 4]))) {
      out += subst.out;
      i += 4;
      continue;
    }
    if (value.compare(i, 2, "${") == 0) {
      size_t end = value.find('}', i);
      if (end == std::string::npos) throw Error(file, origin.key, "unterminated '${' in '" + value + "'", origin.at);
      std::string name = value.substr(i + 2, end - i - 2);
      if (name == "out") {
        out += subst.out;
      } else if (name.starts_with("deps.")) {
        auto dep = subst.deps.find(name.substr(5));
        if (dep == subst.deps.end()) {
          std::string known;
          for (const auto& [n, path] : subst.deps) known += (known.empty() ? "" : ", ") + n;
          throw Error(file, origin.key,
                      "'${" + name + "}' names no dependency (known: " + (known.empty() ? "none" : known) + ")",
                      origin.at);
        }
        out += dep->second;
      } else {
        out += value.substr(i, end - i + 1);  // not ours: left for the program or shell
      }
      i = end + 1;
      continue;
    }
    out += value[i++];
  }
  return out;
}

void check_expansions(const Recipe& recipe, const Substitutions& subst) {
  auto check = [&](const std::string& value, const Origin& origin) { expand(value, subst, recipe.file, origin); };
  for (size_t i = 0; i < recipe.patch.runtime_deps.size(); ++i)
    check(recipe.patch.runtime_deps[i], recipe.patch.runtime_dep_origins[i]);
  for (const FilePatch& p : recipe.patch.files)
    for (const FileEdit& e : p.edits)
      if (e.operation->expands)
        for (const std::string& v : e.values) check(v, p.origin);
  for (const WrapperRule& w : recipe.wrappers) {
    check(w.target, w.origin);
    for (size_t i = 0; i < w.operations.size(); ++i)
      for (const std::string& a : w.operations[i].args) check(a, w.operation_origins[i]);
  }
  for (const DesktopRule& d : recipe.desktops)
    for (const std::string* v : {&d.name, &d.exec, &d.icon, &d.comment}) check(*v, d.origin);
}

}  // namespace shelf::recipe
