// --build-resolution-cache (patchelf 0.19): the .note.nixos.ldcache note,
// checked byte for byte through readelf's hex dump of the section (an
// independent reader), for every fixture architecture and both byte
// orders; the patched programs still run (natively or under qemu-user);
// the note is refused when a different one is there, left alone when equal,
// dropped by the edits that make it stale and kept by the others.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

const std::string kSection = ".note.nixos.ldcache";
const std::string kStale =
    "--build-resolution-cache: a resolution cache note is already present; rebuild from an unpatched binary";

std::string nul(const std::string& s) { return s + std::string(1, '\0'); }

// The section's bytes as `readelf -x` prints them ("  0xADDR 8hex 8hex 8hex 8hex  ascii").
std::vector<uint8_t> section_bytes(const std::string& file, const std::string& section) {
  RunResult r = run({"readelf", "-W", "-x", section, file});
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<uint8_t> out;
  for (const std::string& line : lines(r.out)) {
    if (line.rfind("  0x", 0) != 0) continue;
    size_t start = line.find(' ', 4);
    std::string hex = line.substr(start + 1, 35);
    for (size_t i = 0; i < hex.size(); ++i) {
      if (hex[i] == ' ') continue;
      if (i + 1 >= hex.size() || hex[i + 1] == ' ') break;
      out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
      ++i;
    }
  }
  return out;
}

// The note patchelf writes for `descriptor`, in the given byte order.
std::vector<uint8_t> expected_note(const std::string& descriptor, bool little_endian) {
  std::vector<uint8_t> out;
  auto word = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (little_endian ? 8 * i : 8 * (3 - i))));
  };
  word(6);
  word(static_cast<uint32_t>(descriptor.size()));
  word(0x63a86cb6);
  for (char c : std::string("NixOS\0\0\0", 8)) out.push_back(static_cast<uint8_t>(c));
  for (char c : descriptor) out.push_back(static_cast<uint8_t>(c));
  while (out.size() % 4) out.push_back(0);
  return out;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The note's section line of `readelf -SW` (empty when there is none).
std::string section_line(const std::string& file) {
  for (const std::string& line : lines(run({"readelf", "-SW", file}).out))
    if (line.find(kSection) != std::string::npos) return line;
  return "";
}

// A directory `lib` holding the library, a program whose run path is
// "lib:missing:$ORIGIN:" (found, missing, a token, empty), and the
// descriptor patchelf writes for it.
struct Case {
  std::string dir, prog, lib, descriptor;
};

Case make_case(const std::string& prog, const std::string& lib_file, const std::string& lib_name,
               const std::string& tag) {
  Case c;
  c.dir = make_temp_dir("ldcache-" + tag);
  fs::create_directories(c.dir + "/lib");
  copy_file(lib_file, c.dir + "/lib", lib_name);
  c.prog = copy_file(prog, c.dir, "prog");
  c.lib = c.dir + "/lib";
  std::string missing = c.dir + "/missing", run_path = c.lib + ":" + missing + ":$ORIGIN:";
  RunResult r = shelf({"patch", "--set-rpath", run_path, c.prog});
  EXPECT_EQ(r.status, 0) << r.err;
  // Sorted by name; libc.so.6 is found nowhere but gets the hints.
  std::string hints = "?" + missing + ":?$ORIGIN:?";
  c.descriptor = nul("libc.so.6") + nul(hints) + nul(lib_name) + nul("=" + c.lib + "/" + lib_name + ":" + hints) +
                 std::string(1, '\0');
  return c;
}

