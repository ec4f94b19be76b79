// The store path name `store import` gives an archive when none is asked
// for: the file's base name without its archive extensions, made valid the
// way nixpkgs' lib.strings.sanitizeDerivationName does it.
#pragma once

#include <string>
#include <string_view>

namespace shelf::store {

// nixpkgs' sanitizeDerivationName: leading dots dropped, every run of
// characters outside [A-Za-z0-9+._?=-] replaced by one '-', only the last
// 207 characters kept, "unknown" when nothing is left.
std::string sanitize_name(std::string_view name);

// "/dl/Foo App-1.2.tar.gz" -> "Foo-App-1.2"; strips the longest archive or
// compression suffix archive_formats.h knows (.tar.{gz,xz,zst,bz2}, .tgz,
// .txz, .tzst, .tbz2, .tar, .zip, .deb, .run and similar).
std::string archive_default_name(const std::string& file);

}  // namespace shelf::store
