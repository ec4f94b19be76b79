// Growing edits: a longer interpreter, RUNPATH, SONAME or more NEEDED move
// the grown tables into one added segment. Checked by running the programs
// (qemu-user for foreign machines), by independent readers, by strip and
// objcopy, and by repeating growing edits many times.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

int count_loads(const std::string& file) {
  int n = 0;
  for (const std::string& line : lines(run({"readelf", "-lW", file}).out))
    if (line.find(" LOAD ") != std::string::npos) ++n;
  return n;
}

// The host's loader as a store-like path under `dir`
// (<dir>/store/<hash>-glibc/lib/ld-linux-x86-64.so.2, a symbolic link).
std::string host_loader_in_store(const std::string& dir) {
  std::string loader_dir = dir + "/store/0123456789abcdfghijklmnpqrsvwxyz-glibc/lib";
  fs::create_directories(loader_dir);
  std::string loader = loader_dir + "/ld-linux-x86-64.so.2";
  fs::create_symlink(fs::canonical("/lib64/ld-linux-x86-64.so.2"), loader);
  return loader;
}

// readelf -a and eu-readelf -a read the whole file without a warning.
void expect_clean_reads(const std::string& file) {
  RunResult a = run({"readelf", "-a", "-W", file});
  EXPECT_EQ(a.status, 0) << file;
  EXPECT_EQ(a.err, "") << "readelf warns about " << file;
  RunResult b = run({"eu-readelf", "-a", file});
  EXPECT_EQ(b.status, 0) << file;
  EXPECT_EQ(b.err, "") << "eu-readelf warns about " << file;
}