TEST(ResolutionCache, NoteIsPatchelfsByteForByteOnEveryArchitecture) {
  if (!require_tool("readelf", "binutils") || !require_tool("eu-readelf", "elfutils")) return;
  std::ifstream arches(fixtures_dir() + "/arch/arches.txt");
  int checked = 0;
  for (std::string arch, qemu, sysroot; arches >> arch >> qemu >> sysroot;) {
    Case c = make_case(arch_fixture(arch, "hello"), arch_fixture(arch, "libgreet.so.1"), "libgreet.so.1", arch);
    RunResult r = shelf({"patch", "--build-resolution-cache", c.prog});
    ASSERT_EQ(r.status, 0) << arch << ": " << r.err;
    EXPECT_EQ(r.err, "") << arch;
    bool little = run({"readelf", "-h", c.prog}).out.find("little endian") != std::string::npos;
    EXPECT_EQ(section_bytes(c.prog, kSection), expected_note(c.descriptor, little)) << arch;
    // An SHF_ALLOC note with a PT_NOTE at its address, shown by both readers.
    std::string line = section_line(c.prog);
    EXPECT_NE(line.find(" NOTE "), std::string::npos) << arch << ": " << line;
    EXPECT_NE(line.find(" A "), std::string::npos) << arch << ": " << line;
    std::istringstream fields(line.substr(line.find(kSection) + kSection.size()));
    std::string type, addr;
    fields >> type >> addr;
    bool covered = false;
    for (const std::string& l : lines(run({"readelf", "-lW", c.prog}).out)) {
      std::istringstream p(l);
      std::string ptype, off, vaddr;
      p >> ptype >> off >> vaddr;
      if (ptype == "NOTE" && vaddr.size() >= addr.size() && vaddr.substr(vaddr.size() - addr.size()) == addr &&
          std::stoull(vaddr, nullptr, 16) == std::stoull(addr, nullptr, 16))
        covered = true;
    }
    EXPECT_TRUE(covered) << arch << ": no PT_NOTE at " << addr;
    RunResult notes = run({"readelf", "-nW", c.prog});
    EXPECT_EQ(notes.err, "") << arch;
    EXPECT_NE(notes.out.find("NixOS"), std::string::npos) << arch << notes.out;
    EXPECT_NE(notes.out.find("0x63a86cb6"), std::string::npos) << arch << notes.out;
    RunResult eu = run({"eu-readelf", "-n", c.prog});
    EXPECT_EQ(eu.status, 0) << arch << eu.err;
    EXPECT_NE(eu.out.find("NixOS"), std::string::npos) << arch << eu.out;
    // The program still runs, finding its library through the run path.
    std::vector<std::string> argv = {c.prog};
    if (qemu != "-") argv = {qemu, "-L", sysroot, c.prog};
    RunResult ran = run(argv);
    EXPECT_EQ(ran.status, 0) << arch << ": " << ran.err;
    EXPECT_NE(ran.out.find("libgreet"), std::string::npos) << arch << ": " << ran.out;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(ResolutionCache, NonPieProgramAndCachePlusOtherEditsInOneRun) {
  if (!require_tool("readelf", "binutils")) return;
  Case c = make_case(patch_fixture("prog-nopie"), patch_fixture("lib/libpgreet.so.1"), "libpgreet.so.1", "nopie");
  std::string interp = "/lib64/./././././././././././././././././././ld-linux-x86-64.so.2";
  RunResult r = shelf({"patch", "--build-resolution-cache", "--set-interpreter", interp, c.prog});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(section_bytes(c.prog, kSection), expected_note(c.descriptor, true));
  EXPECT_EQ(run({c.prog, "x"}).out, "hello, x, from libpgreet\n");
  EXPECT_EQ(run({"readelf", "-lW", c.prog}).err, "");
}

TEST(ResolutionCache, SearchHintsForWhatOnlyTheLoaderCanJudge) {
  if (!require_tool("readelf", "binutils")) return;
  std::string dir = make_temp_dir("ldcache-hints");
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  // A directory with glibc-hwcaps/ (the loader may pick a variant), a
  // relative one, a plain file, and one that holds the library.
  fs::create_directories(dir + "/hw/glibc-hwcaps/x86-64-v3");
  copy_file(patch_fixture("lib/libpgreet.so.1"), dir + "/hw", "libpgreet.so.1");
  fs::create_directories(dir + "/real");
  copy_file(patch_fixture("lib/libpgreet.so.1"), dir + "/real", "libpgreet.so.1");
  std::ofstream(dir + "/file") << "x";
  std::string run_path = dir + "/hw:relative/dir:" + dir + "/file:" + dir + "/real";
  ASSERT_EQ(shelf({"patch", "--set-rpath", run_path, "--build-resolution-cache", prog}).status, 0);
  std::string hints = "?" + dir + "/hw:?relative/dir:?" + dir + "/file";
  std::string want = nul("libc.so.6") + nul(hints) + nul("libpgreet.so.1") +
                     nul(hints + ":=" + dir + "/real/libpgreet.so.1") + std::string(1, '\0');
  EXPECT_EQ(section_bytes(prog, kSection), expected_note(want, true));
}

TEST(ResolutionCache, EqualNoteIsLeftAloneDifferentOneRefused) {
  if (!require_tool("readelf", "binutils") || !require_tool("objcopy", "binutils")) return;
  Case c = make_case(patch_fixture("prog-runpath"), patch_fixture("lib/libpgreet.so.1"), "libpgreet.so.1", "stale");
  ASSERT_EQ(shelf({"patch", "--build-resolution-cache", c.prog}).status, 0);
  std::vector<uint8_t> built = read_bytes(c.prog);
  RunResult again = shelf({"patch", "--build-resolution-cache", c.prog});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(read_bytes(c.prog), built);
  EXPECT_EQ(count_of(run({"readelf", "-SW", c.prog}).out, kSection), 1);
  // The library goes away: the note no longer matches.
  fs::remove(c.lib + "/libpgreet.so.1");
  RunResult refused = shelf({"patch", "--build-resolution-cache", c.prog});
  EXPECT_EQ(refused.status, 3);
  EXPECT_EQ(refused.err, "shelf: " + c.prog + ": " + kStale + "\n");
  RunResult pe = shelf({"patchelf", "--build-resolution-cache", c.prog});
  EXPECT_EQ(pe.status, 1);
  EXPECT_EQ(pe.err, "patchelf: " + kStale + "\n");
  EXPECT_EQ(read_bytes(c.prog), built);
  // A foreign or damaged section of that name is "different" too, also
  // where the cache would otherwise not be written at all.
  std::string foreign = copy_file(patch_fixture("prog-runpath"), c.dir, "foreign");
  std::ofstream(c.dir + "/x") << "x";
  ASSERT_EQ(run({"objcopy", "--add-section", kSection + "=" + c.dir + "/x", foreign}).status, 0);
  std::vector<uint8_t> before = read_bytes(foreign);
  RunResult damaged = shelf({"patchelf", "--build-resolution-cache", foreign});
  EXPECT_EQ(damaged.status, 1);
  EXPECT_EQ(damaged.err, "patchelf: " + kStale + "\n");
  EXPECT_EQ(read_bytes(foreign), before);
}

TEST(ResolutionCache, WarningsWhenThereIsNothingToRecord) {
  std::string dir = make_temp_dir("ldcache-warn");
  struct Want {
    std::string name, file, text;
  };
  fs::create_directories(dir + "/empty");
  std::string nopath = copy_file(patch_fixture("prog-runpath"), dir, "nopath");
  ASSERT_EQ(shelf({"patch", "--remove-rpath", nopath}).status, 0);
  std::string unresolved = copy_file(patch_fixture("prog-runpath"), dir, "unresolved");
  ASSERT_EQ(shelf({"patch", "--set-rpath", dir + "/empty", unresolved}).status, 0);
  std::vector<Want> cases = {
      {"static", copy_file(patch_fixture("prog-static"), dir, "static"),
       "no dynamic section (statically linked?); no cache written"},
      {"no run path", nopath, "no DT_NEEDED entries or run path to resolve; no cache written"},
      {"nothing found", unresolved, "no libraries resolved against the run path; no cache written"},
  };
  for (const Want& w : cases) {
    std::vector<uint8_t> before = read_bytes(w.file);
    RunResult pe = shelf({"patchelf", "--build-resolution-cache", w.file});
    EXPECT_EQ(pe.status, 0) << w.name;
    EXPECT_EQ(pe.err, "warning: --build-resolution-cache: " + w.text + "\n") << w.name;
    RunResult sp = shelf({"patch", "--build-resolution-cache", w.file});
    EXPECT_EQ(sp.status, 0) << w.name;
    EXPECT_EQ(sp.err, "shelf: " + w.file + ": warning: --build-resolution-cache: " + w.text + "\n") << w.name;
    EXPECT_EQ(read_bytes(w.file), before) << w.name;
  }
  RunResult force = shelf({"patchelf", "--force-rpath", "--build-resolution-cache", nopath});
  EXPECT_EQ(force.status, 1);
  EXPECT_EQ(force.err, "patchelf: --build-resolution-cache cannot be combined with --force-rpath\n");
  EXPECT_EQ(shelf({"patch", "--build-resolution-cache", "--force-rpath", nopath}).status, 2);
}

// patchelf drops the note with every edit that changes what it records,
// and keeps it through the others.
TEST(ResolutionCache, EditsDropAStaleNoteAndKeepACurrentOne) {
  if (!require_tool("readelf", "binutils")) return;
  struct Edit {
    std::vector<std::string> args;
    bool keeps;
  };
  std::string interp = "/lib64/./././././././././././././././././././ld-linux-x86-64.so.2";
  std::vector<Edit> edits = {
      {{"--set-rpath", "/elsewhere"}, false},
      {{"--add-rpath", "/more"}, false},
      {{"--remove-rpath"}, false},
      {{"--shrink-rpath"}, false},
      {{"--add-needed", "libm.so.6"}, false},
      {{"--remove-needed", "libc.so.6"}, false},
      {{"--replace-needed", "libc.so.6", "libc.so.7"}, false},
      {{"--remove-needed", "libabsent.so"}, true},
      {{"--replace-needed", "libabsent.so", "libother.so"}, true},
      {{"--set-interpreter", interp}, true},
      {{"--set-soname", "libx.so"}, true},
      {{"--no-default-lib"}, true},
      {{"--print-rpath"}, true},
  };
  for (const Edit& e : edits) {
    std::string what = e.args[0] + (e.args.size() > 1 ? " " + e.args[1] : "");
    Case c = make_case(patch_fixture("prog-runpath"), patch_fixture("lib/libpgreet.so.1"), "libpgreet.so.1", "edit");
    ASSERT_EQ(shelf({"patch", "--build-resolution-cache", c.prog}).status, 0);
    std::vector<uint8_t> note = section_bytes(c.prog, kSection);
    std::vector<std::string> args = {"patch"};
    args.insert(args.end(), e.args.begin(), e.args.end());
    args.push_back(c.prog);
    RunResult r = shelf(args);
    ASSERT_EQ(r.status, 0) << what << ": " << r.err;
    std::string sections = run({"readelf", "-SW", c.prog}).out;
    std::string notes = run({"readelf", "-nW", c.prog}).out;
    if (e.keeps) {
      EXPECT_EQ(count_of(sections, kSection), 1) << what;
      EXPECT_EQ(section_bytes(c.prog, kSection), note) << what;
      EXPECT_EQ(count_of(notes, "NixOS"), 1) << what;
    } else {
      EXPECT_EQ(count_of(sections, kSection), 0) << what;
      EXPECT_EQ(count_of(notes, "NixOS"), 0) << what << notes;
      // No stale path stays in the file for a reference scanner.
      std::vector<uint8_t> bytes = read_bytes(c.prog);
      std::string resolved = "=" + c.lib + "/libpgreet.so.1";
      EXPECT_EQ(std::search(bytes.begin(), bytes.end(), resolved.begin(), resolved.end()), bytes.end()) << what;
    }
    EXPECT_EQ(run({"readelf", "-aW", c.prog}).err, "") << what;
    if (e.keeps) {  // (libc from the usual place, which --no-default-lib leaves out)
      EXPECT_EQ(run({c.prog, "y"}, {{"LD_LIBRARY_PATH", "/lib/x86_64-linux-gnu"}}).out, "hello, y, from libpgreet\n")
          << what;
    }
  }
}

// A new run path and the cache in one command: the old note is dropped and
// one for the new run path written; repeated growing edits leave one added
// segment and one note.
TEST(ResolutionCache, RebuiltForANewRunPathInOneCommand) {
  if (!require_tool("readelf", "binutils")) return;
  Case c = make_case(patch_fixture("prog-runpath"), patch_fixture("lib/libpgreet.so.1"), "libpgreet.so.1", "rebuild");
  ASSERT_EQ(shelf({"patch", "--build-resolution-cache", c.prog}).status, 0);
  fs::create_directories(c.dir + "/other");
  copy_file(patch_fixture("lib/libpgreet.so.1"), c.dir + "/other", "libpgreet.so.1");
  std::string longer = c.dir + "/other:" + c.dir + "/" + std::string(200, 'd');
  for (int round = 0; round < 3; ++round) {
    RunResult r = shelf({"patch", "--set-rpath", longer, "--build-resolution-cache", c.prog});
    ASSERT_EQ(r.status, 0) << r.err;
    std::string hint = "?" + longer.substr(longer.find(':') + 1);
    std::string want = nul("libc.so.6") + nul(hint) + nul("libpgreet.so.1") +
                       nul("=" + c.dir + "/other/libpgreet.so.1:" + hint) + std::string(1, '\0');
    EXPECT_EQ(section_bytes(c.prog, kSection), expected_note(want, true)) << round;
    EXPECT_EQ(count_of(run({"readelf", "-SW", c.prog}).out, kSection), 1) << round;
    EXPECT_EQ(run({c.prog, "z"}).out, "hello, z, from libpgreet\n") << round;
    longer += "x";
  }
  std::string segments = run({"readelf", "-lW", c.prog}).out;
  std::string original = run({"readelf", "-lW", patch_fixture("prog-runpath")}).out;
  EXPECT_EQ(count_of(segments, "  LOAD "), count_of(original, "  LOAD ") + 1) << segments;
}

}  // namespace
}  // namespace shelf::test
