// Installing an application icon into the hicolor theme, where desktop
// environments look up the Icon= name of a desktop entry.
#pragma once

#include <string>

namespace shelf::wrap {

struct IconInstall {
  std::string name;  // the theme name to put in Icon=
  std::string path;  // the installed file
};

// Copies `file` (PNG or SVG, checked by content) to
// `prefix`/share/icons/hicolor/<N>x<N>/apps/<name>.<ext> (SVG: also
// accepts size "scalable"). For a PNG, `size` must match its width and
// height. `name` empty: the file's stem. Throws wrap::Error.
IconInstall install_icon(const std::string& file, const std::string& size, const std::string& name,
                         const std::string& prefix);

// The prefix of an entry written to <prefix>/share/applications/X.desktop,
// or "" when `desktop_file` is not in such a place.
std::string prefix_of_desktop_file(const std::string& desktop_file);

}  // namespace shelf::wrap
