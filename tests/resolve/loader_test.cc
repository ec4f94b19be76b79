// The loader's rules on the fixtures of testdata/resolve, each answer
// confirmed by the real loader: running the program, `ldd`, or for i386
// programs the i386 loader's `--list` under qemu.
#include <gtest/gtest.h>

#include <filesystem>

#include "elf/error.h"
#include "resolve/resolver.h"
#include "support/paths.h"
#include "support/run.h"
#include "trace.h"

namespace {

using namespace shelf;
using inspect::Rule;

std::string fx(const std::string& rel) { return test::fixtures_dir() + "/resolve/" + rel; }

// The loader's own trace of `program` (ldd runs it with LD_TRACE_LOADED_OBJECTS).
test::Loaded ldd(const std::string& program, const std::map<std::string, std::string>& env = {}) {
  std::map<std::string, std::string> e = {{"LD_LIBRARY_PATH", ""}};
  for (const auto& [k, v] : env) e[k] = v;
  return test::parse_trace(test::run({"ldd", program}, e).out);
}

const inspect::Resolution* edge(const inspect::AuditReport& r, const std::string& name) {
  for (const auto& res : r.resolutions)
    if (res.name == name) return &res;
  return nullptr;
}

std::string path_of(const inspect::AuditReport& r, const std::string& name) {
  const inspect::Resolution* e = edge(r, name);
  if (!e || !e->object) return "";
  return r.objects[*e->object].path;
}

class ResolveLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(test::require_tool("ldd", "libc-bin")); }
  resolve::Auditor auditor{resolve::AuditOptions{}};
};

TEST_F(ResolveLoaderTest, RpathIsInheritedByTheLibrariesAProgramLoads) {
  std::string prog = fx("chain/prog_rpath");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* leaf = edge(r, "libleaf.so");
  ASSERT_TRUE(leaf && leaf->object);
  EXPECT_EQ(r.objects[*leaf->object].path, fx("chain/leaf/libleaf.so"));
  EXPECT_EQ(leaf->rule, Rule::kRpath);
  EXPECT_EQ(r.objects[*leaf->object].rpath_owner, 0) << "the program's RPATH, not libmid's";
  EXPECT_NE(r.objects[leaf->needed_by].name, r.objects[0].name) << "needed by libmid";
  EXPECT_TRUE(r.ok());

  test::RunResult run = test::run({prog});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "43\n");
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, RunpathIsNotInherited) {
  std::string prog = fx("chain/prog_runpath");
  inspect::AuditReport r = auditor.audit_file(prog);
  EXPECT_EQ(path_of(r, "libmid.so"), fx("chain/mid/libmid.so"));
  EXPECT_EQ(edge(r, "libmid.so")->rule, Rule::kRunpath);
  ASSERT_EQ(r.missing().size(), 1u);
  EXPECT_EQ(r.missing()[0]->name, "libleaf.so");
  EXPECT_EQ(r.objects[r.missing()[0]->needed_by].path, fx("chain/mid/libmid.so"));
  EXPECT_FALSE(r.ok());

  test::RunResult run = test::run({prog});
  EXPECT_EQ(run.status, 127);
  EXPECT_NE(run.err.find("libleaf.so"), std::string::npos) << run.err;
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, OriginIsTheProgramsRealDirectoryWhenStartedThroughASymlink) {
  // ldd runs ld.so on the link's path and gets $ORIGIN wrong here; the
  // kernel passes the resolved executable, so the program itself runs.
  std::string link = fx("links/prog_rpath");
  ASSERT_TRUE(std::filesystem::is_symlink(link));
  inspect::AuditReport r = auditor.audit_file(link);
  EXPECT_EQ(path_of(r, "libmid.so"), fx("chain/mid/libmid.so"));
  EXPECT_EQ(path_of(r, "libleaf.so"), fx("chain/leaf/libleaf.so"));
  test::RunResult run = test::run({link});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "43\n");
}

TEST_F(ResolveLoaderTest, LdLibraryPathComesAfterRpathAndBeforeRunpath) {
  std::string b = fx("prec/b");
  resolve::Auditor with_llp(resolve::AuditOptions{"", b});
  inspect::AuditReport rpath = with_llp.audit_file(fx("prec/prog_rpath"));
  inspect::AuditReport runpath = with_llp.audit_file(fx("prec/prog_runpath"));
  EXPECT_EQ(path_of(rpath, "libprec.so"), fx("prec/a/libprec.so"));
  EXPECT_EQ(edge(rpath, "libprec.so")->rule, Rule::kRpath);
  EXPECT_EQ(path_of(runpath, "libprec.so"), b + "/libprec.so");
  EXPECT_EQ(edge(runpath, "libprec.so")->rule, Rule::kLdLibraryPath);

  // The real loader: libprec in a/ returns 1, in b/ returns 2.
  EXPECT_EQ(test::run({fx("prec/prog_rpath")}, {{"LD_LIBRARY_PATH", b}}).out, "1\n");
  EXPECT_EQ(test::run({fx("prec/prog_runpath")}, {{"LD_LIBRARY_PATH", b}}).out, "2\n");
  EXPECT_EQ(test::loaded_by_audit(runpath), ldd(fx("prec/prog_runpath"), {{"LD_LIBRARY_PATH", b}}));
  // Without LD_LIBRARY_PATH the RUNPATH copy is used.
  EXPECT_EQ(path_of(auditor.audit_file(fx("prec/prog_runpath")), "libprec.so"),
            fx("prec/a/libprec.so"));
}

