// `shelf desktop --out FILE --name … --exec … [...]`: a Desktop Entry
// Specification 1.5 application entry, checked and escaped, optionally with
// its icon installed into the hicolor theme.
#include <filesystem>

#include "base/output_file.h"
#include "cli/commands.h"
#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "wrap/desktop_entry.h"
#include "wrap/desktop_icon.h"
#include "wrap/error.h"
#include "wrap/shell_words.h"

namespace shelf::cli {

namespace {

struct DesktopOptions {
  std::string out;
  std::vector<std::string> name_locales, categories, mime_types, keywords, only_show_in, not_show_in, actions;
  std::string exec;
  std::string icon_file, icon_size, icon_prefix;
  wrap::DesktopEntry entry;
  bool terminal = false, no_display = false, startup_notify = false, prefers_gpu = false, single_window = false;
};

// --action ID:NAME:EXEC. The first two ':' not written as '\:' separate
// the parts ('\:' is a ':' in the name, '\\' a backslash); the command
// may hold ':' in its arguments, but a ':' in the program word means a name
// with a ':' was split there, so it is refused instead of guessed.
wrap::DesktopAction parse_action(const std::string& a) {
  std::string parts[2];
  size_t at = 0, part = 0;
  for (; at < a.size() && part < 2; ++at) {
    if (a[at] == '\\' && at + 1 < a.size() && (a[at + 1] == ':' || a[at + 1] == '\\')) {
      parts[part] += a[++at];
    } else if (a[at] == ':') {
      ++part;
    } else {
      parts[part] += a[at];
    }
  }
  if (part < 2) throw wrap::usage_error("--action " + a, "expected ID:NAME:EXEC");
  std::vector<std::string> exec = wrap::split_shell_words(a.substr(at), "--action " + a);
  if (!exec.empty() && exec[0].find(':') != std::string::npos)
    throw wrap::usage_error("--action " + a,
                            "more than two ':' before the command; write a ':' in the name as '\\:'");
  return {parts[0], parts[1], exec, ""};
}

// "A;B;" and repeated flags both give lists.
std::vector<std::string> split_semicolons(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    size_t start = 0;
    while (start < v.size()) {
      size_t end = v.find(';', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) out.push_back(v.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

// A regular file is replaced by a new one made with O_EXCL (a planted
// temporary name is never followed); a device or FIFO is written into.
void write_file(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  base::write_output(path, text, 0644);
}

void run_desktop(DesktopOptions& o, const CLI::App& cmd) {
  wrap::DesktopEntry& e = o.entry;
  for (const std::string& nl : o.name_locales) {
    size_t eq = nl.find('=');
    if (eq == std::string::npos) throw wrap::usage_error("--name-locale " + nl, "expected LOCALE=NAME");
    e.localized_names.emplace_back(nl.substr(0, eq), nl.substr(eq + 1));
  }
  e.exec = wrap::split_shell_words(o.exec, "--exec");
  e.categories = split_semicolons(o.categories);
  e.mime_types = split_semicolons(o.mime_types);
  e.keywords = o.keywords;
  e.only_show_in = split_semicolons(o.only_show_in);
  e.not_show_in = split_semicolons(o.not_show_in);
  auto flag = [&](const char* name, bool value) -> std::optional<bool> {
    if (cmd.get_option(name)->count() == 0) return std::nullopt;
    return value;
  };
  e.terminal = flag("--terminal", o.terminal);
  e.no_display = flag("--no-display", o.no_display);
  e.startup_notify = flag("--startup-notify", o.startup_notify);
  e.prefers_non_default_gpu = flag("--prefers-non-default-gpu", o.prefers_gpu);
  e.single_main_window = flag("--single-main-window", o.single_window);
  for (const std::string& a : o.actions) e.actions.push_back(parse_action(a));

  // Render first: nothing is written for an invalid entry.
  std::string icon_name = e.icon;
  if (!o.icon_file.empty() && icon_name.empty())
    e.icon = std::filesystem::path(o.icon_file).stem().string();
  std::string text = wrap::render_desktop_entry(e);
  if (!o.icon_file.empty()) {
    std::string prefix = o.icon_prefix.empty() ? wrap::prefix_of_desktop_file(o.out) : o.icon_prefix;
    if (prefix.empty())
      throw wrap::usage_error("--icon-file", "--out is not <prefix>/share/applications/NAME.desktop; give --icon-prefix");
    wrap::install_icon(o.icon_file, o.icon_size, e.icon[0] == '/' ? "" : e.icon, prefix);
  }
  write_file(o.out, text);
}

}  // namespace

void add_desktop_command(CLI::App& app, int& status) {
  auto o = std::make_shared<DesktopOptions>();
  CLI::App* cmd = app.add_subcommand(
      "desktop",
      "Write a Desktop Entry Specification 1.5 application entry (.desktop file).\n"
      "Every value is checked and escaped as the spec says; invalid input is refused naming\n"
      "the key and the reason (exit 3), nothing is written then.");
  cmd->add_option("--out", o->out, "the .desktop file to write")->required();
  cmd->add_option("--name", o->entry.name, "Name (required)")->required();
  cmd->add_option("--name-locale", o->name_locales, "LOCALE=NAME: Name[LOCALE], repeatable (e.g. de=Rechner)");
  cmd->add_option("--generic-name", o->entry.generic_name, "GenericName, e.g. 'Web Browser'");
  cmd->add_option("--comment", o->entry.comment, "Comment: a tooltip saying what it does");
  cmd->add_option("--exec", o->exec,
                  "Exec: the command, split like sh splits words; field codes %f %F %u %U %i %c %k and %%")
      ->required();
  cmd->add_option("--try-exec", o->entry.try_exec, "TryExec: program that must exist for the entry to show");
  cmd->add_option("--path", o->entry.path, "Path: working directory");
  cmd->add_option("--icon", o->entry.icon, "Icon: theme name (no extension) or absolute path");
  cmd->add_flag("--terminal", o->terminal, "Terminal=true (--terminal=false writes false)");
  cmd->add_option("--categories,--category", o->categories,
                  "Categories: registered names or X-Name, 'A;B' or repeated");
  cmd->add_option("--mime-type", o->mime_types, "MimeType, 'a/b;c/d' or repeated");
  cmd->add_option("--keyword", o->keywords, "one Keywords entry (may contain ';'), repeatable");
  cmd->add_option("--only-show-in", o->only_show_in, "OnlyShowIn desktops, 'A;B' or repeated");
  cmd->add_option("--not-show-in", o->not_show_in, "NotShowIn desktops, 'A;B' or repeated");
  cmd->add_flag("--no-display", o->no_display, "NoDisplay=true");
  cmd->add_flag("--startup-notify", o->startup_notify, "StartupNotify=true (=false writes false)");
  cmd->add_option("--startup-wm-class", o->entry.startup_wm_class, "StartupWMClass");
  cmd->add_flag("--prefers-non-default-gpu", o->prefers_gpu, "PrefersNonDefaultGPU=true");
  cmd->add_flag("--single-main-window", o->single_window, "SingleMainWindow=true");
  cmd->add_option("--action", o->actions,
                  "ID:NAME:EXEC: a [Desktop Action ID] group, repeatable (a ':' in NAME is written '\\:')");
  cmd->add_option("--icon-file", o->icon_file,
                  "PNG or SVG to install as share/icons/hicolor/<size>/apps/<Icon>.<ext> under the prefix");
  cmd->add_option("--icon-size", o->icon_size, "pixel size N of --icon-file (must match a PNG), or 'scalable'");
  cmd->add_option("--icon-prefix", o->icon_prefix,
                  "where share/icons goes (default: PREFIX when --out is PREFIX/share/applications/X.desktop)");
  cmd->callback([o, cmd, &status] {
    try {
      run_desktop(*o, *cmd);
      status = kOk;
    } catch (const wrap::Error& e) {
      print_error(e.what());
      status = e.kind() == wrap::Error::Kind::usage ? kUsage : kBadInput;
    }
  });
}

}  // namespace shelf::cli
