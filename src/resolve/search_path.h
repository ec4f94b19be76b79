// Search path lists as glibc's fillin_rpath builds them: split on ':' (and
// ';' for LD_LIBRARY_PATH), dynamic string tokens expanded per entry, an
// entry whose token has no value dropped, trailing slashes removed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shelf::resolve {

// Values of the dynamic string tokens for one object.
struct TokenValues {
  std::optional<std::string> origin;    // $ORIGIN: the object's directory
  std::optional<std::string> lib;       // $LIB: "lib/x86_64-linux-gnu" on Debian
  std::optional<std::string> platform;  // $PLATFORM: AT_PLATFORM
};

// Expands $ORIGIN, $LIB, $PLATFORM and their ${...} forms. A '$' that starts
// no known token is kept. nullopt when a token has no value: the loader then
// discards the whole entry.
std::optional<std::string> expand_tokens(std::string_view text, const TokenValues& values);

// One directory of a search list.
struct SearchDir {
  std::string raw;  // as written, before expansion
  std::string dir;  // expanded, without trailing '/'; "" means the working directory
};

// Splits `list` on any of `separators` and expands each entry. Entries that
// expand to nothing are dropped, as the loader drops them.
std::vector<SearchDir> parse_search_list(std::string_view list, std::string_view separators,
                                         const TokenValues& values);

// The name the loader opens for `name` in `dir`: "dir/name", "/name" for the
// root, "name" for the working directory.
std::string path_in(const std::string& dir, const std::string& name);

// The directory part of a path as glibc computes l_origin: everything before
// the last '/', "/" for files in the root.
std::string directory_of(const std::string& path);

}  // namespace shelf::resolve
