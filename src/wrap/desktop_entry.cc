#include "wrap/desktop_entry.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "wrap/categories.h"
#include "wrap/error.h"

namespace shelf::wrap {

namespace {

// Returns the length of the UTF-8 sequence at `s[i]`, 0 when invalid: as
// Unicode defines well-formed UTF-8 (and desktop-file-validate checks it),
// so no overlong form (C0 80, E0 80 80, F0 80 80 80), no UTF-16 surrogate
// (ED A0 80 .. ED BF BF) and nothing past U+10FFFF (F4 90 80 80 on).
size_t utf8_length(const std::string& s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  uint32_t code = len == 1 ? c : c & (0x7f >> len);
  for (size_t k = 1; k < len; ++k) code = (code << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[len]) return 0;                   // overlong
  if (code >= 0xd800 && code <= 0xdfff) return 0;       // surrogate
  if (code > 0x10ffff) return 0;                        // past Unicode
  return len;
}

void check_utf8(const std::string& value, const std::string& key) {
  for (size_t i = 0; i < value.size();) {
    size_t len = utf8_length(value, i);
    if (len == 0) throw input_error(key, "value is not valid UTF-8 (byte " + std::to_string(i) + ")");
    i += len;
  }
}

// "string" values: ASCII without control characters.
void check_ascii(const std::string& value, const std::string& key) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) throw input_error(key, "control characters are not allowed in this key");
    if (c >= 0x80) throw input_error(key, "only ASCII is allowed in this key (Desktop Entry 'string' type)");
  }
}

// "localestring" values: UTF-8; newline, tab and CR are escaped, other
// control characters cannot be written.
void check_text(const std::string& value, const std::string& key) {
  check_utf8(value, key);
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
      throw input_error(key, "control character " + std::to_string(c) + " cannot be written in a desktop entry");
}

// The spec's escapes for string values: \s \n \t \r \\. A leading space
// is written \s because readers strip blanks around '='.
std::string escape(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c == ' ' && i == 0)
      out += "\\s";
    else
      out += c;
  }
  // A trailing blank would be stripped by readers too.
  if (!out.empty() && out.back() == ' ') out.replace(out.size() - 1, 1, "\\s");
  return out;
}

// A list: each element escaped, ';' inside an element as "\;", every
// element followed by ';'.
std::string list_value(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    for (char c : escape(item)) {
      if (c == ';') out += '\\';
      out += c;
    }
    out += ';';
  }
  return out;
}

void check_string_list(const std::vector<std::string>& items, const std::string& key) {
  for (const std::string& item : items) {
    if (item.empty()) throw input_error(key, "empty list element");
    check_ascii(item, key);
    if (item.find(';') != std::string::npos) throw input_error(key + ": " + item, "';' cannot be part of this value");
  }
}

bool reserved_in_exec(char c) {
  return std::string_view(" \t\n\"'\\><~|&;$*?#`()").find(c) != std::string_view::npos;
}

// Checks the field codes in one argument; counts the file/URL ones.
void check_field_codes(const std::string& arg, const std::string& key, int& file_codes) {
  for (size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] != '%') continue;
    if (i + 1 >= arg.size()) throw input_error(key + ": " + arg, "a lone '%' (write %% for a literal percent sign)");
    char code = arg[++i];
    switch (code) {
      case '%':
        break;
      case 'f':
      case 'u':
        ++file_codes;
        break;
      case 'F':
      case 'U':
        ++file_codes;
        if (arg.size() != 2)
          throw input_error(key + ": " + arg, std::string("%") + code + " must be an argument on its own");
        break;
      case 'i':
      case 'k':
      case 'c':
        break;
      case 'd':
      case 'D':
      case 'n':
      case 'N':
      case 'v':
      case 'm':
        throw input_error(key + ": " + arg, std::string("%") + code + " is a deprecated field code");
      default:
        throw input_error(key + ": " + arg, std::string("%") + code + " is not a field code");
    }
  }
  if (file_codes > 1) throw input_error(key, "at most one of %f %F %u %U is allowed");
}

