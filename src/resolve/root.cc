#include "resolve/root.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace shelf::resolve {

namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return std::filesystem::current_path().string() + "/" + path;
}

}  // namespace

Root::Root(std::string dir) {
  if (dir.empty()) return;
  dir_ = std::filesystem::absolute(dir).lexically_normal().string();
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (dir_ == "/") dir_.clear();
}

std::string Root::host_path(const std::string& path) const {
  if (is_host() || path.empty() || path[0] != '/') return path;
  // Resolve links inside the root; a path that does not (fully) exist is
  // simply prefixed, so that the caller's stat() reports it missing.
  if (auto c = canonical(path)) return dir_ + *c;
  return dir_ + path;
}

std::optional<std::string> Root::canonical(const std::string& path) const {
  if (is_host()) {
    char buf[PATH_MAX];
    if (!::realpath(absolute(path).c_str(), buf)) return std::nullopt;
    return std::string(buf);
  }
  // Walk the components left to right; a link's target replaces the
  // component (absolute targets restart at the root).
  std::vector<std::string> todo = components(absolute(path));
  std::reverse(todo.begin(), todo.end());
  std::vector<std::string> done;
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.back());
    todo.pop_back();
    if (c == ".") continue;
    if (c == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    std::string so_far;
    for (const std::string& d : done) so_far += "/" + d;
    std::string host = dir_ + so_far + "/" + c;
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) {
      done.push_back(c);
      continue;
    }
    if (++links > 40) return std::nullopt;
    std::vector<char> target(static_cast<size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1);
    ssize_t n = ::readlink(host.c_str(), target.data(), target.size() - 1);
    if (n < 0) return std::nullopt;
    std::string t(target.data(), static_cast<size_t>(n));
    if (!t.empty() && t[0] == '/') done.clear();
    std::vector<std::string> parts = components(t);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_back(*it);
  }
  std::string out;
  for (const std::string& d : done) out += "/" + d;
  return out.empty() ? "/" : out;
}

std::optional<std::string> Root::from_host(const std::string& host) const {
  std::string abs = std::filesystem::absolute(host).lexically_normal().string();
  if (is_host()) return abs;
  if (abs == dir_) return "/";
  if (abs.size() > dir_.size() && abs.compare(0, dir_.size(), dir_) == 0 &&
      abs[dir_.size()] == '/')
    return abs.substr(dir_.size());
  return std::nullopt;
}

}  // namespace shelf::resolve
