// `shelf install|remove|list|generations|rollback|switch-generation`: profiles,
// numbered generations of symlink trees in $SHELF_STATE/profiles (see
// src/store/profile.h). Flags are parsed here; src/store does the work.
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/store_errors.h"
#include "store/profile.h"
#include "store/store.h"

namespace shelf::cli {

namespace {

using store::Profile;
using store::ProfileChange;
using store::Store;
using store::StoreConfig;

void add_profile_option(CLI::App& cmd, std::string& profile) {
  cmd.add_option("--profile", profile, "profile name (default: default), in $SHELF_STATE/profiles/NAME")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& name) { return name.empty() ? std::string("the profile name is empty") : std::string(); },
          "NAME"));
}

// A generation number as users type it: a whole number from 1 (CLI11's
// PositiveNumber names its range as up to 1.79e308).
CLI::Validator generation_number_check() {
  return CLI::Validator(
      [](std::string& text) {
        bool digits = !text.empty() && text.size() <= 9 &&
                      text.find_first_not_of("0123456789") == std::string::npos && std::stoi(text) > 0;
        return digits ? std::string() : "'" + text + "' is not a generation number (1, 2, ...)";
      },
      "N");
}

// One line on stderr: what changed, so a script's stdout stays clean.
void report(const Profile& p, const ProfileChange& c) {
  if (!c.changed) {
    std::cerr << "profile " << p.name() << ": generation " << c.to << " unchanged\n";
    return;
  }
  std::cerr << "profile " << p.name() << ": switched from "
            << (c.from ? "generation " + std::to_string(*c.from) : std::string("nothing")) << " to generation " << c.to
            << "\n";
}

std::string local_time(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

struct Options {
  std::string profile = "default";
  std::vector<std::string> args;
  int number = 0;
  bool json = false;
  std::vector<std::string> delete_specs;
  bool dry_run = false;
};

void define_install(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "install",
      "Add store paths to a profile as a new generation: a store path of symlinks to each member's\n"
      "bin/, share/applications/ and share/icons/ files, linked as $SHELF_STATE/profiles/NAME-<N>-link,\n"
      "with $SHELF_STATE/profiles/NAME pointing at it (put its bin/ on PATH). A member with the same\n"
      "name without version (hello for hello-1.0) is replaced. Two members offering the same file\n"
      "is a conflict: exit 1 naming the file and both paths, nothing changed. Exit 3 for paths that\n"
      "are not valid store paths.");
  cmd->add_option("paths", o->args, "store paths to install")->required();
  add_profile_option(*cmd, o->profile);
  cmd->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, o->profile);
      store::StorePathSet paths;
      for (const std::string& arg : o->args) {
        store::StorePath path = s.to_store_path(arg);
        s.info(path);
        paths.insert(path);
      }
      report(p, p.install(paths));
      return kOk;
    });
  });
}

void define_remove(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "remove",
      "Remove members from a profile as a new generation. Each argument is a store path or a name,\n"
      "with version (hello-1.0) or without (hello). Exit 3, nothing changed, when one names no member.");
  cmd->add_option("members", o->args, "store paths or names of installed members")->required();
  add_profile_option(*cmd, o->profile);
  cmd->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, o->profile);
      report(p, p.remove(o->args));
      return kOk;
    });
  });
}

void define_list(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List the members of a profile's current generation, one per line, sorted by store path:\n"
      "NAME<TAB>STORE-PATH<TAB>the bin/ entries it provides, separated by spaces (empty when none).\n"
      "Prints nothing for an empty profile.");
  add_profile_option(*cmd, o->profile);
  cmd->add_flag("--json", o->json, "print a JSON array of objects with name, path and bin (an array)");
  cmd->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, o->profile);
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const store::ProfileMember& m : p.list()) {
        if (o->json) {
          all.push_back({{"name", m.path.name()}, {"path", s.print(m.path)}, {"bin", m.bin}});
          continue;
        }
        std::cout << m.path.name() << "\t" << s.print(m.path) << "\t";
        for (size_t i = 0; i < m.bin.size(); ++i) std::cout << (i ? " " : "") << m.bin[i];
        std::cout << "\n";
      }
      if (o->json) std::cout << all.dump(2) << "\n";
      return kOk;
    });
  });
}

