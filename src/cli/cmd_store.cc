// `shelf store add|import|ls|refs|closure|verify|dump|hash|delete|gc`: the
// content-addressed store. Flags are parsed here; src/store does the work.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/store_errors.h"
#include "store/archive_name.h"
#include "store/fd_sink.h"
#include "store/gc.h"
#include "store/nar.h"
#include "store/store.h"
#include "store/unpack.h"

namespace shelf::cli {

namespace {

using store::Store;
using store::StoreConfig;
using store::StorePath;
using store::StorePathSet;

StorePathSet parse_paths(Store& s, const std::vector<std::string>& args) {
  StorePathSet paths;
  for (const std::string& arg : args) {
    StorePath p = s.to_store_path(arg);
    s.info(p);  // must be valid
    paths.insert(p);
  }
  return paths;
}

void print_paths(Store& s, const StorePathSet& paths) {
  for (const StorePath& p : paths) std::cout << s.print(p) << "\n";
}

std::string human_bytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

void define_add(CLI::App& store_cmd, int& status) {
  struct Options {
    std::string source, name, version;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = store_cmd.add_subcommand(
      "add",
      "Copy a directory (or file, or symlink) into the store by content and print its store path\n"
      "<store>/<hash>-<name>[-<version>]. The hash is Nix's fixed-output path for the tree's NAR\n"
      "SHA-256 (equal to `nix-store --add` for a tree without references); references to other\n"
      "store paths found in the contents are recorded. Exit 3 for missing input or files that\n"
      "cannot be stored (sockets, devices, FIFOs); the store is then unchanged.");
  cmd->add_option("source", o->source, "directory, file or symlink to add")->required();
  cmd->add_option("--name", o->name, "name part of the store path (default: the source's base name)");
  cmd->add_option("--version", o->version, "version, appended to the name as -VERSION");
  cmd->callback([o, &status] {
    guarded(status, [&] {
      std::string name = o->name;
      if (name.empty()) {
        std::string trimmed = o->source;
        while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
        name = trimmed.substr(trimmed.find_last_of('/') + 1);
      }
      std::string full_name = store::make_name(name, o->version);
      Store s(StoreConfig::from_environment());
      std::cout << s.print(s.add_tree(o->source, full_name).path) << "\n";
      return kOk;
    });
  });
}

void define_import(CLI::App& store_cmd, int& status) {
  struct Options {
    std::string file, name, version;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = store_cmd.add_subcommand(
      "import",
      "Unpack an archive into the store and print its store path, as `store add` of the unpacked tree.\n"
      "Recognised by content: tar (plain, gzip, xz, zstd, bzip2), zip, .deb (its data.tar.*), npm .tgz\n"
      "(the package/ prefix is dropped) and makeself .run installers (the payload is found by reading\n"
      "the header script; nothing is executed). Archives with absolute paths, '..', escaping symlinks\n"
      "or hard links, devices, FIFOs or a truncated or corrupt stream are refused (exit 3, naming the\n"
      "entry) and the store is unchanged.");
  cmd->add_option("file", o->file, "the archive")->required();
  cmd->add_option("--name", o->name,
                  "name part of the store path (default: the file name without its archive extensions,\n"
                  "made a valid name as nixpkgs' sanitizeDerivationName does)");
  cmd->add_option("--version", o->version, "version, appended to the name as -VERSION");
  cmd->callback([o, &status] {
    guarded(status, [&] {
      std::string name = o->name.empty() ? store::archive_default_name(o->file) : o->name;
      std::string full_name = store::make_name(name, o->version);
      Store s(StoreConfig::from_environment());
      std::cout << s.print(store::import_archive(s, o->file, full_name).path) << "\n";
      return kOk;
    });
  });
}

void define_ls(CLI::App& store_cmd, int& status) {
  struct Options {
    bool json = false, long_format = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = store_cmd.add_subcommand("ls", "List the valid store paths, sorted.");
  cmd->add_flag("-l,--long", o->long_format, "also print NAR size and NAR hash (sha256:<base32>)");
  cmd->add_flag("--json", o->json,
                "print a JSON array of objects with path, narHash (sha256:<base32>), narSize,\n"
                "references and registrationTime");
  cmd->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const store::PathInfo& p : s.list()) {
        if (o->json) {
          nlohmann::ordered_json refs = nlohmann::ordered_json::array();
          for (const StorePath& r : p.references) refs.push_back(s.print(r));
          all.push_back({{"path", s.print(p.path)}, {"narHash", p.nar_hash.nix()}, {"narSize", p.nar_size},
                         {"references", refs}, {"registrationTime", p.registration_time}});
        } else if (o->long_format) {
          std::cout << s.print(p.path) << "\t" << p.nar_size << "\t" << p.nar_hash.nix() << "\n";
        } else {
          std::cout << s.print(p.path) << "\n";
        }
      }
      if (o->json) std::cout << all.dump(2) << "\n";
      return kOk;
    });
  });
}