TEST_F(ResolveLoaderTest, WrongClassLibraryEarlierInThePathIsSkipped) {
  std::string prog = fx("wrongclass/prog64");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* wc = edge(r, "libwc.so");
  ASSERT_TRUE(wc && wc->object);
  EXPECT_EQ(r.objects[*wc->object].path, fx("wrongclass/lib64/libwc.so"));
  ASSERT_EQ(wc->skipped.size(), 1u);
  EXPECT_EQ(wc->skipped[0].path, fx("wrongclass/lib32/libwc.so"));
  EXPECT_NE(wc->skipped[0].reason.find("class"), std::string::npos) << wc->skipped[0].reason;
  EXPECT_EQ(test::run({prog}).out, "64\n");
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, WrongClassIsSkippedForI386ProgramsToo) {
  if (!test::require_tool("qemu-i386", "qemu-user")) return;
  std::string prog = fx("wrongclass/prog32");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* wc = edge(r, "libwc.so");
  ASSERT_TRUE(wc && wc->object);
  EXPECT_EQ(r.objects[*wc->object].path, fx("wrongclass/lib32/libwc.so"));
  ASSERT_EQ(wc->skipped.size(), 1u);
  EXPECT_EQ(wc->skipped[0].path, fx("wrongclass/lib64/libwc.so"));
  ASSERT_TRUE(r.interpreter);
  test::RunResult list = test::run({"qemu-i386", *r.interpreter, "--list", prog});
  EXPECT_EQ(test::loaded_by_audit(r), test::parse_trace(list.out)) << list.out << list.err;
  EXPECT_EQ(test::run({"qemu-i386", "-L", "/", prog}).out, "32\n");
}

TEST_F(ResolveLoaderTest, WrongMachineIsPassedOver) {
  std::string prog = fx("abi/prog_machine");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* wc = edge(r, "libwc.so");
  ASSERT_TRUE(wc && wc->object);
  EXPECT_EQ(r.objects[*wc->object].path, fx("abi/good/libwc.so"));
  ASSERT_EQ(wc->skipped.size(), 1u);
  EXPECT_EQ(wc->skipped[0].path, fx("abi/machine/libwc.so"));
  EXPECT_NE(wc->skipped[0].reason.find("machine"), std::string::npos) << wc->skipped[0].reason;
  EXPECT_EQ(test::run({prog}).out, "64\n");
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, ForeignOsAbiStopsTheSearch) {
  // Unlike a wrong class or machine, glibc does not try the next directory.
  std::string prog = fx("abi/prog_osabi");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* wc = edge(r, "libwc.so");
  ASSERT_TRUE(wc);
  EXPECT_FALSE(wc->object);
  ASSERT_EQ(wc->skipped.size(), 1u);
  EXPECT_EQ(wc->skipped[0].path, fx("abi/osabi/libwc.so"));
  EXPECT_NE(wc->skipped[0].reason.find("OS ABI"), std::string::npos) << wc->skipped[0].reason;
  EXPECT_FALSE(r.ok());
  test::RunResult run = test::run({prog});
  EXPECT_EQ(run.status, 127);
  EXPECT_NE(run.err.find(fx("abi/osabi/libwc.so") + ": ELF file OS ABI invalid"), std::string::npos)
      << run.err;
}