// "2.36" from the libc's banner ("... release version 2.36.").
std::string glibc_version(const std::string& libc) {
  std::vector<uint8_t> bytes = read_bytes(libc);
  std::string text(bytes.begin(), bytes.end());
  size_t at = text.find("release version ");
  if (at == std::string::npos) return "unknown";
  at += 16;
  size_t end = at;
  while (end < text.size() && (isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  std::string v = text.substr(at, end - at);
  while (!v.empty() && v.back() == '.') v.pop_back();
  return v;
}

std::string first_existing(const std::vector<std::string>& candidates) {
  for (const std::string& c : candidates)
    if (fs::exists(c)) return c;
  return "";
}

// (a) Every fixture architecture: the program's interpreter and RUNPATH point
// into a store-like copy of the toolchain's loader and libc; it runs (with
// no qemu -L: every path it needs is in the "store") and prints what the
// unpatched program prints.
TEST(PatchGrowth, ProgramsRunFromAStoreLikeGlibcOnEveryArchitecture) {
  std::ifstream arches(fixtures_dir() + "/arch/arches.txt");
  int ran = 0;
  for (std::string arch, qemu, sysroot; arches >> arch >> qemu >> sysroot;)
    for (const char* program : {"hello", "hello-nopie"}) {  // ET_DYN and ET_EXEC
      SCOPED_TRACE(arch + " " + program);
      std::string dir = make_temp_dir("growth-store-" + arch);
      std::string hello = copy_file(arch_fixture(arch, program), dir, "hello");
      copy_file(arch_fixture(arch, "libgreet.so.1"), dir, "libgreet.so.1");
      std::vector<std::string> before_cmd, after_cmd;
      if (qemu != "-") {
        if (!require_tool(qemu, "qemu-user")) return;
        before_cmd = {qemu, "-L", sysroot};
        after_cmd = {qemu};
      }
      before_cmd.push_back(hello);
      before_cmd.push_back("store");
      RunResult want = run(before_cmd);
      ASSERT_EQ(want.status, 0) << want.err;

      std::string interp = lines(shelf({"patch", "--print-interpreter", hello}).out).at(0);
      std::string root = sysroot == "/" ? "" : sysroot;
      std::string loader = fs::canonical(root + interp).string();
      std::string libc = first_existing({root + "/lib/libc.so.6", root + "/lib64/libc.so.6",
                                         root + "/lib/x86_64-linux-gnu/libc.so.6"});
      ASSERT_FALSE(libc.empty()) << "no libc.so.6 in " << sysroot;
      std::string store = dir + "/store/0123456789abcdfghijklmnpqrsvwxyz-glibc-" + glibc_version(libc) + "/lib";
      fs::create_directories(store);
      std::string new_interp = store + "/" + fs::path(interp).filename().string();
      fs::copy_file(loader, new_interp);
      fs::copy_file(fs::canonical(libc), store + "/libc.so.6");
      RunResult r = shelf({"patch", "--set-interpreter", new_interp, "--set-rpath", store + ":$ORIGIN", hello});
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_EQ(count_loads(hello), count_loads(arch_fixture(arch, program)) + 1);
      expect_clean_reads(hello);
      EXPECT_EQ(shelf({"patch", "--print-interpreter", hello}).out, new_interp + "\n");
      after_cmd.push_back(hello);
      after_cmd.push_back("store");
      RunResult got = run(after_cmd);
      EXPECT_EQ(got.status, 0) << got.err;
      EXPECT_EQ(got.out, want.out);
      ++ran;
    }
  EXPECT_GE(ran, 8);
}

std::string dynamic_offset(const std::string& file) {
  for (const std::string& line : lines(run({"readelf", "-lW", file}).out)) {
    std::istringstream words(line);
    std::string type, offset;
    if (words >> type >> offset && type == "DYNAMIC") return offset;
  }
  return "";
}

// More NEEDED entries than the dynamic section has slots: .dynamic itself
// moves to the added segment, and the loader (native or under qemu-user)
// must still find it through PT_DYNAMIC and write DT_DEBUG into it.
TEST(PatchGrowth, MovedDynamicSectionWorksOnEveryArchitecture) {
  std::ifstream arches(fixtures_dir() + "/arch/arches.txt");
  int moved = 0, ran = 0;
  for (std::string arch, qemu, sysroot; arches >> arch >> qemu >> sysroot;) {
    SCOPED_TRACE(arch);
    std::string dir = make_temp_dir("growth-dynamic-" + arch);
    std::string hello = copy_file(arch_fixture(arch, "hello"), dir, "hello");
    copy_file(arch_fixture(arch, "libgreet.so.1"), dir, "libgreet.so.1");
    std::vector<std::string> cmd;
    if (qemu != "-") {
      if (!require_tool(qemu, "qemu-user")) return;
      cmd = {qemu, "-L", sysroot};
    }
    cmd.insert(cmd.end(), {hello, "moved"});
    RunResult want = run(cmd);
    ASSERT_EQ(want.status, 0) << want.err;
    std::string before = dynamic_offset(hello);
    RunResult r = shelf({"patch", "--add-needed", "libm.so.6", "--add-needed", "libdl.so.2", "--add-needed",
                         "libpthread.so.0", "--add-needed", "librt.so.1", "--add-needed", "libutil.so.1",
                         "--add-debug-tag", hello});
    ASSERT_EQ(r.status, 0) << r.err;
    moved += dynamic_offset(hello) != before;
    expect_clean_reads(hello);
    RunResult got = run(cmd);
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_EQ(got.out, want.out);
    ++ran;
  }
  EXPECT_GE(ran, 4);
  EXPECT_GE(moved, 4) << "most fixtures have too few spare slots for five more entries";
}

// --page-size sets the added segment's alignment (64 KiB pages here).
TEST(PatchGrowth, PageSizeOptionAlignsTheAddedSegment) {
  std::string dir = make_temp_dir("growth-page");
  fs::create_directory_symlink(fs::path(patch_fixture("lib")), dir + "/lib");
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  RunResult r = shelf({"patch", "--page-size", "65536", "--set-rpath", "$ORIGIN/lib:" + std::string(200, 'p'), prog});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string last_load;
  for (const std::string& line : lines(run({"readelf", "-lW", prog}).out))
    if (line.find(" LOAD ") != std::string::npos) last_load = line;
  std::istringstream words(last_load);
  std::string type, offset, vaddr, paddr, filesz, memsz, flags, align;
  words >> type >> offset >> vaddr >> paddr >> filesz >> memsz >> flags >> align;
  EXPECT_EQ(align, "0x10000") << last_load;
  EXPECT_EQ(std::stoull(offset, nullptr, 16) % 65536, std::stoull(vaddr, nullptr, 16) % 65536) << last_load;
  RunResult ran = run({prog, "pages"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, pages, from libpgreet\n");
  expect_clean_reads(prog);
}

// Host programs, PIE and not, and a library: longer everything, then run;
// the result survives strip and objcopy.
TEST(PatchGrowth, HostFilesGrowRunAndSurviveStrip) {
  if (!require_tool("strip", "binutils") || !require_tool("eu-readelf", "elfutils")) return;
  std::string dir = make_temp_dir("growth-host");
  std::string lib_dir = dir + "/" + std::string(120, 'l');
  fs::create_directories(lib_dir);
  fs::copy_file(patch_fixture("lib/libpgreet.so.1"), lib_dir + "/libpgreet.so.1");
  std::string loader = host_loader_in_store(dir);
  for (const char* name : {"prog-runpath", "prog-nopie", "prog-rpath", "prog-nosections"}) {
    SCOPED_TRACE(name);
    std::string prog = copy_file(patch_fixture(name), dir, name);
    RunResult r = shelf({"patch", "--set-interpreter", loader, "--set-rpath", lib_dir, "--add-needed", "libm.so.6",
                         "--add-debug-tag", prog});
    ASSERT_EQ(r.status, 0) << r.err;
    RunResult ran = run({prog, name});
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_EQ(ran.out, std::string("hello, ") + name + ", from libpgreet\n");
    EXPECT_EQ(shelf({"patch", "--print-needed", prog}).out, "libm.so.6\nlibpgreet.so.1\nlibc.so.6\n");
    if (std::string(name) == "prog-nosections") continue;  // strip needs sections
    expect_clean_reads(prog);
    for (const char* tool : {"strip", "objcopy"}) {
      std::string out = prog + "." + tool;
      RunResult t = std::string(tool) == "strip" ? run({"strip", "-o", out, prog}) : run({"objcopy", prog, out});
      ASSERT_EQ(t.status, 0) << t.err;
      RunResult again = run({out, tool});
      EXPECT_EQ(again.status, 0) << tool << ": " << again.err;
      EXPECT_EQ(again.out, std::string("hello, ") + tool + ", from libpgreet\n");
    }
  }
  std::string lib = copy_file(patch_fixture("lib/libpgreet.so.1"), dir, "libpgreet.so.1");
  std::string soname = "libpgreet-with-a-much-longer-soname-than-before.so.1";
  ASSERT_EQ(shelf({"patch", "--set-soname", soname, "--set-rpath", lib_dir, lib}).status, 0);
  EXPECT_EQ(run({"patchelf", "--print-soname", lib}).out, soname + "\n");
  expect_clean_reads(lib);
}

// One line of `readelf -h`, e.g. "Start of program headers:".
std::string header_field(const std::string& file, const std::string& field) {
  for (const std::string& line : lines(run({"readelf", "-hW", file}).out))
    if (line.find(field) != std::string::npos) return line;
  return "";
}

// The notes `readelf -n` prints, one block per note section, sorted: the
// same set whatever order the section headers list them in.
std::vector<std::string> note_blocks(const std::string& file) {
  std::vector<std::string> out;
  std::string text = run({"readelf", "-nW", file}).out;
  const std::string head = "Displaying notes found in: ";
  for (size_t at = text.find(head); at != std::string::npos;) {
    size_t next = text.find(head, at + head.size());
    std::string block = text.substr(at, next == std::string::npos ? std::string::npos : next - at);
    while (!block.empty() && block.back() == '\n') block.pop_back();
    out.push_back(block);
    at = next;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Dynamic symbols with the name of their section (objdump -T), sorted.
std::vector<std::string> dynamic_symbols(const std::string& file) {
  std::vector<std::string> out;
  for (const std::string& line : lines(run({"objdump", "-T", file}).out))
    if (line.find('\t') != std::string::npos) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// Growing edits keep the program header table where it is: the sections
// after it (.interp, notes, hash tables...) move into the added segment
// instead, as patchelf does, so the table is not copied and a program's
// AT_PHDR stays "base + e_phoff". The moved notes and dynamic symbols read
// the same, the program runs, and the file grows no more than patchelf
// makes it grow with the same edit.
TEST(PatchGrowth, ProgramHeadersStayAndGrowthIsNoLargerThanPatchelfs) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("objdump", "binutils")) return;
  std::string dir = make_temp_dir("growth-home");
  fs::create_directory_symlink(fs::path(patch_fixture("lib")), dir + "/lib");
  std::string loader = host_loader_in_store(dir);
  std::string rpath = "$ORIGIN/lib:/" + std::string(180, 'r');
  struct Case {
    std::string fixture;
    std::vector<std::string> edit;
  };
  std::vector<Case> cases = {
      {"prog-runpath", {"--set-interpreter", loader}},
      {"prog-runpath", {"--set-rpath", rpath}},
      {"prog-runpath", {"--add-needed", "libm.so.6"}},
      {"prog-nopie", {"--set-interpreter", loader}},
      {"prog-nopie", {"--set-rpath", rpath}},
      {"lib/libpgreet.so.1", {"--set-rpath", rpath}},
      {"lib/libpgreet.so.1", {"--set-soname", "libpgreet-" + std::string(100, 's') + ".so.1"}},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fixture + " " + c.edit[0]);
    std::string original = patch_fixture(c.fixture);
    std::string ours = copy_file(original, dir, "ours" + std::to_string(n));
    std::string theirs = copy_file(original, dir, "theirs" + std::to_string(n++));
    std::vector<std::string> args{"patch"};
    args.insert(args.end(), c.edit.begin(), c.edit.end());
    args.push_back(ours);
    RunResult r = shelf(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<std::string> pargs{"patchelf"};
    pargs.insert(pargs.end(), c.edit.begin(), c.edit.end());
    pargs.push_back(theirs);
    ASSERT_EQ(run(pargs).status, 0);

    EXPECT_EQ(count_loads(ours), count_loads(original) + 1);
    EXPECT_EQ(header_field(ours, "Start of program headers"), header_field(original, "Start of program headers"));
    EXPECT_EQ(note_blocks(ours), note_blocks(original));
    EXPECT_EQ(dynamic_symbols(ours), dynamic_symbols(original));
    expect_clean_reads(ours);
    uint64_t size = fs::file_size(original);
    EXPECT_LE(fs::file_size(ours) - size, fs::file_size(theirs) - size) << "grew more than patchelf's result";
    if (c.fixture.rfind("prog", 0) == 0) {
      RunResult ran = run({ours, "home"});
      EXPECT_EQ(ran.status, 0) << ran.err;
      EXPECT_EQ(ran.out, "hello, home, from libpgreet\n");
    }
  }
}

// The file offsets of the section headers, in table order (readelf -SW).
std::vector<uint64_t> section_offsets(const std::string& file) {
  std::vector<uint64_t> out;
  for (const std::string& line : lines(run({"readelf", "-SW", file}).out)) {
    size_t close = line.find("] ");
    if (line.find("  [") != 0 || close == std::string::npos || line.find("[Nr]") != std::string::npos) continue;
    std::istringstream words(line.substr(close + 2));
    std::string name, type, addr, off;
    if (words >> name >> type >> addr >> off) out.push_back(std::stoull(off, nullptr, 16));
  }
  return out;
}

// Every symbol with the name of the section it is defined in (objdump -t),
// sorted: equal before and after when section numbers were renumbered right.
std::vector<std::string> symbol_sections(const std::string& file) {
  std::vector<std::string> out;
  for (const std::string& line : lines(run({"objdump", "-t", file}).out)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos || tab < 17) continue;
    std::istringstream section(line.substr(17, tab - 17)), rest(line.substr(tab + 1));
    std::string sec, size, name;
    section >> sec;
    while (section >> size) sec = size;  // the last word before the tab
    rest >> size >> name;
    out.push_back(name + " " + sec);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// After a growing edit the section headers are in offset order again, with
// every index renumbered (symbols still name their sections), so patchelf
// can edit the result: it walks the sections by index to make room for its
// program headers and, on an unsorted table, wrote them over the notes.
// patchelf's growing edits on shelf's result keep the notes and run, and
// shelf and strip handle what patchelf wrote. (Debian's patchelf 0.14
// asserts, leaving the file alone, when it grows a non-PIE program whose
// tables were moved to the end of the file; and its --set-rpath combined
// with --add-needed points RUNPATH at the new NEEDED string even on its own
// output. So patchelf edits the PIE here, one edit per run.)
TEST(PatchGrowth, ResultKeepsSectionsInOffsetOrderSoPatchelfCanEditItAgain) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("objdump", "binutils")) return;
  std::string dir = make_temp_dir("growth-then-patchelf");
  fs::create_directory_symlink(fs::path(patch_fixture("lib")), dir + "/lib");
  std::string loader = host_loader_in_store(dir);
  for (const char* name : {"prog-runpath", "prog-nopie"}) {
    SCOPED_TRACE(name);
    std::string original = patch_fixture(name);
    std::string prog = copy_file(original, dir, name);
    ASSERT_EQ(shelf({"patch", "--set-interpreter", loader, "--set-rpath", "$ORIGIN/lib:/" + std::string(150, 'a'),
                     prog})
                  .status,
              0);
    std::vector<uint64_t> offsets = section_offsets(prog);
    ASSERT_GT(offsets.size(), 10u);
    EXPECT_TRUE(std::is_sorted(offsets.begin() + 1, offsets.end())) << "section headers out of offset order";
    EXPECT_EQ(symbol_sections(prog), symbol_sections(original));
    EXPECT_EQ(note_blocks(prog), note_blocks(original));
    expect_clean_reads(prog);
    RunResult ran = run({prog, "sorted"});
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_EQ(ran.out, "hello, sorted, from libpgreet\n");
    if (std::string(name) != "prog-runpath") continue;

    RunResult p = run({"patchelf", "--set-rpath", "$ORIGIN/lib:/" + std::string(300, 'b'), prog});
    ASSERT_EQ(p.status, 0) << p.err;
    p = run({"patchelf", "--add-needed", "libm.so.6", prog});
    ASSERT_EQ(p.status, 0) << p.err;
    EXPECT_EQ(note_blocks(prog), note_blocks(original)) << "patchelf broke a note";
    ran = run({prog, "again"});
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_EQ(ran.out, "hello, again, from libpgreet\n");

    RunResult r = shelf({"patch", "--set-rpath", "$ORIGIN/lib:/" + std::string(400, 'c'), prog});
    ASSERT_EQ(r.status, 0) << r.err;
    std::string stripped = prog + ".strip";
    RunResult st = run({"strip", "-o", stripped, prog});
    ASSERT_EQ(st.status, 0) << st.err;
    EXPECT_EQ(st.err, "");
    for (const std::string& file : {prog, stripped}) {
      RunResult last = run({file, "thrice"});
      EXPECT_EQ(last.status, 0) << file << ": " << last.err;
      EXPECT_EQ(last.out, "hello, thrice, from libpgreet\n") << file;
    }
    expect_clean_reads(prog);
  }
}

struct Load {
  uint64_t offset, vaddr, filesz, memsz, align;
};

// The PT_LOAD entries as readelf lists them, in table order.
std::vector<Load> loads(const std::string& file) {
  std::vector<Load> out;
  for (const std::string& line : lines(run({"readelf", "-lW", file}).out)) {
    std::istringstream words(line);
    std::string type, offset, vaddr, paddr, filesz, memsz, word, align;
    if (!(words >> type >> offset >> vaddr >> paddr >> filesz >> memsz) || type != "LOAD") continue;
    while (words >> word) align = word;  // the flags ("R E") may be two words; the alignment is last
    out.push_back({std::stoull(offset, nullptr, 16), std::stoull(vaddr, nullptr, 16), std::stoull(filesz, nullptr, 16),
                   std::stoull(memsz, nullptr, 16), std::stoull(align, nullptr, 16)});
  }
  return out;
}

// A library and a program whose highest address lies 256 MiB above the end
// of the file (a large .bss; big vendor libraries have loadable segments as
// far apart). The added segment goes at the end of the file, above every
// other segment, its address congruent with its offset modulo the page size:
// the file grows by the moved tables and at most a page, not by the gap, and
// the program runs with the library.
TEST(PatchGrowth, LargeAddressGapCostsNoPadding) {
  std::string dir = make_temp_dir("growth-gap");
  std::filesystem::create_directories(dir + "/lib");
  std::string lib = copy_file(patch_fixture("gap/lib/libpgreet.so.1"), dir + "/lib", "libpgreet.so.1");
  std::string prog = copy_file(patch_fixture("gap/prog-gap"), dir, "prog-gap");
  std::string loader = host_loader_in_store(dir);
  std::string soname = "libpgreet-with-a-much-longer-soname-than-before.so.1";
  std::string far = "/nonexistent/" + std::string(150, 'g');
  ASSERT_EQ(shelf({"patch", "--set-soname", soname, "--set-rpath", far, lib}).status, 0);
  RunResult r = shelf({"patch", "--set-interpreter", loader, "--set-rpath", "$ORIGIN/lib:" + far, prog});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& [file, fixture] : {std::pair{lib, patch_fixture("gap/lib/libpgreet.so.1")},
                                      std::pair{prog, patch_fixture("gap/prog-gap")}}) {
    SCOPED_TRACE(file);
    std::vector<Load> was = loads(fixture), now = loads(file);
    ASSERT_EQ(now.size(), was.size() + 1);
    uint64_t highest = 0;
    for (const Load& l : was) highest = std::max(highest, l.vaddr + l.memsz);
    uint64_t size_before = fs::file_size(fixture), size_after = fs::file_size(file);
    ASSERT_GT(highest, size_before + (200u << 20)) << "the fixture lost its gap";
    const Load& added = now.back();
    EXPECT_GE(added.vaddr, highest);
    EXPECT_EQ(added.offset % added.align, added.vaddr % added.align);
    EXPECT_LE(added.offset + added.filesz, size_after);
    EXPECT_LE(size_after - size_before, added.filesz + 4096) << "padding beyond one page";
    expect_clean_reads(file);
  }
  EXPECT_EQ(run({"patchelf", "--print-soname", lib}).out, soname + "\n");
  EXPECT_NE(interpreter_line(prog).find("[Requesting program interpreter: " + loader + "]"), std::string::npos);
  RunResult ran = run({prog, "gap"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, gap, from libpgreet\n");
}

// 200 growing edits in a row: one added segment, the size bounded by the
// longest strings, and the same edit twice changes nothing.
TEST(PatchGrowth, RepeatedGrowingEditsStayBounded) {
  std::string dir = make_temp_dir("growth-repeat");
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  fs::create_directory_symlink(fs::path(patch_fixture("lib")), dir + "/lib");
  uint64_t original = read_bytes(prog).size();
  uint64_t largest = 0, first = 0;
  for (int i = 0; i < 200; ++i) {
    std::string rpath = "$ORIGIN/lib:/" + std::string(100 + (i * 37) % 150, static_cast<char>('a' + i % 26));
    std::vector<std::string> args{"patch", "--set-rpath", rpath, "--remove-needed", "libx" + std::to_string(i - 1) + ".so",
                                  "--add-needed", "libx" + std::to_string(i) + ".so", prog};
    RunResult r = shelf(args);
    ASSERT_EQ(r.status, 0) << "edit " << i << ": " << r.err;
    largest = std::max<uint64_t>(largest, read_bytes(prog).size());
    if (i == 0) first = largest;
  }
  EXPECT_EQ(count_loads(prog), count_loads(patch_fixture("prog-runpath")) + 1);
  // One segment: program headers (+1), a dynamic table, a string table that
  // holds the original strings plus one RUNPATH and one NEEDED, placed after
  // at most a page of padding. Later edits only vary the RUNPATH's length.
  EXPECT_LE(first, original + 4096 + 2048);
  EXPECT_LE(largest, first + 250) << "growth accumulated";
  expect_clean_reads(prog);
  ASSERT_EQ(shelf({"patch", "--remove-needed", "libx199.so", prog}).status, 0);
  RunResult ran = run({prog, "bounded"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, bounded, from libpgreet\n");
  std::vector<uint8_t> once = read_bytes(prog);
  std::string long_rpath = "$ORIGIN/lib:" + std::string(300, 'z');
  ASSERT_EQ(shelf({"patch", "--set-rpath", long_rpath, prog}).status, 0);
  std::vector<uint8_t> grown = read_bytes(prog);
  ASSERT_EQ(shelf({"patch", "--set-rpath", long_rpath, prog}).status, 0);
  EXPECT_EQ(read_bytes(prog), grown) << "the same growing edit twice";
  EXPECT_NE(grown, once);
}

}  // namespace
}  // namespace shelf::test