void define_refs_and_closure(CLI::App& store_cmd, int& status) {
  auto refs_args = std::make_shared<std::vector<std::string>>();
  CLI::App* refs = store_cmd.add_subcommand(
      "refs", "Print the store paths that the given store paths reference directly (found by scanning their contents).");
  refs->add_option("paths", *refs_args, "store paths (or files inside them)")->required();
  refs->callback([refs_args, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      StorePathSet all;
      for (const StorePath& p : parse_paths(s, *refs_args))
        for (const StorePath& r : s.info(p).references) all.insert(r);
      print_paths(s, all);
      return kOk;
    });
  });
  auto closure_args = std::make_shared<std::vector<std::string>>();
  CLI::App* closure = store_cmd.add_subcommand(
      "closure", "Print the runtime closure of the given store paths: themselves and everything they reference, transitively.");
  closure->add_option("paths", *closure_args, "store paths (or files inside them)")->required();
  closure->callback([closure_args, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      print_paths(s, s.closure(parse_paths(s, *closure_args)));
      return kOk;
    });
  });
}

const char* problem_kind(store::VerifyProblem::Kind kind) {
  switch (kind) {
    case store::VerifyProblem::Kind::kMissing: return "missing";
    case store::VerifyProblem::Kind::kModified: return "modified";
    case store::VerifyProblem::Kind::kUnregistered: return "unregistered";
    case store::VerifyProblem::Kind::kNotCanonical: return "not-canonical";
    case store::VerifyProblem::Kind::kLinkOutside: return "link-outside-store";
    case store::VerifyProblem::Kind::kLinkIntoPath: return "link-into-path";
  }
  return "unknown";
}

void define_verify(CLI::App& store_cmd, int& status) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = store_cmd.add_subcommand(
      "verify",
      "Recompute every valid path's NAR hash and compare it with the database, and check that every\n"
      "entry keeps the store's canonical metadata. Prints one line per problem; exit 1 when there is one:\n"
      "  missing PATH              registered but gone\n"
      "  modified PATH: …          its NAR differs (contents, executable bit, symlink target, type)\n"
      "  not canonical PATH: …     metadata a NAR does not hold changed: write, setuid, setgid or\n"
      "                            sticky bits, or an mtime other than 1; names the entries\n"
      "  unregistered PATH         in the store directory but not a valid path\n"
      "and, as information only (exit status unchanged), where symbolic links lead:\n"
      "  info PATH: REL -> TARGET leads outside the store\n"
      "  info PATH: REL -> TARGET leads into another store path");
  cmd->add_flag("--json", *json,
                "print a JSON array of objects with kind (missing, modified, not-canonical,\n"
                "unregistered; link-outside-store, link-into-path as information), path and detail");
  cmd->callback([json, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      auto problems = s.verify();
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const store::VerifyProblem& p : problems) {
        if (*json) {
          all.push_back({{"kind", problem_kind(p.kind)}, {"path", p.path}, {"detail", p.detail}});
        } else if (p.kind == store::VerifyProblem::Kind::kNotCanonical) {
          std::cout << "not canonical " << p.path << ": " << p.detail << "\n";
        } else if (p.kind == store::VerifyProblem::Kind::kLinkOutside) {
          std::cout << "info " << p.path << ": " << p.detail << " leads outside the store\n";
        } else if (p.kind == store::VerifyProblem::Kind::kLinkIntoPath) {
          std::cout << "info " << p.path << ": " << p.detail << " leads into another store path\n";
        } else {
          std::cout << problem_kind(p.kind) << " " << p.path << (p.detail.empty() ? "" : ": " + p.detail) << "\n";
        }
      }
      if (*json) std::cout << all.dump(2) << "\n";
      bool any = std::any_of(problems.begin(), problems.end(), [](const auto& p) { return p.is_problem(); });
      return any ? kFindings : kOk;
    });
  });
}