TEST_F(ResolveLoaderTest, MissingLibraryIsReported) {
  std::string prog = fx("missing/prog");
  inspect::AuditReport r = auditor.audit_file(prog);
  ASSERT_EQ(r.missing().size(), 1u);
  EXPECT_EQ(r.missing()[0]->name, "libgone.so");
  EXPECT_EQ(r.missing()[0]->needed_by, 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(test::run({prog}).status, 127);
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, MissingSymbolVersionNamesTheLibraryFoundAndWhatItDefines) {
  std::string prog = fx("versions/prog");
  inspect::AuditReport r = auditor.audit_file(prog);
  EXPECT_TRUE(r.missing().empty());
  ASSERT_EQ(r.version_problems.size(), 1u);
  const inspect::VersionProblem& v = r.version_problems[0];
  EXPECT_EQ(r.objects[v.object].path, fx("versions/libconsumer.so.1"));
  EXPECT_EQ(v.library, "libgccx_s.so.1");
  EXPECT_EQ(v.version, "GCCX_3.4");
  EXPECT_EQ(v.message, "libconsumer.so.1 needs GCCX_3.4 from libgccx_s.so.1 (found: " +
                           fx("versions/old/libgccx_s.so.1") + ", which defines GCCX_3.0 only)");
  EXPECT_FALSE(r.ok());

  // The loader refuses the same combination, naming the same version.
  test::RunResult run = test::run({prog});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.err.find("version `GCCX_3.4' not found"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(fx("versions/old/libgccx_s.so.1")), std::string::npos) << run.err;
}

TEST_F(ResolveLoaderTest, VersionsOfTheNewerLibraryAreSatisfied) {
  // The same consumer with the newer libgccx_s first on LD_LIBRARY_PATH.
  resolve::Auditor with_new(resolve::AuditOptions{"", fx("versions/new")});
  inspect::AuditReport r = with_new.audit_file(fx("versions/prog"));
  EXPECT_TRUE(r.version_problems.empty());
  EXPECT_TRUE(r.ok());
  test::RunResult run = test::run({fx("versions/prog")}, {{"LD_LIBRARY_PATH", fx("versions/new")}});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "64\n");
}

TEST_F(ResolveLoaderTest, CacheHitUsesTheEntryForTheProgramsAbi) {
  ASSERT_TRUE(test::require_tool("ldconfig", "libc-bin"));
  std::string cache = test::run({"ldconfig", "-p"}).out;
  std::string prog = fx("plain/hello64");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* libc = edge(r, "libc.so.6");
  ASSERT_TRUE(libc && libc->object);
  EXPECT_EQ(libc->rule, Rule::kCache);
  std::string path = r.objects[*libc->object].path;
  EXPECT_NE(cache.find("\tlibc.so.6 (libc6,x86-64) => " + path + "\n"), std::string::npos)
      << path;
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, CacheHitForAnI386ProgramUsesTheI386Entry) {
  if (!test::require_tool("qemu-i386", "qemu-user")) return;
  std::string cache = test::run({"ldconfig", "-p"}).out;
  std::string prog = fx("plain/hello32");
  inspect::AuditReport r = auditor.audit_file(prog);
  const inspect::Resolution* libc = edge(r, "libc.so.6");
  ASSERT_TRUE(libc && libc->object);
  EXPECT_EQ(libc->rule, Rule::kCache);
  std::string path = r.objects[*libc->object].path;
  EXPECT_NE(cache.find("\tlibc.so.6 (libc6) => " + path + "\n"), std::string::npos) << path;
  test::RunResult list = test::run({"qemu-i386", *r.interpreter, "--list", prog});
  EXPECT_EQ(test::loaded_by_audit(r), test::parse_trace(list.out)) << list.out << list.err;
}

TEST_F(ResolveLoaderTest, DependencyCycleLoadsEachLibraryOnce) {
  std::string prog = fx("cycle/prog");
  inspect::AuditReport r = auditor.audit_file(prog);
  int a = 0, b = 0;
  for (const auto& o : r.objects) {
    a += o.path == fx("cycle/libcyca.so");
    b += o.path == fx("cycle/libcycb.so");
  }
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  const inspect::Resolution* back = nullptr;
  for (const auto& res : r.resolutions)
    if (res.name == "libcyca.so" && r.objects[res.needed_by].path == fx("cycle/libcycb.so"))
      back = &res;
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rule, Rule::kAlreadyLoaded);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(test::run({prog}).out, "2\n");
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
  EXPECT_FALSE(inspect::to_tree(r).empty());
}

TEST_F(ResolveLoaderTest, LibAndPlatformExpandAsThisSystemsLoaderExpandsThem) {
  std::string prog = fx("tokens/prog");
  inspect::AuditReport r = auditor.audit_file(prog);
  EXPECT_EQ(path_of(r, "libtok.so"), fx("tokens/lib/x86_64-linux-gnu/x86_64/libtok.so"));
  test::RunResult run = test::run({prog});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "7\n");
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, NodeflibSkipsCacheAndDefaultDirectories) {
  std::string prog = fx("nodeflib/prog");
  inspect::AuditReport r = auditor.audit_file(prog);
  ASSERT_EQ(r.missing().size(), 1u);
  EXPECT_EQ(r.missing()[0]->name, "libc.so.6");
  EXPECT_EQ(test::run({prog}).status, 127);
  EXPECT_EQ(test::loaded_by_audit(r), ldd(prog));
}

