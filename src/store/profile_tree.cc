#include "store/profile_tree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>

#include "store/error.h"

namespace shelf::store {

namespace fs = std::filesystem;

namespace {

enum class Kind { kDirectory, kLink };

struct Entry {
  Kind kind;
  std::string owner;   // the member offering it
  std::string target;  // for kLink: the member's file
};

// Relative path in the generation -> what goes there. Directories may be
// shared by several members; anything else belongs to exactly one.
using Plan = std::map<std::string, Entry>;

void claim(Plan& plan, const std::string& rel, Entry entry) {
  auto [it, inserted] = plan.emplace(rel, entry);
  if (inserted) return;
  if (it->second.kind == Kind::kDirectory && entry.kind == Kind::kDirectory) return;
  throw Refused(rel, "offered by both " + it->second.owner + " and " + entry.owner);
}

// Walks `member`/`rel` without following symlinks below the top directory.
void plan_dir(Plan& plan, const std::string& member, const std::string& rel) {
  std::error_code ec;
  fs::directory_iterator it(member + "/" + rel, ec);
  if (ec) throw BadInput(member + "/" + rel, "cannot read directory: " + ec.message());
  for (const fs::directory_entry& e : it) {
    std::string child = rel + "/" + e.path().filename().string();
    if (e.is_directory() && !e.is_symlink()) {
      claim(plan, child, {Kind::kDirectory, member, ""});
      plan_dir(plan, member, child);
    } else {
      claim(plan, child, {Kind::kLink, member, member + "/" + child});
    }
  }
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw Error(path, "cannot create directory: " + errno_text(errno));
}

}  // namespace

void build_profile_tree(const std::vector<std::string>& members, const std::string& dest) {
  Plan plan;
  for (const std::string& member : members) {
    for (const std::string& top : kProfileDirs) {
      struct stat st;
      // The top directory itself may be a symlink inside the member (bin -> usr/bin).
      if (stat((member + "/" + top).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      // Parents of a top directory (share/) are shared by everyone.
      for (fs::path p = fs::path(top); !p.empty(); p = p.parent_path())
        claim(plan, p.string(), {Kind::kDirectory, member, ""});
      plan_dir(plan, member, top);
    }
  }
  // std::map order puts every directory before the entries below it.
  for (const auto& [rel, entry] : plan) {
    std::string path = dest + "/" + rel;
    if (entry.kind == Kind::kDirectory) {
      make_dir(path);
    } else if (symlink(entry.target.c_str(), path.c_str()) != 0) {
      throw Error(path, "cannot create symlink: " + errno_text(errno));
    }
  }
}

}  // namespace shelf::store
