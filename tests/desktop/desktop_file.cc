#include "desktop_file.h"

#include <fstream>

namespace shelf::test {

std::string DesktopFile::raw(const std::string& group, const std::string& key) const {
  auto g = groups.find(group);
  if (g == groups.end()) return "<no group>";
  auto k = g->second.find(key);
  return k == g->second.end() ? "<no key>" : k->second;
}

DesktopFile read_desktop_file(const std::string& path) {
  DesktopFile file;
  std::ifstream in(path);
  std::string line, group;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      group = line.substr(1, line.find(']') - 1);
      file.group_order.push_back(group);
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    file.groups[group][key] = value;
  }
  return file;
}

std::string unescape(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    char c = raw[++i];
    out += c == 's' ? ' ' : c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
  }
  return out;
}

std::vector<std::string> unescape_list(const std::string& raw) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == ';') {
      cur += ';';
      ++i;
    } else if (raw[i] == '\\' && i + 1 < raw.size()) {
      cur += raw.substr(i, 2);
      ++i;
    } else if (raw[i] == ';') {
      out.push_back(unescape(cur));
      cur.clear();
    } else {
      cur += raw[i];
    }
  }
  if (!cur.empty()) out.push_back(unescape(cur));
  return out;
}

}  // namespace shelf::test
