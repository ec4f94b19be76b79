// --rename-dynamic-symbols: a library's exported function and data symbol
// get new names, and a program linked against the new names runs against it
// (the loader finds them through DT_GNU_HASH or DT_HASH, checks their
// versions, and the library's own PLT and GOT relocations still name the
// right symbols after .dynsym is reordered). Checked for each hash style and
// for i686 (REL, 32-bit), aarch64, armhf, s390x (big-endian, 8-byte DT_HASH
// entries) and mips64el (DT_HASH only; DT_MIPS_XHASH is refused) under
// qemu-user, and against readelf, nm, eu-readelf, eu-elflint
// (which validates both hash tables) and libelf. Debian's patchelf (0.14.3)
// has no --rename-dynamic-symbols, so it cannot serve as a reference here.
#include <fcntl.h>
#include <gelf.h>
#include <gtest/gtest.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "patch/hash_tables.h"
#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

using Renames = std::map<std::string, std::string>;

const Renames kRenames{{"old_fn", "new_fn"}, {"old_counter", "new_counter"}};

struct Variant {
  std::string name;  // <arch>-<hash style>
  std::string qemu;  // "-" on the host
  std::string sysroot;
};

// testdata/patch/rename/build.sh, run once per test program.
const std::string& fixtures() {
  static const std::string dir = [] {
    std::string out = make_temp_dir("rename-fixtures");
    RunResult r = run({source_dir() + "/testdata/patch/rename/build.sh", out});
    if (r.status != 0) ADD_FAILURE() << "building the rename fixtures failed:\n" << r.err;
    return out;
  }();
  return dir;
}

std::vector<Variant> variants() {
  std::ifstream in(fixtures() + "/variants.txt");
  std::vector<Variant> out;
  for (Variant v; in >> v.name >> v.qemu >> v.sysroot;) out.push_back(v);
  return out;
}

// A scratch copy of one variant: libren.so.1, prog-old, prog-new.
std::string copy_variant(const Variant& v, const std::string& tag) {
  std::string dir = make_temp_dir("rename-" + tag + "-" + v.name);
  for (const char* f : {"libren.so.1", "prog-old", "prog-new"}) copy_file(fixtures() + "/" + v.name + "/" + f, dir, f);
  return dir;
}

std::string write_map(const std::string& dir, const Renames& renames) {
  std::string path = dir + "/rename.map";
  std::ofstream out(path);
  for (const auto& [from, to] : renames) out << from << ' ' << to << '\n';
  return path;
}

RunResult run_program(const Variant& v, const std::string& program, std::map<std::string, std::string> env = {}) {
  if (v.qemu == "-") return run({program}, env);
  if (!require_tool(v.qemu, "qemu-user")) return {};
  return run({v.qemu, "-L", v.sysroot, program}, env);
}

