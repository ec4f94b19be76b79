// A reader for .desktop files written from the Desktop Entry
// Specification, independent of shelf's writer, to parse entries back.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace shelf::test {

struct DesktopFile {
  // group -> key (with [locale]) -> raw value (escapes still in)
  std::map<std::string, std::map<std::string, std::string>> groups;
  std::vector<std::string> group_order;
  std::string raw(const std::string& group, const std::string& key) const;
};

DesktopFile read_desktop_file(const std::string& path);

// The spec's unescaping of a string value (\s \n \t \r \\).
std::string unescape(const std::string& raw);
// A list value: split on unescaped ';', each element unescaped.
std::vector<std::string> unescape_list(const std::string& raw);

}  // namespace shelf::test
