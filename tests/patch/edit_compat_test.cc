// In-place edits compared with Debian's patchelf: the same edit on two copies
// must leave the same dynamic section (entry by entry, strings included), the
// same interpreter and the same symbol versions, per readelf; our copy keeps
// its size, reads cleanly in readelf/eu-readelf/libelf, and still runs.
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "patch_support.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

struct Case {
  std::string file;
  std::vector<std::string> args;
  bool in_place = true;  // false: the edit must grow the file
};

// The dynamic strings as libelf reads them through the section headers.
std::vector<std::string> libelf_dynamic_strings(const std::string& path) {
  std::vector<std::string> out;
  elf_version(EV_CURRENT);
  int fd = open(path.c_str(), O_RDONLY);
  Elf* e = elf_begin(fd, ELF_C_READ, nullptr);
  EXPECT_NE(e, nullptr) << elf_errmsg(-1);
  for (Elf_Scn* scn = nullptr; e && (scn = elf_nextscn(e, scn));) {
    GElf_Shdr shdr;
    gelf_getshdr(scn, &shdr);
    if (shdr.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; ++i) {
      GElf_Dyn dyn;
      gelf_getdyn(data, static_cast<int>(i), &dyn);
      if (dyn.d_tag == DT_NULL) break;
      if (dyn.d_tag == DT_NEEDED || dyn.d_tag == DT_SONAME || dyn.d_tag == DT_RPATH || dyn.d_tag == DT_RUNPATH) {
        const char* s = elf_strptr(e, shdr.sh_link, dyn.d_un.d_val);
        EXPECT_NE(s, nullptr) << path << ": " << elf_errmsg(-1);
        out.push_back(std::to_string(dyn.d_tag) + "=" + (s ? s : "?"));
      }
    }
  }
  if (e) elf_end(e);
  close(fd);
  return out;
}

// The same strings according to readelf's listing, in the same form.
std::vector<std::string> readelf_dynamic_strings(const std::string& path) {
  std::vector<std::string> out;
  for (const std::string& line : lines(run({"readelf", "-dW", path}).out)) {
    auto bracket = [&](const char* type, int tag) {
      if (line.find(type) == std::string::npos) return;
      size_t open = line.find('['), close = line.rfind(']');
      out.push_back(std::to_string(tag) + "=" + line.substr(open + 1, close - open - 1));
    };
    bracket("(NEEDED)", DT_NEEDED);
    bracket("(SONAME)", DT_SONAME);
    bracket("(RPATH)", DT_RPATH);
    bracket("(RUNPATH)", DT_RUNPATH);
  }
  return out;
}

// `readelf -V` without addresses and offsets (patchelf may move .dynstr).
std::string version_listing(const std::string& path) {
  std::string out;
  for (const std::string& line : lines(run({"readelf", "-VW", path}).out)) {
    std::string l = line;
    for (const char* key : {"Addr:", "Offset:"}) {
      size_t at = l.find(key);
      if (at != std::string::npos) l = l.substr(0, at);
    }
    out += l + "\n";
  }
  return out;
}

// `readelf --dyn-syms` names with their versions ("puts@GLIBC_2.2.5 (3)"),
// in table order; section indexes are left out (patchelf renumbers them).
std::string symbol_versions(const std::string& path) {
  std::string out;
  for (const std::string& line : lines(run({"readelf", "--dyn-syms", "-W", path}).out)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.size() < 8 || w[0].back() != ':') continue;
    bool versioned_index = w.back().front() == '(' && w.size() >= 9;
    out += versioned_index ? w[w.size() - 2] + " " + w.back() : w.back();
    out += "\n";
  }
  return out;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> l = lines(text);
  std::sort(l.begin(), l.end());
  return l;
}

std::vector<std::string> needed_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : lines(text))
    if (l.find("(NEEDED)") != std::string::npos) out.push_back(l);
  return out;
}