void print_generations(Store& s, Profile& p, bool json) {
  std::optional<int> current = p.current();
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const store::Generation& g : p.generations()) {
    bool is_current = current == g.number;
    if (json) {
      nlohmann::ordered_json members = nlohmann::ordered_json::array();
      for (const store::StorePath& m : g.members) members.push_back(s.print(m));
      all.push_back({{"generation", g.number}, {"path", s.print(g.path)}, {"time", g.time},
                     {"current", is_current}, {"members", members}});
      continue;
    }
    std::cout << g.number << "  " << local_time(g.time) << (is_current ? "  (current)" : "") << "\n";
    for (const store::StorePath& m : g.members) std::cout << "    " << s.print(m) << "\n";
  }
  if (json) std::cout << all.dump(2) << "\n";
}

void define_generations(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "generations",
      "List a profile's generations: number, date (local time), `(current)` on the current one,\n"
      "then its members' store paths, indented, one per line. With --delete, delete generations\n"
      "instead, as `nix-env --delete-generations`: only their links go, and `shelf store gc` then\n"
      "collects the store paths no remaining generation or root keeps.");
  add_profile_option(*cmd, o->profile);
  auto* json = cmd->add_flag("--json", o->json,
                             "print a JSON array of objects with generation, path, time (seconds since the\n"
                             "epoch), current and members");
  auto* del = cmd->add_option(
      "--delete", o->delete_specs,
      "delete generations: numbers N..., or `old` (all but the current one), or `+K` (keep the\n"
      "current one and the K-1 before it; newer ones stay too), or `Nd` (N >= 1: older than N days, except\n"
      "the one that was current then). The current generation is never deleted: naming it is\n"
      "refused (exit 1), a number naming no generation is bad input (exit 3); then nothing is\n"
      "deleted. Prints each deleted number on stderr.");
  del->expected(1, -1)->excludes(json);
  cmd->add_flag("--dry-run", o->dry_run, "with --delete: say what would be deleted, delete nothing")->needs(del);
  cmd->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, o->profile);
      if (o->delete_specs.empty()) {
        print_generations(s, p, o->json);
        return kOk;
      }
      store::GenerationSelection which = store::parse_generation_selection(o->delete_specs);
      for (int n : p.delete_generations(which, static_cast<int64_t>(std::time(nullptr)), o->dry_run))
        std::cerr << "profile " << p.name() << ": " << (o->dry_run ? "would delete" : "deleted") << " generation " << n
                  << "\n";
      return kOk;
    });
  });
}

void define_rollback_and_switch(CLI::App& app, int& status) {
  auto r = std::make_shared<Options>();
  CLI::App* rollback = app.add_subcommand(
      "rollback",
      "Make the newest generation older than the current one current. Exit 1 when there is none.");
  add_profile_option(*rollback, r->profile);
  rollback->callback([r, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, r->profile);
      report(p, p.rollback());
      return kOk;
    });
  });

  auto o = std::make_shared<Options>();
  CLI::App* sw = app.add_subcommand(
      "switch-generation", "Make generation N of a profile current. Exit 3 when it does not exist.");
  sw->add_option("number", o->number, "generation number (see `shelf generations`)")->required()->check(generation_number_check());
  add_profile_option(*sw, o->profile);
  sw->callback([o, &status] {
    guarded(status, [&] {
      Store s(StoreConfig::from_environment());
      Profile p(s, o->profile);
      report(p, p.switch_to(o->number));
      return kOk;
    });
  });
}

}  // namespace

void add_profile_commands(CLI::App& app, int& status) {
  define_install(app, status);
  define_remove(app, status);
  define_list(app, status);
  define_generations(app, status);
  define_rollback_and_switch(app, status);
}

}  // namespace shelf::cli
