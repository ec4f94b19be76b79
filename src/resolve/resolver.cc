#include "resolve/resolver.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "elf/error.h"
#include "elf/names.h"
#include "resolve/findings.h"
#include "resolve/ld_so_cache.h"
#include "resolve/library_cache.h"
#include "resolve/loader.h"
#include "resolve/root.h"
#include "resolve/versions.h"

namespace shelf::resolve {

struct Auditor::State {
  Root root;
  LibraryCache files;
  LdSoCache cache;
  std::map<std::string, SystemDirs> system_dirs;
  LoaderEnvironment env;
};

Auditor::Auditor(AuditOptions options) : state_(std::make_unique<State>()) {
  state_->root = Root(options.sysroot);
  state_->cache = read_ld_so_cache(state_->root.host_path("/etc/ld.so.cache"));
  state_->env = {&state_->root, &state_->files, &state_->cache, options.library_path,
                 &state_->system_dirs};
}

Auditor::~Auditor() = default;

size_t Auditor::files_parsed() const { return state_->files.files_parsed(); }

inspect::AuditReport Auditor::audit_file(const std::string& path) {
  const LibraryFile* main = state_->files.open(path);
  if (!main) {
    // Let the reader produce the precise reason (missing, not regular, …).
    inspect::read_facts(path);
    throw elf::Error(path, "not a regular file");
  }
  if (!main->facts) throw elf::Error(path, main->error);
  const inspect::Facts& facts = *main->facts;

  // Inside a sysroot the program's own path is the sysroot-relative one.
  std::string loader_path = state_->root.from_host(path).value_or(path);
  LinkMap map = load_program(state_->env, path, loader_path, *main);
  VersionCheck versions = check_versions(map);
  std::vector<inspect::Finding> hygiene = hygiene_findings(map, state_->root);

  inspect::AuditReport r;
  r.path = path;
  r.bits = facts.bits;
  r.machine = elf::machine_name(facts.machine);
  r.interpreter = facts.interpreter;
  r.needs = facts.needed;
  r.objects = std::move(map.objects);
  r.resolutions = std::move(map.resolutions);
  r.version_problems = std::move(versions.problems);
  r.findings = std::move(map.findings);
  r.findings.insert(r.findings.end(), versions.notes.begin(), versions.notes.end());
  r.findings.insert(r.findings.end(), hygiene.begin(), hygiene.end());
  return r;
}

namespace {

bool starts_with_elf_magic(const std::filesystem::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[4] = {};
  bool elf = ::read(fd, magic, 4) == 4 && magic[0] == 0x7f && magic[1] == 'E' &&
             magic[2] == 'L' && magic[3] == 'F';
  ::close(fd);
  return elf;
}

}  // namespace

std::vector<std::string> elf_files_in(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw elf::Error(dir, ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw elf::Error(dir, ec.message());
    const fs::directory_entry& e = *it;
    if (e.is_symlink(ec) || !e.is_regular_file(ec)) continue;
    if (starts_with_elf_magic(e.path())) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace shelf::resolve