void check_same_as_patchelf(const Case& c, const std::string& dir) {
  std::string label = c.file + " with";
  for (const auto& a : c.args) label += " " + a;
  SCOPED_TRACE(label);
  std::string ours = copy_file(c.file, dir, "ours"), theirs = copy_file(c.file, dir, "theirs");
  std::vector<std::string> shelf_argv{"patch"}, patchelf_argv{"patchelf"};
  for (const auto& a : c.args) shelf_argv.push_back(a), patchelf_argv.push_back(a);
  shelf_argv.push_back(ours);
  patchelf_argv.push_back(theirs);
  RunResult a = shelf(shelf_argv), b = run(patchelf_argv);
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  // Same entries; NEEDED in the same order (new tags other than NEEDED may
  // sit elsewhere: shelf appends them, patchelf puts them first).
  EXPECT_EQ(sorted_lines(dynamic_listing(ours)), sorted_lines(dynamic_listing(theirs)));
  EXPECT_EQ(needed_lines(dynamic_listing(ours)), needed_lines(dynamic_listing(theirs)));
  EXPECT_EQ(interpreter_line(ours), interpreter_line(theirs));
  EXPECT_EQ(version_listing(ours), version_listing(theirs));
  EXPECT_EQ(symbol_versions(ours), symbol_versions(theirs));
  if (c.in_place)
    EXPECT_EQ(read_bytes(ours).size(), read_bytes(c.file).size()) << "an in-place edit keeps the size";
  else
    EXPECT_GT(read_bytes(ours).size(), read_bytes(c.file).size()) << "this edit cannot be done in place";
  RunResult eu = run({"eu-readelf", "-a", ours});
  EXPECT_EQ(eu.status, 0);
  EXPECT_EQ(eu.err, "") << "eu-readelf complains";
  EXPECT_EQ(libelf_dynamic_strings(ours), readelf_dynamic_strings(ours));
}

TEST(PatchEdit, HostFixturesMatchPatchelf) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("eu-readelf", "elfutils")) return;
  std::string dir = make_temp_dir("patch-compat");
  std::string prog = patch_fixture("prog-runpath"), rprog = patch_fixture("prog-rpath");
  std::string lib = patch_fixture("lib/libpgreet.so.1"), exec = patch_fixture("prog-nopie");
  std::vector<Case> cases{
      {prog, {"--set-rpath", "$ORIGIN/lib"}},
      {rprog, {"--set-rpath", "$ORIGIN/lib"}},
      {rprog, {"--force-rpath", "--set-rpath", "$ORIGIN/lib"}},
      {prog, {"--force-rpath", "--set-rpath", "$ORIGIN/lib"}},
      {prog, {"--remove-rpath"}},
      {rprog, {"--remove-rpath"}},
      {prog, {"--shrink-rpath"}},
      {exec, {"--set-rpath", "$ORIGIN/lib"}},
      // The old SONAME stays referenced by the version definition: grows.
      {lib, {"--set-soname", "libpg.so.1"}, false},
      {prog, {"--replace-needed", "libpgreet.so.1", "libpg.so.1"}},
      {prog, {"--remove-needed", "libpgreet.so.1"}},
      {prog, {"--remove-needed", "libc.so.6", "--remove-needed", "libpgreet.so.1"}},
      {prog, {"--no-default-lib"}},
      {lib, {"--no-default-lib"}},
      {prog, {"--clear-symbol-version", "puts"}},
      {lib, {"--clear-symbol-version", "printf"}},
      {prog, {"--set-interpreter", "/lib/ld.so"}},
      {exec, {"--set-interpreter", "/lib/ld.so", "--set-rpath", "/lib"}},
      // Growing edits: same dynamic section, different layout.
      {prog, {"--set-rpath", "$ORIGIN/lib:" + std::string(300, 'g')}, false},
      {rprog, {"--add-rpath", "/an/added/directory/" + std::string(200, 'a')}, false},
      {prog, {"--add-needed", "libm.so.6", "--add-needed", "libdl.so.2"}, false},
      {exec, {"--set-interpreter", "/a/much/longer/path/to/the/loader/" + std::string(100, 'i') + "/ld.so"}, false},
      {prog, {"--replace-needed", "libpgreet.so.1", "libpgreet-" + std::string(100, 'v') + ".so.1"}, false},
  };
  for (const Case& c : cases) check_same_as_patchelf(c, dir);
}