void define_dump_and_hash(CLI::App& store_cmd, int& status) {
  auto dump_path = std::make_shared<std::string>();
  CLI::App* dump = store_cmd.add_subcommand(
      "dump", "Write the NAR serialisation of PATH (any file or directory) to stdout, byte-identical to `nix-store --dump`.");
  dump->add_option("path", *dump_path, "file, directory or symlink")->required();
  dump->callback([dump_path, &status] {
    guarded(status, [&] {
      std::cout.flush();
      store::FdSink out(STDOUT_FILENO, "stdout");
      store::dump_path(*dump_path, out);
      out.flush();
      return kOk;
    });
  });

  struct HashOptions {
    std::string path;
    bool sri = false, base32 = false, base16 = false;
  };
  auto o = std::make_shared<HashOptions>();
  CLI::App* hash = store_cmd.add_subcommand(
      "hash",
      "Print the SHA-256 of PATH's NAR in Nix's form (sha256:<base32>, as `nix-hash --type sha256\n"
      "--base32`) and in SRI form (sha256-<base64>, as `nix hash path`), one per line.");
  hash->add_option("path", o->path, "file, directory or symlink")->required();
  auto* sri = hash->add_flag("--sri", o->sri, "print only the SRI form");
  auto* b32 = hash->add_flag("--base32", o->base32, "print only the sha256:<base32> form");
  auto* b16 = hash->add_flag("--base16", o->base16, "print only the base-16 digest");
  sri->excludes(b32)->excludes(b16);
  b32->excludes(b16);
  hash->callback([o, &status] {
    guarded(status, [&] {
      store::Hash h = store::hash_path(o->path).hash;
      if (o->sri) std::cout << h.sri() << "\n";
      else if (o->base32) std::cout << h.nix() << "\n";
      else if (o->base16) std::cout << h.base16() << "\n";
      else std::cout << h.nix() << "\n" << h.sri() << "\n";
      return kOk;
    });
  });
}

void define_delete_and_gc(CLI::App& store_cmd, int& status) {
  auto delete_args = std::make_shared<std::vector<std::string>>();
  CLI::App* del = store_cmd.add_subcommand(
      "delete",
      "Delete the given store paths. Refused (exit 1, nothing deleted) while another path references\n"
      "one of them or a gc root reaches it.");
  del->add_option("paths", *delete_args, "store paths")->required();
  del->callback([delete_args, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      for (const std::string& p : store::delete_paths(s, parse_paths(s, *delete_args)).deleted) std::cout << p << "\n";
      return kOk;
    });
  });

  auto dry_run = std::make_shared<bool>(false);
  CLI::App* gc = store_cmd.add_subcommand(
      "gc",
      "Delete every store path not reachable from a root (every profile generation and the\n"
      "symlinks in $SHELF_STATE/gcroots/),\n"
      "and anything in the store directory that is not a valid path. Prints what it deletes.");
  gc->add_flag("--dry-run", *dry_run, "print what would be deleted, delete nothing");
  gc->callback([dry_run, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      store::GcResult r = store::collect_garbage(s, *dry_run);
      for (const std::string& p : r.deleted) std::cout << p << "\n";
      std::cerr << r.deleted.size() << (*dry_run ? " store paths would be deleted, " : " store paths deleted, ")
                << human_bytes(r.bytes) << (*dry_run ? " would be freed\n" : " freed\n");
      return kOk;
    });
  });
}

}  // namespace

void add_store_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand(
      "store",
      "The content-addressed store ($SHELF_STORE, default ~/.local/share/shelf/store; database and\n"
      "gc roots in $SHELF_STATE, default ~/.local/state/shelf).");
  cmd->require_subcommand(1);
  define_add(*cmd, status);
  define_import(*cmd, status);
  define_ls(*cmd, status);
  define_refs_and_closure(*cmd, status);
  define_verify(*cmd, status);
  define_dump_and_hash(*cmd, status);
  define_delete_and_gc(*cmd, status);
}

}  // namespace shelf::cli