// "old_fn@@REN_2.0" -> "new_fn@@REN_2.0" under `renames`.
std::string renamed_word(const std::string& word, const Renames& renames) {
  size_t at = word.find('@');
  auto it = renames.find(word.substr(0, at));
  if (it == renames.end()) return word;
  return it->second + (at == std::string::npos ? "" : word.substr(at));
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

struct DynamicSymbols {
  std::vector<std::string> rows;              // sorted, without the index column
  std::map<std::string, size_t> index_of;     // name (with version) -> index
};

// `readelf --dyn-syms -W`, every name passed through `renames`.
// Section names by index (readelf -SW): a growing edit renumbers sections
// (it keeps their headers in offset order), so symbols are compared by the
// name of their section.
std::map<std::string, std::string> section_names(const std::string& file) {
  std::map<std::string, std::string> out;
  for (const std::string& line : lines(run({"readelf", "-SW", file}).out)) {
    size_t open = line.find('['), close = line.find("] ");
    if (open == std::string::npos || close == std::string::npos || open > 4) continue;
    std::vector<std::string> w = words_of(line.substr(close + 2));
    if (!w.empty()) out[std::to_string(std::atoi(line.substr(open + 1, close - open - 1).c_str()))] = w[0];
  }
  return out;
}

DynamicSymbols dynamic_symbols(const std::string& file, const Renames& renames = {}) {
  RunResult r = run({"readelf", "--dyn-syms", "-W", file});
  EXPECT_EQ(r.status, 0) << r.err;
  std::map<std::string, std::string> sections = section_names(file);
  DynamicSymbols out;
  for (const std::string& line : lines(r.out)) {
    std::vector<std::string> w = words_of(line);
    if (w.size() < 7 || w[0].back() != ':' || w[0] == "Num:") continue;
    if (auto named = sections.find(w[6]); named != sections.end()) w[6] = named->second;
    std::string row;
    for (size_t i = 1; i < w.size(); ++i) row += (i > 1 ? " " : "") + renamed_word(w[i], renames);
    out.rows.push_back(row);
    if (w.size() >= 8) out.index_of[renamed_word(w[7], renames)] = std::stoul(w[0]);
  }
  std::sort(out.rows.begin(), out.rows.end());
  return out;
}

// `readelf -rW` entries without the r_info column (it holds the symbol
// index, which may change): offset, type, symbol value, name, addend.
std::vector<std::string> relocations(const std::string& file, const Renames& renames = {}) {
  RunResult r = run({"readelf", "-rW", file});
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::string> out;
  for (const std::string& line : lines(r.out)) {
    std::vector<std::string> w = words_of(line);
    if (w.size() < 3 || w[0].find_first_not_of("0123456789abcdef") != std::string::npos) continue;
    std::string row = w[0];
    for (size_t i = 2; i < w.size(); ++i) row += " " + renamed_word(w[i], renames);
    out.push_back(row);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `readelf -V` without the per-symbol block (its order follows .dynsym):
// the version definitions and needs.
std::string version_records(const std::string& file) {
  RunResult r = run({"readelf", "-V", "-W", file});
  EXPECT_EQ(r.status, 0) << r.err;
  std::string out;
  bool in_versym = false;
  for (const std::string& line : lines(r.out)) {
    if (line.find("section '") != std::string::npos) in_versym = line.find("Version symbols") != std::string::npos;
    if (!in_versym) out += line + "\n";
  }
  return out;
}

// readelf, eu-readelf and eu-elflint (which checks DT_GNU_HASH and DT_HASH
// against .dynsym) accept the file without a word.
void expect_valid(const std::string& file) {
  if (!require_tool("eu-elflint", "elfutils")) return;
  RunResult a = run({"readelf", "-a", "-W", file});
  EXPECT_EQ(a.status, 0) << file;
  EXPECT_EQ(a.err, "") << "readelf warns about " << file;
  RunResult b = run({"eu-readelf", "-a", file});
  EXPECT_EQ(b.status, 0) << file;
  EXPECT_EQ(b.err, "") << "eu-readelf warns about " << file;
  RunResult c = run({"eu-elflint", "--gnu-ld", file});
  // Two remarks about the relayout (relayout.cc), not about renaming, are
  // allowed: its added segment is read-write (it holds .dynamic when that
  // moves), which elflint finds unneeded with only .dynstr in it; and the
  // .symtab section symbol of a moved .dynstr keeps the old address (s390x's
  // ld emits one). Neither is read by the loader.
  std::string remarks;
  bool allowed = false;
  for (const std::string& line : lines(c.out)) {
    bool relayout_note = line.find("is writable but contains no writable sections") != std::string::npos ||
                         (line.find("'.symtab': symbol ") != std::string::npos &&
                          line.find(" (): st_value out of bounds") != std::string::npos);
    allowed |= relayout_note;
    if (!relayout_note) remarks += line + "\n";
  }
  if (allowed && remarks.empty()) remarks = "No errors\n";
  EXPECT_EQ(remarks, "No errors\n") << file << "\n" << c.err;
}

int count_loads(const std::string& file) {
  int n = 0;
  for (const std::string& line : lines(run({"readelf", "-lW", file}).out)) n += line.find(" LOAD ") != std::string::npos;
  return n;
}

// (1) The library renamed in place (same-length names): the program built
// against the new names runs against it, with lazy and immediate binding,
// and prints what the program built against the old names prints with the
// original library. Symbols, versions and relocations are the old ones under
// the new names.
TEST(PatchRename, RenamedLibraryServesTheNewNamesOnEveryVariant) {
  int checked = 0, reordered = 0;
  for (const Variant& v : variants()) {
    SCOPED_TRACE(v.name);
    std::string dir = copy_variant(v, "lib");
    std::string lib = dir + "/libren.so.1";
    RunResult want = run_program(v, dir + "/prog-old");
    ASSERT_EQ(want.status, 0) << want.err;
    ASSERT_NE(want.out, "");
    // The check can fail: unrenamed, the library lacks what prog-new needs.
    EXPECT_NE(run_program(v, dir + "/prog-new").status, 0);

    DynamicSymbols syms_before = dynamic_symbols(lib, kRenames);
    std::vector<std::string> relocs_before = relocations(lib, kRenames);
    std::string versions_before = version_records(lib);
    uint64_t size_before = fs::file_size(lib);

    RunResult r = shelf({"patch", "--rename-dynamic-symbols", write_map(dir, kRenames), lib});
    ASSERT_EQ(r.status, 0) << r.err;
    RunResult got = run_program(v, dir + "/prog-new");
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_EQ(got.out, want.out);
    RunResult now = run_program(v, dir + "/prog-new", {{"LD_BIND_NOW", "1"}});
    EXPECT_EQ(now.out, want.out) << now.err;

    DynamicSymbols syms_after = dynamic_symbols(lib);
    EXPECT_EQ(syms_after.rows, syms_before.rows);
    EXPECT_EQ(relocations(lib), relocs_before);
    EXPECT_EQ(version_records(lib), versions_before);
    EXPECT_TRUE(syms_after.index_of.count("new_fn@@REN_2.0")) << "readelf --dyn-syms lacks new_fn@@REN_2.0";
    EXPECT_TRUE(syms_after.index_of.count("new_counter@@REN_1.0"));
    std::string nm = run({"nm", "-D", lib}).out;
    EXPECT_NE(nm.find(" new_fn@@REN_2.0\n"), std::string::npos) << nm;
    EXPECT_NE(nm.find(" D new_counter@@REN_1.0\n"), std::string::npos) << nm;
    EXPECT_EQ(nm.find("old_"), std::string::npos) << nm;
    expect_valid(lib);
    // Names of the same length take the old names' bytes: no growth.
    EXPECT_EQ(fs::file_size(lib), size_before);
    reordered += syms_after.index_of != syms_before.index_of;
    ++checked;
  }
  EXPECT_EQ(checked, 7);
  // With DT_GNU_HASH a new name's bucket usually differs: the hashed symbols
  // must have been reordered in most variants for the relocation checks to
  // mean something.
  EXPECT_GE(reordered, 5);
}

// (2) The other side: the program's own imports (old_fn through the PLT) and
// its copy-relocated data symbol (old_counter, defined in the program and
// hashed) are renamed, and it runs against the renamed library.
TEST(PatchRename, RenamedImportsAndCopyRelocationInTheProgram) {
  int checked = 0;
  for (const Variant& v : variants()) {
    SCOPED_TRACE(v.name);
    std::string dir = copy_variant(v, "prog");
    std::string lib = dir + "/libren.so.1", prog = dir + "/prog-old";
    RunResult want = run_program(v, prog);
    ASSERT_EQ(want.status, 0) << want.err;
    std::vector<std::string> relocs_before = relocations(prog, kRenames);
    DynamicSymbols syms_before = dynamic_symbols(prog, kRenames);
    std::string map = write_map(dir, kRenames);
    ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", map, lib}).status, 0);
    // The library alone renamed: the old program no longer finds old_fn.
    EXPECT_NE(run_program(v, prog).status, 0);
    RunResult r = shelf({"patch", "--rename-dynamic-symbols", map, prog});
    ASSERT_EQ(r.status, 0) << r.err;
    RunResult got = run_program(v, prog);
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_EQ(got.out, want.out);
    EXPECT_EQ(relocations(prog), relocs_before);
    EXPECT_EQ(dynamic_symbols(prog).rows, syms_before.rows);
    expect_valid(prog);
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

// (3) Longer names do not fit .dynstr: it moves, with .dynamic, into one
// added segment; the library's internal calls to the renamed f* functions
// still resolve (to themselves, under the new names).
TEST(PatchRename, LongerNamesMoveDynstrIntoAnAddedSegment) {
  int checked = 0;
  for (const Variant& v : variants()) {
    if (v.name != "x86_64-gnu" && v.name != "x86_64-sysv" && v.name != "i686-both" && v.name != "s390x-both")
      continue;
    SCOPED_TRACE(v.name);
    std::string dir = copy_variant(v, "long");
    std::string lib = dir + "/libren.so.1";
    RunResult want = run_program(v, dir + "/prog-old");
    ASSERT_EQ(want.status, 0) << want.err;
    Renames renames = kRenames;
    for (int i = 0; i < 30; ++i)
      renames["f" + std::to_string(i)] = "f" + std::to_string(i) + "_renamed_to_a_much_longer_name_than_before";
    DynamicSymbols syms_before = dynamic_symbols(lib, renames);
    std::vector<std::string> relocs_before = relocations(lib, renames);
    int loads = count_loads(lib);
    RunResult r = shelf({"patch", "--rename-dynamic-symbols", write_map(dir, renames), lib});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(count_loads(lib), loads + 1);
    EXPECT_EQ(dynamic_symbols(lib).rows, syms_before.rows);
    EXPECT_EQ(relocations(lib), relocs_before);
    expect_valid(lib);
    RunResult got = run_program(v, dir + "/prog-new");
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_EQ(got.out, want.out);
    // Renaming back shrinks nothing but must still give a working library
    // whose symbols are the original ones.
    Renames back;
    for (const auto& [from, to] : renames) back[to] = from;
    ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", write_map(dir, back), lib}).status, 0);
    EXPECT_EQ(count_loads(lib), loads + 1) << "the added segment is reused, not added again";
    expect_valid(lib);
    RunResult old = run_program(v, dir + "/prog-old");
    EXPECT_EQ(old.out, want.out) << old.err;
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

// (4) Renaming to the names the file already has, or names it does not
// have, changes nothing and writes nothing; the same map applied twice
// leaves the second run without work.
TEST(PatchRename, NothingToRenameWritesNothing) {
  Variant v = variants().at(0);
  std::string dir = copy_variant(v, "noop");
  std::string lib = dir + "/libren.so.1";
  std::vector<uint8_t> original = read_bytes(lib);
  ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", write_map(dir, {{"no_such_symbol", "x"}}), lib}).status, 0);
  EXPECT_EQ(read_bytes(lib), original);
  ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", write_map(dir, {{"old_fn", "old_fn"}}), lib}).status, 0);
  EXPECT_EQ(read_bytes(lib), original);
  ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", write_map(dir, kRenames), lib}).status, 0);
  std::vector<uint8_t> once = read_bytes(lib);
  EXPECT_NE(once, original);
  ASSERT_EQ(shelf({"patch", "--rename-dynamic-symbols", write_map(dir, kRenames), lib}).status, 0);
  EXPECT_EQ(read_bytes(lib), once);
}

// (5) A rename combined with other edits is one plan written once: the
// SONAME and RUNPATH edits and the renames all land, and the program runs.
TEST(PatchRename, CombinesWithOtherEdits) {
  Variant v = variants().at(0);
  std::string dir = copy_variant(v, "combined");
  std::string lib = dir + "/libren.so.1";
  RunResult want = run_program(v, dir + "/prog-old");
  RunResult r = shelf({"patch", "--rename-dynamic-symbols", write_map(dir, kRenames), "--set-rpath",
                       "/nonexistent/a/rather/long/directory/name/for/growth", "--clear-symbol-version", "bump", lib});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(shelf({"patch", "--print-rpath", lib}).out).at(0), "/nonexistent/a/rather/long/directory/name/for/growth");
  DynamicSymbols syms = dynamic_symbols(lib);
  EXPECT_TRUE(syms.index_of.count("new_fn@@REN_2.0"));
  EXPECT_TRUE(syms.index_of.count("bump")) << "bump's version was cleared, and stays with it";
  expect_valid(lib);
  EXPECT_EQ(run_program(v, dir + "/prog-new").out, want.out);
}

// (6) MIPS: with only DT_HASH (MIPS's default) nothing is reordered and the
// renamed library runs under qemu; DT_MIPS_XHASH, which ties .dynsym order
// to the GOT, is refused and the file is left as it was.
TEST(PatchRename, MipsRenamesWithDtHashAndRefusesXhash) {
  if (!require_tool("qemu-mips64el", "qemu-user")) return;
  Variant v{"mips64el", "qemu-mips64el", "/usr/mips64el-linux-gnuabi64"};
  std::string dir = make_temp_dir("rename-mips");
  for (const char* f : {"libren.so.1", "libren-xhash.so.1", "prog-old", "prog-new"})
    copy_file(fixtures() + "/mips64el/" + f, dir, f);
  RunResult want = run_program(v, dir + "/prog-old");
  ASSERT_EQ(want.status, 0) << want.err;
  std::string lib = dir + "/libren.so.1", map = write_map(dir, kRenames);
  DynamicSymbols before = dynamic_symbols(lib, kRenames);
  std::vector<std::string> relocs_before = relocations(lib, kRenames);
  RunResult r = shelf({"patch", "--rename-dynamic-symbols", map, lib});
  ASSERT_EQ(r.status, 0) << r.err;
  DynamicSymbols after = dynamic_symbols(lib);
  EXPECT_EQ(after.rows, before.rows);
  EXPECT_EQ(after.index_of, before.index_of) << "DT_HASH alone never reorders .dynsym";
  EXPECT_EQ(relocations(lib), relocs_before);
  RunResult got = run_program(v, dir + "/prog-new");
  EXPECT_EQ(got.status, 0) << got.err;
  EXPECT_EQ(got.out, want.out);

  std::string xhash = dir + "/libren-xhash.so.1";
  std::vector<uint8_t> original = read_bytes(xhash);
  RunResult refused = shelf({"patch", "--rename-dynamic-symbols", map, xhash});
  EXPECT_EQ(refused.status, 3);
  EXPECT_NE(refused.err.find("DT_MIPS_XHASH"), std::string::npos) << refused.err;
  EXPECT_EQ(lines(refused.err).size(), 1u) << refused.err;
  EXPECT_EQ(read_bytes(xhash), original);
}

// Raw words of one section, decoded in the file's byte order.
struct SectionWords {
  std::vector<uint8_t> bytes;
  bool le = true;
  uint64_t word(uint64_t at, size_t size) const {
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) v |= uint64_t(bytes.at(at + i)) << (8 * (le ? i : size - 1 - i));
    return v;
  }
};

struct LibelfView {
  std::vector<std::string> names;  // .dynsym names
  std::vector<bool> global;        // not STB_LOCAL
  SectionWords gnu_hash, sysv_hash;
  bool is64 = true;
};

LibelfView read_with_libelf(const std::string& path) {
  LibelfView out;
  elf_version(EV_CURRENT);
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0) << path;
  Elf* e = elf_begin(fd, ELF_C_READ, nullptr);
  EXPECT_NE(e, nullptr) << elf_errmsg(-1);
  out.is64 = gelf_getclass(e) == ELFCLASS64;
  bool le = elf_getident(e, nullptr)[EI_DATA] == ELFDATA2LSB;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(e, scn));) {
    GElf_Shdr shdr;
    gelf_getshdr(scn, &shdr);
    Elf_Data* raw = elf_rawdata(scn, nullptr);
    if (shdr.sh_type == SHT_DYNSYM) {
      Elf_Data* data = elf_getdata(scn, nullptr);
      for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; ++i) {
        GElf_Sym sym;
        gelf_getsym(data, static_cast<int>(i), &sym);
        const char* name = elf_strptr(e, shdr.sh_link, sym.st_name);
        out.names.push_back(name ? name : "<libelf: bad name>");
        out.global.push_back(GELF_ST_BIND(sym.st_info) != STB_LOCAL);
      }
    }
    SectionWords* target = shdr.sh_type == SHT_GNU_HASH ? &out.gnu_hash : shdr.sh_type == SHT_HASH ? &out.sysv_hash : nullptr;
    if (target && raw) {
      auto* b = static_cast<const uint8_t*>(raw->d_buf);
      target->bytes.assign(b, b + raw->d_size);
      target->le = le;
    }
  }
  elf_end(e);
  close(fd);
  return out;
}

// (7) The hash functions and table builders against ld's own tables: for
// unrenamed libraries, rebuilding from the names read by libelf gives
// exactly the words ld wrote (64- and 32-bit, both byte orders).
TEST(PatchRename, HashTablesMatchTheLinkersOwn) {
  int gnu = 0, sysv = 0;
  for (const Variant& v : variants()) {
    SCOPED_TRACE(v.name);
    LibelfView f = read_with_libelf(fixtures() + "/" + v.name + "/libren.so.1");
    ASSERT_GT(f.names.size(), 30u);
    if (!f.gnu_hash.bytes.empty()) {
      const SectionWords& s = f.gnu_hash;
      patch::GnuHashGeometry g;
      g.nbuckets = static_cast<uint32_t>(s.word(0, 4));
      g.symoffset = static_cast<uint32_t>(s.word(4, 4));
      g.bloom_words = static_cast<uint32_t>(s.word(8, 4));
      g.shift2 = static_cast<uint32_t>(s.word(12, 4));
      g.word_bits = f.is64 ? 64 : 32;
      std::vector<std::string> hashed(f.names.begin() + g.symoffset, f.names.end());
      std::vector<uint32_t> order = patch::gnu_hash_order(hashed, g.nbuckets);
      for (uint32_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i) << "ld's order is bucket order";
      patch::GnuHashContent c = patch::build_gnu_hash(hashed, g);
      size_t wb = g.word_bits / 8, at = 16;
      for (uint64_t w : c.bloom) {
        EXPECT_EQ(s.word(at, wb), w) << "bloom word at " << at;
        at += wb;
      }
      for (uint32_t word : c.buckets) {
        EXPECT_EQ(s.word(at, 4), word) << "bucket at " << at;
        at += 4;
      }
      for (uint32_t word : c.chains) {
        EXPECT_EQ(s.word(at, 4), word) << "chain at " << at;
        at += 4;
      }
      EXPECT_EQ(at, s.bytes.size());
      ++gnu;
    }
    if (!f.sysv_hash.bytes.empty()) {
      const SectionWords& s = f.sysv_hash;
      size_t entry = s.bytes.size() == 4 * (2 + s.word(0, 4) + f.names.size()) ? 4 : 8;  // 8 on s390x
      uint64_t nbuckets = s.word(0, entry);
      ASSERT_EQ(s.word(entry, entry), f.names.size());
      // ld may chain a bucket's symbols in another order; every chain must
      // hold the same symbols, and each symbol's bucket must be sysv_hash's.
      patch::SysvHashContent c = patch::build_sysv_hash(f.names, f.global, static_cast<uint32_t>(nbuckets));
      auto chain_sets = [&](auto bucket_head, auto next) {
        std::vector<std::vector<uint32_t>> sets(nbuckets);
        for (uint64_t b = 0; b < nbuckets; ++b) {
          for (uint32_t i = bucket_head(b), steps = 0; i != 0 && steps < f.names.size(); i = next(i), ++steps)
            sets[b].push_back(i);
          std::sort(sets[b].begin(), sets[b].end());
        }
        return sets;
      };
      auto ld_sets = chain_sets([&](uint64_t b) { return uint32_t(s.word((2 + b) * entry, entry)); },
                                [&](uint32_t i) { return uint32_t(s.word((2 + nbuckets + i) * entry, entry)); });
      auto our_sets = chain_sets([&](uint64_t b) { return c.buckets[b]; }, [&](uint32_t i) { return c.chains[i]; });
      EXPECT_EQ(our_sets, ld_sets);
      ++sysv;
    }
  }
  EXPECT_EQ(gnu, 6);
  EXPECT_EQ(sysv, 6);
}

}  // namespace
}  // namespace shelf::test