bool has_field_code(const std::string& arg) {
  for (size_t i = 0; i + 1 < arg.size(); ++i) {
    if (arg[i] != '%') continue;
    if (arg[i + 1] != '%') return true;
    ++i;
  }
  return false;
}

void check_locale(const std::string& locale) {
  // lang_COUNTRY@MODIFIER, COUNTRY and MODIFIER optional (.ENCODING is not
  // allowed in Desktop Entry locale keys).
  size_t i = 0;
  auto run = [&](auto pred) {
    size_t start = i;
    while (i < locale.size() && pred(locale[i])) ++i;
    return i - start;
  };
  bool ok = run([](char c) { return c >= 'a' && c <= 'z'; }) >= 2;
  if (ok && i < locale.size() && locale[i] == '_') {
    ++i;
    ok = run([](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }) >= 2;
  }
  if (ok && i < locale.size() && locale[i] == '@') {
    ++i;
    ok = run([](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }) >= 1;
  }
  if (!ok || i != locale.size())
    throw input_error("Name[" + locale + "]", "not a locale name (lang, lang_COUNTRY, lang@MODIFIER, lang_COUNTRY@MODIFIER)");
}

void check_icon(const std::string& icon, const std::string& key) {
  check_utf8(icon, key);
  for (unsigned char c : icon)
    if (c < 0x20 || c == 0x7f) throw input_error(key, "control characters are not allowed");
  if (icon[0] == '/') return;
  if (icon.find('/') != std::string::npos)
    throw input_error(key + "=" + icon, "an icon is a theme name (no '/') or an absolute path");
  for (const char* ext : {".png", ".svg", ".xpm", ".svgz"}) {
    std::string e = ext;
    if (icon.size() > e.size() && icon.compare(icon.size() - e.size(), e.size(), e) == 0)
      throw input_error(key + "=" + icon, "an icon theme name has no file extension (drop " + e + ")");
  }
}

void line(std::string& out, const std::string& key, const std::string& value) {
  out += key + "=" + value + "\n";
}

void bool_line(std::string& out, const std::string& key, const std::optional<bool>& value) {
  if (value) line(out, key, *value ? "true" : "false");
}

}  // namespace

