// The file system the loader sees. Paths in the resolver are always the
// loader's own ("/usr/lib/libz.so.1"); a Root turns them into host paths.
// The host root is the identity; a sysroot prefixes its directory and
// resolves symbolic links inside it, so an absolute link in the sysroot
// ("libz.so.1 -> /usr/lib/libz.so.1.3") stays in the sysroot instead of
// escaping to the host's file. Store paths are absolute host paths and are
// served by the host root.
#pragma once

#include <optional>
#include <string>

namespace shelf::resolve {

class Root {
 public:
  // `dir` empty: the host's "/".
  explicit Root(std::string dir = "");

  bool is_host() const { return dir_.empty(); }
  const std::string& dir() const { return dir_; }

  // Host path of the loader-visible absolute `path` (relative paths are the
  // loader's working directory, which is the host's).
  std::string host_path(const std::string& path) const;

  // `path` with every symbolic link resolved inside the root and "." and
  // ".." removed; nullopt if a component does not exist or links loop.
  std::optional<std::string> canonical(const std::string& path) const;

  // The loader-visible path of a host path, when it lies inside the root.
  std::optional<std::string> from_host(const std::string& host) const;

 private:
  std::string dir_;  // absolute, no trailing slash; empty for the host
};

}  // namespace shelf::resolve
