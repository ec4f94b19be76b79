#include "resolve/versions.h"
#include "base/text.h"

#include <algorithm>

namespace shelf::resolve {

namespace {

using base::join;

}  // namespace

VersionCheck check_versions(const LinkMap& map) {
  VersionCheck out;
  for (size_t i = 0; i < map.objects.size(); ++i) {
    const inspect::Facts& facts = *map.files[i]->facts;
    const std::string& who = map.objects[i].name;
    for (const auto& [library, versions] : facts.version_needs) {
      std::optional<int> target = map.find(library);
      if (!target) continue;  // missing: reported as a missing library
      const inspect::Facts& defs = *map.files[*target]->facts;
      const std::string& found = map.objects[*target].path;
      if (defs.version_defs.empty()) {
        out.notes.push_back({inspect::Severity::kNote, "unversioned-library", map.objects[i].path,
                             who + " needs " + join(versions, ", ") + " from " + library +
                                 " but " + found + " has no version information"});
        continue;
      }
      for (const std::string& v : versions) {
        if (std::find(defs.version_defs.begin(), defs.version_defs.end(), v) !=
            defs.version_defs.end())
          continue;
        inspect::VersionProblem p;
        p.object = static_cast<int>(i);
        p.library = library;
        p.version = v;
        p.found = found;
        p.defines = defs.version_defs;
        p.message = who + " needs " + v + " from " + library + " (found: " + found +
                    ", which defines " + join(defs.version_defs, ", ") + " only)";
        out.problems.push_back(std::move(p));
      }
    }
  }
  return out;
}

}  // namespace shelf::resolve
