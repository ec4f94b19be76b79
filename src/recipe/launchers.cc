#include "recipe/launchers.h"

#include <filesystem>
#include <sstream>

#include "base/error.h"
#include "base/tree.h"
#include "wrap/desktop_entry.h"
#include "wrap/error.h"
#include "wrap/shell_wrapper.h"
#include "wrap/shell_words.h"
#include "wrap/wrapper_file.h"

namespace shelf::recipe {

namespace fs = std::filesystem;

namespace {

// An error text naming files where they will be, not in the build directory.
std::string as_final(std::string text, const std::string& built, const std::string& out) {
  for (size_t at = text.find(built); at != std::string::npos; at = text.find(built, at + out.size()))
    text.replace(at, built.size(), out);
  return text;
}

std::string under_out(const std::string& path, const Substitutions& subst) {
  return path.starts_with("/") ? path : subst.out + "/" + path;
}

// A file of the output a wrapper reads while it is built ($out/...): read
// beneath the output, so a link in it never leads the read out of it.
std::string beneath_output(const base::Tree& tree, const std::string& final_path, const std::string& out) {
  if (!final_path.starts_with(out + "/")) return final_path;
  return tree.path(tree.resolve(final_path.substr(out.size() + 1), true));
}

void write_wrapper(const Recipe& recipe, const WrapperRule& w, const base::Tree& tree, const Substitutions& subst,
                   const std::string& launcher) {
  auto x = [&](const std::string& v) { return expand(v, subst, recipe.file, w.origin); };
  std::string target = under_out(x(w.target), subst);
  std::string out = subst.out + "/" + w.out;
  wrap::WrapperSpec spec;
  if (target == out) {
    // wrapProgram: the program moves aside to .NAME-wrapped, the wrapper
    // takes its name and passes its own argv[0] on.
    // As `shelf wrap` in place: argv[0] is passed on only when the wrapper
    // can set it (compiled, or a shell with `exec -a`; /bin/sh as dash
    // cannot, so the program then sees its hidden path).
    fs::path moved = fs::path(w.out).parent_path() / ("." + fs::path(w.out).filename().string() + "-wrapped");
    tree.rename(w.out, moved.string());
    target = subst.out + "/" + moved.string();
    if (w.binary || wrap::shell_supports_exec_a(w.shell))
      spec.operations.push_back({wrap::OpKind::inherit_argv0, {}});
  }
  for (size_t i = 0; i < w.operations.size(); ++i) {
    const wrap::Operation& op = w.operations[i];
    wrap::Operation expanded{op.kind, {}};
    for (const std::string& a : op.args) expanded.args.push_back(expand(a, subst, recipe.file, w.operation_origins[i]));
    // --prefix-contents/--suffix-contents read their files now, when the
    // output is not at $out yet: read them where they are being built.
    if (op.kind == wrap::OpKind::prefix_contents || op.kind == wrap::OpKind::suffix_contents) {
      std::istringstream names(expanded.args[2]);  // blank-separated, as makeWrapper splits them
      std::string files;
      for (std::string f; names >> f;) files += (files.empty() ? "" : " ") + beneath_output(tree, f, subst.out);
      expanded.args[2] = files;
    }
    spec.operations.push_back(std::move(expanded));
  }
  // lower() checks the target is an executable file: it must look at the
  // file where it is now, then name it where it will be.
  spec.target = beneath_output(tree, target, subst.out);
  wrap::WriteOptions options;
  options.shell = w.shell;
  if (w.binary) {
    wrap::require_compilable(spec);
    options.kind = wrap::WrapperKind::binary;
    options.launcher = launcher;
  }
  wrap::Plan plan = wrap::lower(spec);
  plan.target = target;
  std::string parent = fs::path(w.out).parent_path().string();
  if (!parent.empty()) tree.make_directories(parent);
  tree.write_file(w.out, wrap::render_wrapper(plan, options), 0755);
}

void write_desktop(const Recipe& recipe, const DesktopRule& d, const base::Tree& tree, const Substitutions& subst) {
  auto x = [&](const std::string& v) { return expand(v, subst, recipe.file, d.origin); };
  wrap::DesktopEntry entry;
  entry.name = x(d.name);
  entry.exec = wrap::split_shell_words(x(d.exec), d.origin.key + ".exec");
  entry.icon = x(d.icon);
  entry.comment = x(d.comment);
  entry.categories = d.categories;
  entry.terminal = d.terminal;
  std::string text = wrap::render_desktop_entry(entry);
  tree.make_directories("share/applications");
  tree.write_file("share/applications/" + d.id + ".desktop", text, 0644);
}

}  // namespace

void write_wrappers(const Recipe& recipe, const std::string& built, const Substitutions& subst,
                    const std::string& launcher) {
  base::Tree tree(built, "$out");
  for (const WrapperRule& w : recipe.wrappers) {
    try {
      write_wrapper(recipe, w, tree, subst, launcher);
    } catch (const base::Error& e) {
      throw Error(recipe.file, w.origin.key, as_final(e.what(), built, subst.out), w.origin.at);
    } catch (const wrap::Error& e) {
      throw Error(recipe.file, w.origin.key, as_final(e.what(), built, subst.out), w.origin.at);
    } catch (const fs::filesystem_error& e) {
      throw Error(recipe.file, w.origin.key, as_final(e.what(), built, subst.out), w.origin.at);
    }
  }
}

void write_desktop_entries(const Recipe& recipe, const std::string& built, const Substitutions& subst) {
  base::Tree tree(built, "$out");
  for (const DesktopRule& d : recipe.desktops) {
    try {
      write_desktop(recipe, d, tree, subst);
    } catch (const base::Error& e) {
      throw Error(recipe.file, d.origin.key, as_final(e.what(), built, subst.out), d.origin.at);
    } catch (const wrap::Error& e) {
      throw Error(recipe.file, d.origin.key, as_final(e.what(), built, subst.out), d.origin.at);
    }
  }
}

}  // namespace shelf::recipe