TEST(PatchEdit, EveryArchitectureMatchesPatchelf) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("eu-readelf", "elfutils")) return;
  std::string dir = make_temp_dir("patch-arch");
  std::vector<std::string> arches = fixture_arches();
  ASSERT_GE(arches.size(), 4u);
  for (const std::string& arch : arches) {
    std::vector<Case> cases{
        {arch_fixture(arch, "hello-rpath"), {"--set-rpath", "$ORIGIN"}},
        {arch_fixture(arch, "hello"), {"--remove-rpath"}},
        {arch_fixture(arch, "hello"), {"--set-interpreter", "/lib/ld.so"}},
        {arch_fixture(arch, "hello-nopie"), {"--force-rpath", "--set-rpath", "/x"}},
        {arch_fixture(arch, "libgreet.so.1"), {"--remove-needed", "libc.so.6"}},
        {arch_fixture(arch, "libgreet.so.1"), {"--set-soname", "libg.so"}, false},
        {arch_fixture(arch, "hello"), {"--clear-symbol-version", "printf"}},
        // One growing option per call: patchelf 0.14.3 combining --set-rpath
        // and --add-needed writes the NEEDED name into the RUNPATH.
        {arch_fixture(arch, "hello-nopie"), {"--set-rpath", std::string(200, 'r')}, false},
        {arch_fixture(arch, "libgreet.so.1"), {"--add-needed", "libm.so.6"}, false},
    };
    for (const Case& c : cases) check_same_as_patchelf(c, dir);
  }
}

// The edited programs still run and print what the originals print: on the
// host directly, on foreign machines through qemu-user with their sysroot.
TEST(PatchEdit, EditedProgramsStillRun) {
  std::string dir = make_temp_dir("patch-run");
  // Host: several edits at once, written once.
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  std::filesystem::create_directory_symlink(std::filesystem::path(patch_fixture("lib")), dir + "/lib");
  RunResult before = run({prog, "shelf"});
  ASSERT_EQ(before.status, 0) << before.err;
  RunResult r = shelf({"patch", "--set-rpath", "$ORIGIN/lib", "--clear-symbol-version", "puts", "--set-os-abi", "linux",
                       "--remove-needed", "libpgreet.so.1", "--add-needed", "libpgreet.so.1", prog});
  ASSERT_EQ(r.status, 0) << r.err;
  RunResult after = run({prog, "shelf"});
  EXPECT_EQ(after.status, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  EXPECT_EQ(shelf({"patch", "--print-needed", prog}).out, "libpgreet.so.1\nlibc.so.6\n");

  std::ifstream arches(fixtures_dir() + "/arch/arches.txt");
  int ran = 0;
  for (std::string arch, qemu, sysroot; arches >> arch >> qemu >> sysroot;) {
    SCOPED_TRACE(arch);
    std::string adir = make_temp_dir("patch-run-" + arch);
    std::string hello = copy_file(arch_fixture(arch, "hello-rpath"), adir, "hello");
    copy_file(arch_fixture(arch, "libgreet.so.1"), adir, "libgreet.so.1");
    std::vector<std::string> cmd;
    if (qemu != "-") {
      if (!require_tool(qemu, "qemu-user")) return;
      cmd = {qemu, "-L", sysroot};
    }
    cmd.push_back(hello);
    cmd.push_back("arg");
    RunResult want = run(cmd);
    ASSERT_EQ(want.status, 0) << want.err;
    ASSERT_EQ(shelf({"patch", "--set-rpath", "$ORIGIN", "--remove-needed", "libnothing.so", hello}).status, 0);
    EXPECT_NE(read_bytes(hello), read_bytes(arch_fixture(arch, "hello-rpath")));
    RunResult got = run(cmd);
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_EQ(got.out, want.out);
    ++ran;
  }
  EXPECT_GE(ran, 4);
}

}  // namespace
}  // namespace shelf::test
