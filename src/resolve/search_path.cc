#include "resolve/search_path.h"

#include <cctype>

namespace shelf::resolve {

namespace {

// Length of the token `ref` at `text` (after the '$'), 0 if it is not there:
// "{REF}" or "REF" not followed by an identifier character (glibc's is_dst).
size_t token_length(std::string_view text, std::string_view ref) {
  if (!text.empty() && text[0] == '{') {
    if (text.size() >= ref.size() + 2 && text.substr(1, ref.size()) == ref &&
        text[ref.size() + 1] == '}')
      return ref.size() + 2;
    return 0;
  }
  if (text.substr(0, ref.size()) != ref) return 0;
  if (text.size() > ref.size()) {
    unsigned char next = static_cast<unsigned char>(text[ref.size()]);
    if (std::isalnum(next) || next == '_') return 0;
  }
  return ref.size();
}

}  // namespace

std::optional<std::string> expand_tokens(std::string_view text, const TokenValues& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    std::string_view rest = text.substr(i + 1);
    struct Known {
      std::string_view name;
      const std::optional<std::string>* value;
    };
    const Known known[] = {
        {"ORIGIN", &values.origin}, {"PLATFORM", &values.platform}, {"LIB", &values.lib}};
    bool matched = false;
    for (const Known& k : known) {
      size_t len = token_length(rest, k.name);
      if (len == 0) continue;
      if (!*k.value) return std::nullopt;
      out += **k.value;
      i += 1 + len;
      matched = true;
      break;
    }
    if (!matched) out += text[i++];
  }
  return out;
}

std::vector<SearchDir> parse_search_list(std::string_view list, std::string_view separators,
                                         const TokenValues& values) {
  std::vector<SearchDir> out;
  if (list.empty()) return out;  // an empty list is ignored, not "."
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find_first_of(separators, i);
    if (j == std::string_view::npos) j = list.size();
    std::string_view raw = list.substr(i, j - i);
    i = j + 1;
    if (raw.empty()) {
      // An empty entry is the working directory (fillin_rpath's "").
      out.push_back({"", ""});
      continue;
    }
    std::optional<std::string> dir = expand_tokens(raw, values);
    if (!dir || dir->empty()) continue;
    while (dir->size() > 1 && dir->back() == '/') dir->pop_back();
    out.push_back({std::string(raw), std::move(*dir)});
  }
  return out;
}

std::string path_in(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir == "/") return "/" + name;
  return dir + "/" + name;
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace shelf::resolve
