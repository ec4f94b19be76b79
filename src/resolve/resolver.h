// The resolver's public face: audit ELF files the way the dynamic loader
// would load them, over the host, a sysroot or (later) the store.
//
//   resolve::Auditor auditor({.sysroot = "", .library_path = getenv(...)});
//   inspect::AuditReport r = auditor.audit_file("/usr/bin/ls");
//
// One Auditor parses ld.so.cache once and every library file once, however
// many programs it audits.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inspect/audit_report.h"

namespace shelf::resolve {

struct AuditOptions {
  std::string sysroot;                      // empty: the host's "/"
  std::optional<std::string> library_path;  // LD_LIBRARY_PATH; nullopt: unset
};

class Auditor {
 public:
  // Throws elf::Error when the root's ld.so.cache exists but is malformed.
  explicit Auditor(AuditOptions options);
  ~Auditor();
  Auditor(const Auditor&) = delete;
  Auditor& operator=(const Auditor&) = delete;

  // Audits the ELF file at host path `path`. Throws elf::Error (file,
  // reason, offset) when it is unreadable or not well-formed ELF.
  inspect::AuditReport audit_file(const std::string& path);

  // Number of distinct files parsed so far (each at most once per run).
  size_t files_parsed() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The ELF files under `dir`, recursively, sorted by path; symbolic links are
// not followed (their targets are audited where they live).
std::vector<std::string> elf_files_in(const std::string& dir);

}  // namespace shelf::resolve
