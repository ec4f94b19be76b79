#include "resolve/default_dirs.h"

#include <sys/stat.h>

#include "elf/error.h"
#include "elf/mapped_file.h"
#include "resolve/compat.h"

namespace shelf::resolve {

namespace {

bool exists(const Root& root, const std::string& path) {
  struct stat st {};
  return ::stat(root.host_path(path).c_str(), &st) == 0;
}

// Debian (and derivatives) add /lib and /usr/lib after the multiarch or
// biarch directories; upstream glibc searches its slibdir and libdir only.
bool debian_layout(const Root& root, const std::string& triplet) {
  return exists(root, "/etc/debian_version") ||
         (!triplet.empty() && exists(root, "/usr/lib/" + triplet));
}

}  // namespace

std::vector<std::string> builtin_system_dirs(std::span<const uint8_t> bytes) {
  std::vector<std::string> best, run;
  size_t i = 0;
  auto finish_run = [&] {
    if (run.size() >= 2 && run.size() > best.size()) best = run;
    run.clear();
  };
  while (i < bytes.size()) {
    // A candidate string starts after a NUL with '/'.
    if (bytes[i] != '/' || (i > 0 && bytes[i - 1] != 0)) {
      finish_run();
      ++i;
      continue;
    }
    size_t j = i;
    while (j < bytes.size() && bytes[j] != 0 && bytes[j] >= 0x20 && bytes[j] < 0x7f) ++j;
    bool is_dir = j < bytes.size() && bytes[j] == 0 && j - i >= 2 && bytes[j - 1] == '/';
    if (!is_dir) {
      finish_run();
      i = j + 1;
      continue;
    }
    run.emplace_back(reinterpret_cast<const char*>(bytes.data() + i), j - i);
    i = j + 1;
    if (i >= bytes.size() || bytes[i] != '/') finish_run();
  }
  finish_run();
  for (std::string& d : best)
    if (d.size() > 1) d.pop_back();  // "/lib/" -> "/lib"
  return best;
}

SystemDirs system_dirs(const inspect::Facts& want, const Root& root,
                       const std::optional<std::string>& interpreter) {
  SystemDirs out;
  if (interpreter) {
    try {
      elf::MappedFile loader(root.host_path(*interpreter));
      out.dirs = builtin_system_dirs(loader.bytes());
    } catch (const elf::Error&) {
      // No readable interpreter: fall back below.
    }
  }
  if (out.dirs.empty()) {
    std::string triplet = multiarch_triplet(want);
    bool debian = debian_layout(root, triplet);
    std::string slibdir = debian && !triplet.empty() ? "/lib/" + triplet : "/" + upstream_libdir(want);
    out.dirs = {slibdir, "/usr" + slibdir};
    if (debian && slibdir != "/lib") {
      out.dirs.push_back("/lib");
      out.dirs.push_back("/usr/lib");
    }
  }
  // glibc's $LIB is its slibdir, the first system directory.
  out.lib = out.dirs[0].substr(1);
  return out;
}

}  // namespace shelf::resolve
