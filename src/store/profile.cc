#include "store/profile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "store/error.h"
#include "store/lock.h"
#include "store/profile_tree.h"
#include "store/temp_dir.h"

namespace shelf::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kGenerationName = "user-environment";

std::string profiles_dir(const Store& store) { return store.config().state_dir + "/profiles"; }

// N for "<profile>-<N>-link", nullopt for any other name.
std::optional<int> generation_number(const std::string& file, const std::string& profile) {
  const std::string suffix = "-link";
  if (file.size() <= profile.size() + 1 + suffix.size() || !file.starts_with(profile + "-") || !file.ends_with(suffix))
    return std::nullopt;
  std::string digits = file.substr(profile.size() + 1, file.size() - profile.size() - 1 - suffix.size());
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoi(digits);
}

std::optional<std::string> read_link(const std::string& link) {
  std::error_code ec;
  fs::path target = fs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  return target.string();
}

void write_manifest(const Store& store, const StorePathSet& members, const std::string& file) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const StorePath& p : members) list.push_back(store.print(p));
  std::ofstream out(file);
  out << nlohmann::ordered_json{{"version", 1}, {"members", list}}.dump(2) << "\n";
  if (!out.flush()) throw Error(file, "cannot write");
}

StorePathSet read_manifest(const Store& store, const std::string& generation_path) {
  std::string file = generation_path + "/" + kManifest;
  std::ifstream in(file);
  if (!in) throw Error(file, "cannot read the generation's manifest");
  StorePathSet members;
  try {
    nlohmann::json manifest = nlohmann::json::parse(in);
    for (const auto& member : manifest.at("members")) members.insert(store.to_store_path(member.get<std::string>()));
  } catch (const nlohmann::json::exception& e) {
    throw Error(file, std::string("malformed manifest: ") + e.what());
  }
  return members;
}

}  // namespace

std::string package_name(std::string_view store_name) {
  for (size_t i = 0; i + 1 < store_name.size(); ++i)
    if (store_name[i] == '-' && !std::isalpha(static_cast<unsigned char>(store_name[i + 1])))
      return std::string(store_name.substr(0, i));
  return std::string(store_name);
}

Profile::Profile(Store& store, std::string name) : store_(store), name_(std::move(name)), dir_(profiles_dir(store)) {
  check_name(name_);
  // The profile's own files must not be mistaken for another profile's.
  if (name_.ends_with("-link") || name_.ends_with(".lock") || name_.find(".tmp-") != std::string::npos)
    throw BadInput(name_, "a profile name must not end in -link or .lock or contain .tmp-");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(dir_, "cannot create directory: " + ec.message());
}

std::vector<int> Profile::numbers() {
  std::vector<int> result;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec))
    if (e.is_symlink())
      if (auto n = generation_number(e.path().filename().string(), name_)) result.push_back(*n);
  if (ec) throw Error(dir_, "cannot read directory: " + ec.message());
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<GenerationAge> Profile::ages() {
  std::vector<GenerationAge> result;
  for (int n : numbers()) {
    struct stat st;
    std::string link = generation_link(n);
    if (lstat(link.c_str(), &st) != 0) throw Error(link, "cannot stat: " + errno_text(errno));
    result.push_back({n, static_cast<int64_t>(st.st_mtime)});
  }
  return result;
}

std::vector<Generation> Profile::generations() {
  std::vector<Generation> result;
  for (int n : numbers()) {
    std::string link = generation_link(n);
    auto target = read_link(link);
    if (!target) throw Error(link, "cannot read the generation link");
    StorePath path = store_.to_store_path(*target);
    struct stat st;
    if (lstat(link.c_str(), &st) != 0) throw Error(link, "cannot stat: " + errno_text(errno));
    result.push_back({n, link, path, static_cast<int64_t>(st.st_mtime), read_manifest(store_, store_.print(path))});
  }
  return result;
}

std::optional<int> Profile::current() {
  auto target = read_link(link_path());
  if (!target) return std::nullopt;
  auto n = generation_number(fs::path(*target).filename().string(), name_);
  if (!n || !read_link(generation_link(*n))) return std::nullopt;
  return n;
}

StorePathSet Profile::members() {
  auto n = current();
  if (!n) return {};
  auto target = read_link(generation_link(*n));
  if (!target) return {};
  return read_manifest(store_, store_.print(store_.to_store_path(*target)));
}

std::vector<ProfileMember> Profile::list() {
  auto n = current();
  if (!n) return {};
  auto target = read_link(generation_link(*n));
  if (!target) return {};
  std::string generation = store_.print(store_.to_store_path(*target));
  std::vector<ProfileMember> result;
  for (const StorePath& p : read_manifest(store_, generation)) result.push_back({p, {}});
  // Each link in bin/ points into the member that offers it (see profile_tree.h).
  std::error_code ec;
  const std::string bin = generation + "/bin";
  for (fs::recursive_directory_iterator it(bin, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_symlink()) continue;
    auto file = read_link(it->path().string());
    for (ProfileMember& m : result)
      if (file && file->starts_with(store_.print(m.path) + "/"))
        m.bin.push_back(it->path().lexically_relative(bin).string());
  }
  if (ec && ec != std::errc::no_such_file_or_directory) throw Error(bin, "cannot read directory: " + ec.message());
  for (ProfileMember& m : result) std::sort(m.bin.begin(), m.bin.end());
  return result;
}

