// The registered categories and desktop environments of the Desktop Menu
// Specification (embedded, with the relations desktop-file-validate checks).
#pragma once

#include <string>
#include <vector>

namespace shelf::wrap {

// Checks a Categories list: every name registered or X-prefixed, no
// deprecated ones, Audio/Video with AudioVideo, an additional category
// next to one of its related main categories, and the ones that need
// OnlyShowIn only with it. Throws wrap::Error naming the category.
void check_categories(const std::vector<std::string>& categories, bool has_only_show_in);

// True for a registered OnlyShowIn/NotShowIn desktop name or an X- name.
bool is_registered_desktop(const std::string& name);

}  // namespace shelf::wrap
