#include "base/mapped_files.h"

#include <dirent.h>
#include <sys/sysmacros.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace shelf::base {

std::set<FileKey> mapped_files() {
  std::set<FileKey> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* e = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::ifstream maps(std::string("/proc/") + e->d_name + "/maps");
    // "start-end perms offset major:minor inode path"
    for (std::string line; std::getline(maps, line);) {
      unsigned major = 0, minor = 0;
      unsigned long long inode = 0;
      if (std::sscanf(line.c_str(), "%*s %*s %*s %x:%x %llu", &major, &minor, &inode) == 3 && inode != 0)
        out.emplace(makedev(major, minor), static_cast<ino_t>(inode));
    }
  }
  closedir(proc);
  return out;
}

}  // namespace shelf::base