TEST_F(ResolveLoaderTest, SearchPathHygieneFindings) {
  inspect::AuditReport r = auditor.audit_file(fx("hygiene/prog"));
  auto has = [&](const std::string& kind, const std::string& text) {
    for (const auto& f : r.findings)
      if (f.kind == kind && f.message.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("search-path-missing", "/tmp/shelf-resolve-build-dir/lib"));
  bool tmp_writable = (std::filesystem::status("/tmp").permissions() &
                       std::filesystem::perms::others_write) != std::filesystem::perms::none;
  EXPECT_EQ(has("search-path-world-writable", "/tmp/shelf-resolve-build-dir/lib"), tmp_writable);
  EXPECT_TRUE(has("search-path-relative", "'build/lib'"));
  EXPECT_FALSE(has("search-path-relative", "$ORIGIN"));
  EXPECT_FALSE(has("search-path-missing", "$ORIGIN"));
  EXPECT_TRUE(has("execstack", "executable stack"));
  EXPECT_TRUE(r.ok()) << "hygiene findings are warnings, libc still resolves";
  // readelf agrees that the stack is executable.
  std::string phdrs = test::run({"readelf", "-lW", fx("hygiene/prog")}).out;
  EXPECT_NE(phdrs.find("GNU_STACK"), std::string::npos);
  EXPECT_NE(phdrs.find("RWE"), std::string::npos);
}

TEST_F(ResolveLoaderTest, EachFileIsParsedOncePerRun) {
  auditor.audit_file(fx("chain/prog_rpath"));
  size_t after_first = auditor.files_parsed();
  auditor.audit_file(fx("chain/prog_rpath"));
  auditor.audit_file(fx("links/prog_rpath"));
  EXPECT_EQ(auditor.files_parsed(), after_first);
  // program, libmid, libleaf, libc, the interpreter
  EXPECT_EQ(after_first, 5u);
}

TEST_F(ResolveLoaderTest, MalformedProgramIsAnErrorWithTheFileName) {
  std::string dir = test::make_temp_dir("resolve-bad");
  std::string bad = dir + "/truncated";
  std::filesystem::copy_file(fx("plain/hello64"), bad);
  std::filesystem::resize_file(bad, 200);
  try {
    auditor.audit_file(bad);
    FAIL() << "no error";
  } catch (const elf::Error& e) {
    EXPECT_EQ(e.file(), bad);
  }
}

}  // namespace

// Foreign machines: each cross toolchain's directory is a root with its own
// glibc; the oracle is that glibc's loader under qemu listing the program.
struct CrossCase {
  std::string triplet;
  std::string qemu;
};

void PrintTo(const CrossCase& c, std::ostream* os) { *os << c.triplet; }

class ResolveCrossTest : public ::testing::TestWithParam<CrossCase> {};

TEST_P(ResolveCrossTest, SysrootAuditMatchesTheForeignLoader) {
  const CrossCase& c = GetParam();
  if (!test::require_tool(c.qemu, "qemu-user")) return;
  std::string sysroot = "/usr/" + c.triplet;
  std::string prog = fx("plain/hello-" + c.triplet);
  resolve::Auditor cross(resolve::AuditOptions{sysroot, std::nullopt});
  inspect::AuditReport r = cross.audit_file(prog);
  ASSERT_TRUE(r.interpreter);
  EXPECT_TRUE(r.ok()) << inspect::to_tree(r);
  const inspect::Resolution* libc = edge(r, "libc.so.6");
  ASSERT_TRUE(libc && libc->object);

  test::RunResult list =
      test::run({c.qemu, "-L", sysroot, sysroot + *r.interpreter, "--list", prog});
  ASSERT_EQ(list.status, 0) << list.err;
  // Leave out the loader itself: run explicitly under qemu it names itself
  // by its host path.
  test::Loaded theirs, ours;
  for (const auto& e : test::parse_trace(list.out))
    if (!e.first.empty() && e.first[0] != '/') theirs.insert(e);
  for (size_t i = 1; i < r.objects.size(); ++i)
    if (r.objects[i].rule != Rule::kInterpreter) ours.insert({r.objects[i].name, r.objects[i].path});
  EXPECT_EQ(ours, theirs) << list.out;
}

INSTANTIATE_TEST_SUITE_P(ResolveMachines, ResolveCrossTest,
                         ::testing::Values(CrossCase{"aarch64-linux-gnu", "qemu-aarch64"},
                                           CrossCase{"arm-linux-gnueabihf", "qemu-arm"},
                                           CrossCase{"s390x-linux-gnu", "qemu-s390x"},
                                           CrossCase{"riscv64-linux-gnu", "qemu-riscv64"},
                                           CrossCase{"mips64el-linux-gnuabi64", "qemu-mips64el"}),
                         [](const auto& info) {
                           std::string name = info.param.triplet;
                           for (char& ch : name)
                             if (ch == '-') ch = '_';
                           return name;
                         });
