// Profiles: numbered generations of symlink trees, as Nix's profiles.
//
// On disk, in $SHELF_STATE/profiles/:
//   <name>-<N>-link -> <store>/<hash>-user-environment   one per generation
//   <name>          -> <name>-<N>-link                    the current one
// A generation is a store path made by build_profile_tree() plus a
// manifest.json naming its members by full store path, so the reference
// scanner records every member as a reference of the generation (members
// without any linked file included) and gc keeps them alive through it.
//
// Changes hold the profile's lock (no two writers) and the store's gc lock
// shared from adding the generation until its link exists, so a collector
// never sees a generation that is not yet rooted. The switch is atomic: the
// new `<name>-<N>-link` is created first, then `<name>` is replaced by
// renaming a temporary symlink over it; a crash leaves the old generation
// current (and at most an unused new one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/gc.h"
#include "store/profile_selection.h"
#include "store/store.h"

namespace shelf::store {

struct Generation {
  int number = 0;
  std::string link;  // full path of <name>-<N>-link
  StorePath path;    // the store path it points at
  int64_t time = 0;  // when the link was made (its mtime)
  StorePathSet members;
};

// A member of a generation and what it puts on PATH: the entries of the
// generation's bin/ that link into it, relative to bin/ ("hello").
struct ProfileMember {
  StorePath path;
  std::vector<std::string> bin;
};

// What a change did: the generation now current and the one before (none
// when the profile was empty), or nothing when the members were unchanged.
struct ProfileChange {
  std::optional<int> from;
  int to = 0;
  bool changed = false;
};

class Profile {
 public:
  // Throws BadInput unless `name` is a valid profile name (store-name
  // characters, no leading '.', not ending in -link or .lock).
  Profile(Store& store, std::string name);

  const std::string& name() const { return name_; }
  std::string link_path() const { return dir_ + "/" + name_; }

  // Every generation, by number; throws Error when a link's target or
  // manifest is unreadable.
  std::vector<Generation> generations();
  // The generation `<name>` points at; nullopt for an empty profile.
  std::optional<int> current();
  // The members of the current generation (empty when none).
  StorePathSet members();
  // The same with the bin/ entries each provides, read from the generation's
  // tree (what `nix-env -q` and `nix profile list` show); sorted by path.
  std::vector<ProfileMember> list();

  // A new generation with `paths` added. A member with the same package
  // name (the name without its version, as Nix's DrvName) is replaced.
  // Throws Refused, changing nothing, when two members offer the same file.
  ProfileChange install(const StorePathSet& paths);
  // A new generation without the members named by `what` (store paths, or
  // names with or without version); BadInput when one names no member.
  ProfileChange remove(const std::vector<std::string>& what);
  // Makes generation `number` current; BadInput when it does not exist.
  ProfileChange switch_to(int number);
  // Makes the newest generation older than the current one current;
  // Refused when there is none.
  ProfileChange rollback();
  // Removes the links of the generations `which` selects (as nix-env
  // --delete-generations), never the current one: an explicit number naming
  // it is Refused, a number naming no generation is BadInput, and then
  // nothing is deleted. Returns the numbers deleted (or, with dry_run, that
  // would be). Their store paths stay until `store gc` finds them unrooted.
  std::vector<int> delete_generations(const GenerationSelection& which, int64_t now, bool dry_run);

 private:
  ProfileChange commit(const StorePathSet& members);
  // Points the profile at generation `number`; `from` is the generation
  // that was current before.
  ProfileChange switch_locked(int number, std::optional<int> from);
  std::string generation_link(int number) const { return dir_ + "/" + name_ + "-" + std::to_string(number) + "-link"; }
  std::vector<int> numbers();
  std::vector<GenerationAge> ages();

  Store& store_;
  std::string name_;
  std::string dir_;  // $SHELF_STATE/profiles
};

// "hello" for "hello-1.0": the name up to the first '-' followed by a
// non-letter (Nix's DrvName).
std::string package_name(std::string_view store_name);

// The gc roots that profiles make: every generation link of every profile.
std::vector<GcRoot> profile_generation_roots(Store& store);

}  // namespace shelf::store
