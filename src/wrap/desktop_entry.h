// Desktop Entry Specification 1.5 application entries: a value holding the
// keys, and a writer that checks every value and escapes it as the spec
// says (so desktop-file-validate accepts the result).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shelf::wrap {

struct DesktopAction {
  std::string id;                 // [A-Za-z0-9-]+, the group is [Desktop Action id]
  std::string name;
  std::vector<std::string> exec;  // program and arguments, unquoted
  std::string icon;               // optional
};

struct DesktopEntry {
  std::string name;
  std::vector<std::pair<std::string, std::string>> localized_names;  // (locale, Name[locale])
  std::string generic_name;
  std::string comment;
  // The command as arguments (unquoted); field codes (%f %F %u %U %i %c %k)
  // and %% are written as given and checked.
  std::vector<std::string> exec;
  std::string try_exec;
  std::string path;  // working directory
  std::string icon;  // icon theme name or absolute path
  std::optional<bool> terminal;
  std::vector<std::string> categories;
  std::vector<std::string> mime_types;
  std::vector<std::string> keywords;
  std::vector<std::string> only_show_in;
  std::vector<std::string> not_show_in;
  std::optional<bool> no_display;
  std::optional<bool> startup_notify;
  std::string startup_wm_class;
  std::optional<bool> prefers_non_default_gpu;
  std::optional<bool> single_main_window;
  std::vector<DesktopAction> actions;
};

// The file text, with Version=1.4 unless a 1.5 key (SingleMainWindow) is
// used. Throws wrap::Error naming the key and the reason for any
// value the spec does not allow.
std::string render_desktop_entry(const DesktopEntry& entry);

// One Exec value from arguments: each argument quoted when it holds a
// reserved character, field codes checked. `key` names the key in errors.
std::string exec_value(const std::vector<std::string>& args, const std::string& key);

}  // namespace shelf::wrap
