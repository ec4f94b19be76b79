// A temporary directory that removes itself (Nix's AutoDelete): `store add`
// builds each path in one inside the store, so rename() into place is atomic
// and a failure at any step leaves nothing behind; deletion renames a path
// into one first, so a half-deleted tree is never visible under its name. Names start with
// kTempPrefix, which the store treats as invisible and recovers after crashes.
#pragma once

#include <string>

namespace shelf::store {

inline constexpr const char* kTempPrefix = ".tmp-";

class TempDir {
 public:
  // Creates `<parent>/.tmp-XXXXXX` (mode 0700).
  explicit TempDir(const std::string& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // After the directory was renamed into place: do not delete it.
  void release() { path_.clear(); }

 private:
  std::string path_;
};

}  // namespace shelf::store