ProfileChange Profile::install(const StorePathSet& paths) {
  FileLock writing(dir_ + "/" + name_ + ".lock", FileLock::Mode::kExclusive);
  FileLock gc = store_.lock_gc(FileLock::Mode::kShared);
  StorePathSet next;
  for (const StorePath& member : members()) {
    bool replaced = std::any_of(paths.begin(), paths.end(), [&](const StorePath& p) {
      return package_name(p.name()) == package_name(member.name());
    });
    if (!replaced) next.insert(member);
  }
  for (const StorePath& p : paths) {
    store_.info(p);  // BadInput unless valid
    next.insert(p);
  }
  if (current() && next == members()) return {current(), *current(), false};
  return commit(next);
}

ProfileChange Profile::remove(const std::vector<std::string>& what) {
  FileLock writing(dir_ + "/" + name_ + ".lock", FileLock::Mode::kExclusive);
  FileLock gc = store_.lock_gc(FileLock::Mode::kShared);
  StorePathSet next = members();
  for (const std::string& arg : what) {
    size_t before = next.size();
    if (arg.find('/') != std::string::npos) {
      next.erase(store_.to_store_path(arg));
    } else {
      std::erase_if(next, [&](const StorePath& p) { return p.name() == arg || package_name(p.name()) == arg; });
    }
    if (next.size() == before) throw BadInput(arg, "not installed in profile " + name_);
  }
  return commit(next);
}

ProfileChange Profile::commit(const StorePathSet& members) {
  // Built in the store directory, where leftovers of a crash are cleaned up.
  TempDir temp(store_.dir());
  std::string tree = temp.path() + "/tree";
  if (mkdir(tree.c_str(), 0755) != 0) throw Error(tree, "cannot create directory: " + errno_text(errno));
  std::vector<std::string> full;
  for (const StorePath& p : members) full.push_back(store_.print(p));
  build_profile_tree(full, tree);
  write_manifest(store_, members, tree + "/" + kManifest);
  PathInfo info = store_.add_tree(tree, kGenerationName);

  std::vector<int> existing = numbers();
  int next = existing.empty() ? 1 : existing.back() + 1;
  // What is current before the new generation's link exists: when the
  // current generation's link was deleted, the new one may take its
  // number, and the profile then switches from nothing, not "unchanged".
  std::optional<int> from = current();
  std::string link = generation_link(next);
  if (symlink(store_.print(info.path).c_str(), link.c_str()) != 0)
    throw Error(link, "cannot create the generation link: " + errno_text(errno));
  return switch_locked(next, from);
}

ProfileChange Profile::switch_locked(int number, std::optional<int> from) {
  std::string temp = dir_ + "/." + name_ + ".tmp-" + std::to_string(getpid());
  std::string target = name_ + "-" + std::to_string(number) + "-link";  // relative, as Nix's
  ::unlink(temp.c_str());
  if (symlink(target.c_str(), temp.c_str()) != 0) throw Error(temp, "cannot create symlink: " + errno_text(errno));
  if (rename(temp.c_str(), link_path().c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    throw Error(link_path(), "cannot switch generation: " + errno_text(err));
  }
  return {from, number, from != number};
}

ProfileChange Profile::switch_to(int number) {
  FileLock writing(dir_ + "/" + name_ + ".lock", FileLock::Mode::kExclusive);
  if (!read_link(generation_link(number)))
    throw BadInput(generation_link(number), "no generation " + std::to_string(number) + " in profile " + name_);
  return switch_locked(number, current());
}

ProfileChange Profile::rollback() {
  FileLock writing(dir_ + "/" + name_ + ".lock", FileLock::Mode::kExclusive);
  std::optional<int> now = current();
  if (!now) throw Refused(link_path(), "profile " + name_ + " has no current generation");
  std::optional<int> previous;
  for (int n : numbers())
    if (n < *now) previous = n;
  if (!previous) throw Refused(link_path(), "no generation older than " + std::to_string(*now));
  return switch_locked(*previous, current());
}

std::vector<int> Profile::delete_generations(const GenerationSelection& which, int64_t now, bool dry_run) {
  FileLock writing(dir_ + "/" + name_ + ".lock", FileLock::Mode::kExclusive);
  std::vector<int> doomed = select_generations(which, ages(), current(), now, link_path());
  if (dry_run) return doomed;
  // Only the links go, as in Nix: a collector that already read them as
  // roots keeps their paths this time, and the next one collects them.
  for (int n : doomed)
    if (::unlink(generation_link(n).c_str()) != 0 && errno != ENOENT)
      throw Error(generation_link(n), "cannot delete the generation link: " + errno_text(errno));
  return doomed;
}

std::vector<GcRoot> profile_generation_roots(Store& store) {
  std::vector<GcRoot> roots;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(profiles_dir(store), ec)) {
    std::string file = e.path().filename().string();
    size_t dash = file.rfind('-', file.size() - std::string("-link").size() - 1);
    if (!e.is_symlink() || dash == std::string::npos || !generation_number(file, file.substr(0, dash))) continue;
    auto target = read_link(e.path().string());
    if (!target) continue;
    try {
      StorePath p = store.to_store_path(*target);
      if (store.is_valid(p)) roots.push_back({e.path().string(), p});
    } catch (const BadInput&) {
      // A link out of the store roots nothing.
    }
  }
  return roots;
}

}  // namespace shelf::store