std::string exec_value(const std::vector<std::string>& args, const std::string& key) {
  if (args.empty() || args[0].empty()) throw input_error(key, "no program given");
  int file_codes = 0;
  std::string out;
  for (size_t n = 0; n < args.size(); ++n) {
    const std::string& arg = args[n];
    check_ascii(arg, key);
    check_field_codes(arg, key, file_codes);
    if (n == 0 && has_field_code(arg)) throw input_error(key, "the program name cannot hold a field code");
    if (n == 0 && arg.find('=') != std::string::npos)
      throw input_error(key + ": " + arg, "the program name cannot contain '='");
    if (!out.empty()) out += ' ';
    bool quote = arg.empty() || std::any_of(arg.begin(), arg.end(), reserved_in_exec);
    if (!quote) {
      out += arg;
      continue;
    }
    if (has_field_code(arg))
      throw input_error(key + ": " + arg, "a field code cannot be inside an argument that needs quoting");
    out += '"';
    for (char c : arg) {
      if (c == '"' || c == '`' || c == '$' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return escape(out);
}

std::string render_desktop_entry(const DesktopEntry& e) {
  std::string out = "[Desktop Entry]\n";
  line(out, "Type", "Application");
  // The lowest spec version that has every key used: SingleMainWindow is
  // the one key new in 1.5, and validators that implement 1.4 (such as
  // desktop-file-utils 0.26) reject Version=1.5 outright.
  line(out, "Version", e.single_main_window ? "1.5" : "1.4");

  if (e.name.empty()) throw input_error("Name", "required");
  check_text(e.name, "Name");
  line(out, "Name", escape(e.name));
  std::set<std::string> locales;
  for (const auto& [locale, value] : e.localized_names) {
    check_locale(locale);
    if (!locales.insert(locale).second) throw input_error("Name[" + locale + "]", "given twice");
    if (value.empty()) throw input_error("Name[" + locale + "]", "empty");
    check_text(value, "Name[" + locale + "]");
    line(out, "Name[" + locale + "]", escape(value));
  }
  if (!e.generic_name.empty()) {
    check_text(e.generic_name, "GenericName");
    line(out, "GenericName", escape(e.generic_name));
  }
  if (!e.comment.empty()) {
    check_text(e.comment, "Comment");
    if (e.comment == e.name) throw input_error("Comment", "is the same as Name (say what the program does)");
    line(out, "Comment", escape(e.comment));
  }
  if (!e.icon.empty()) {
    check_icon(e.icon, "Icon");
    line(out, "Icon", escape(e.icon));
  }
  if (!e.try_exec.empty()) {
    check_ascii(e.try_exec, "TryExec");
    line(out, "TryExec", escape(e.try_exec));
  }
  line(out, "Exec", exec_value(e.exec, "Exec"));
  if (!e.path.empty()) {
    check_ascii(e.path, "Path");
    line(out, "Path", escape(e.path));
  }
  bool_line(out, "Terminal", e.terminal);
  if (!e.categories.empty()) {
    check_string_list(e.categories, "Categories");
    check_categories(e.categories, !e.only_show_in.empty());
    line(out, "Categories", list_value(e.categories));
  }
  if (!e.mime_types.empty()) {
    check_string_list(e.mime_types, "MimeType");
    for (const std::string& m : e.mime_types) {
      size_t slash = m.find('/');
      auto token_ok = [](const std::string& t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("!#$&.+-^_").find(c) != std::string_view::npos;
        });
      };
      if (slash == std::string::npos || !token_ok(m.substr(0, slash)) || !token_ok(m.substr(slash + 1)))
        throw input_error("MimeType: " + m, "not a media type (type/subtype)");
    }
    line(out, "MimeType", list_value(e.mime_types));
  }
  if (!e.keywords.empty()) {
    for (const std::string& k : e.keywords) {
      if (k.empty()) throw input_error("Keywords", "empty keyword");
      check_text(k, "Keywords");
    }
    line(out, "Keywords", list_value(e.keywords));
  }
  for (const auto& [key, list] : {std::pair{"OnlyShowIn", &e.only_show_in}, std::pair{"NotShowIn", &e.not_show_in}}) {
    if (list->empty()) continue;
    check_string_list(*list, key);
    for (const std::string& d : *list)
      if (!is_registered_desktop(d))
        throw input_error(std::string(key) + ": " + d, "not a registered desktop environment (or X-Name)");
    line(out, key, list_value(*list));
  }
  if (!e.only_show_in.empty() && !e.not_show_in.empty())
    throw input_error("OnlyShowIn", "cannot be used together with NotShowIn");
  bool_line(out, "NoDisplay", e.no_display);
  bool_line(out, "StartupNotify", e.startup_notify);
  if (!e.startup_wm_class.empty()) {
    check_ascii(e.startup_wm_class, "StartupWMClass");
    line(out, "StartupWMClass", escape(e.startup_wm_class));
  }
  bool_line(out, "PrefersNonDefaultGPU", e.prefers_non_default_gpu);
  bool_line(out, "SingleMainWindow", e.single_main_window);

  std::vector<std::string> ids;
  std::string groups;
  for (const DesktopAction& a : e.actions) {
    const std::string group = "Desktop Action " + a.id;
    if (a.id.empty() || !std::all_of(a.id.begin(), a.id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        }))
      throw input_error("Actions: " + a.id, "an action id holds only A-Z a-z 0-9 and '-'");
    if (std::find(ids.begin(), ids.end(), a.id) != ids.end()) throw input_error("Actions: " + a.id, "given twice");
    ids.push_back(a.id);
    if (a.name.empty()) throw input_error("[" + group + "] Name", "required");
    check_text(a.name, "[" + group + "] Name");
    groups += "\n[" + group + "]\n";
    line(groups, "Name", escape(a.name));
    line(groups, "Exec", exec_value(a.exec, "[" + group + "] Exec"));
    if (!a.icon.empty()) {
      check_icon(a.icon, "[" + group + "] Icon");
      line(groups, "Icon", escape(a.icon));
    }
  }
  if (!ids.empty()) line(out, "Actions", list_value(ids));
  return out + groups;
}

}  // namespace shelf::wrap
