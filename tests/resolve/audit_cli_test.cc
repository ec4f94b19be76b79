// `shelf audit` as users run it: every dynamically linked program in
// /usr/bin resolved exactly as the loader resolves it (ldd), exit statuses,
// JSON and tree output, directories, and a sysroot checked against the
// loader running inside it (chroot).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "support/paths.h"
#include "support/run.h"
#include "trace.h"

namespace {

using namespace shelf;
using nlohmann::json;
namespace fs = std::filesystem;

std::string fx(const std::string& rel) { return test::fixtures_dir() + "/resolve/" + rel; }

// No LD_LIBRARY_PATH from the calling environment, for shelf and ldd alike.
const std::map<std::string, std::string> kCleanEnv = {{"LD_LIBRARY_PATH", ""}};

test::RunResult audit(std::vector<std::string> args) {
  args.insert(args.begin(), {test::shelf_bin(), "audit"});
  return test::run(args, kCleanEnv);
}

bool is_elf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string(magic, 4) == "\x7f" "ELF";
}

// Audit's answer from the JSON report, in the shape of ldd's. The loader
// lists its own object only when some object needs it by name.
test::Loaded loaded_from_json(const json& report) {
  bool interpreter_needed = false;
  for (const json& res : report["resolutions"]) interpreter_needed |= res["rule"] == "interpreter";
  test::Loaded out;
  for (const json& lib : report["libraries"])
    if (lib["rule"] != "interpreter" || interpreter_needed)
      out.insert(std::make_pair(lib["name"].get<std::string>(), lib["path"].get<std::string>()));
  for (const json& m : report["missing"])
    out.insert(std::make_pair(m["name"].get<std::string>(), std::string()));
  return out;
}

TEST(ResolveAuditCli, EveryDynamicProgramInUsrBinResolvesAsLddSays) {
  ASSERT_TRUE(test::require_tool("ldd", "libc-bin"));
  // The ELF files a directory audit must cover: regular files, sorted.
  std::vector<std::string> elf_files;
  for (const auto& e : fs::directory_iterator("/usr/bin"))
    if (!e.is_symlink() && e.is_regular_file() && is_elf(e.path()))
      elf_files.push_back(e.path().string());
  std::sort(elf_files.begin(), elf_files.end());

  test::RunResult r = audit({"--json", "/usr/bin"});
  ASSERT_TRUE(r.status == 0 || r.status == 1) << r.err;
  json reports = json::parse(r.out);
  std::vector<std::string> audited, programs;
  for (const json& rep : reports) {
    audited.push_back(rep["path"]);
    ASSERT_FALSE(rep.contains("error")) << rep.dump();
    if (!rep["interpreter"].is_null()) programs.push_back(rep["path"]);
  }
  EXPECT_EQ(audited, elf_files);
  ASSERT_GE(programs.size(), 200u) << "too few dynamically linked programs to compare";

  // One ldd run for all of them; each program's whole list must agree
  // (every object, the name it was loaded by, the path the loader used).
  std::vector<std::string> argv = {"ldd"};
  argv.insert(argv.end(), programs.begin(), programs.end());
  std::map<std::string, test::Loaded> ldd = test::parse_ldd_many(test::run(argv, kCleanEnv).out);
  size_t compared = 0, differing = 0;
  for (const json& rep : reports) {
    if (rep["interpreter"].is_null()) continue;
    auto it = ldd.find(rep["path"]);
    ASSERT_NE(it, ldd.end()) << "ldd printed nothing for " << rep["path"];
    ++compared;
    if (loaded_from_json(rep) != it->second && ++differing <= 5)
      ADD_FAILURE() << rep["path"] << " resolves differently from ldd:\n" << rep.dump(1);
  }
  EXPECT_EQ(differing, 0u);
  EXPECT_EQ(compared, programs.size());
  std::cout << "[ compared " << compared << " programs of /usr/bin with ldd ]\n";
}

TEST(ResolveAuditCli, ExitStatusSaysWhetherEverythingResolves) {
  EXPECT_EQ(audit({fx("plain/hello64")}).status, 0);
  EXPECT_EQ(audit({fx("missing/prog")}).status, 1);
  EXPECT_EQ(audit({fx("versions/prog")}).status, 1);
  EXPECT_EQ(audit({fx("plain/hello64"), fx("missing/prog")}).status, 1);
  EXPECT_EQ(audit({}).status, 2);
  EXPECT_EQ(audit({"--no-such-option", fx("plain/hello64")}).status, 2);
  test::RunResult none = audit({"/nonexistent/program"});
  EXPECT_EQ(none.status, 3);
  EXPECT_NE(none.err.find("shelf: /nonexistent/program: "), std::string::npos) << none.err;
}

TEST(ResolveAuditCli, MalformedFileIsReportedWithItsOffsetAndExitsThree) {
  std::string dir = test::make_temp_dir("audit-bad");
  std::string bad = dir + "/truncated";
  fs::copy_file(fx("plain/hello64"), bad);
  fs::resize_file(bad, 100);
  test::RunResult r = audit({bad, fx("plain/hello64")});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err.rfind("shelf: " + bad + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("(offset 0x"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(fx("plain/hello64")), std::string::npos) << "the good file is still audited";
}

TEST(ResolveAuditCli, InterpreterMustExistAndMatchTheProgram) {
  ASSERT_TRUE(test::require_tool("patchelf", "patchelf"));
  std::string dir = test::make_temp_dir("audit-interp");
  for (const auto& [name, interp, why] :
       {std::tuple<std::string, std::string, std::string>{"absent", "/nonexistent/ld.so",
                                                          "does not exist"},
        {"i386", "/lib/ld-linux.so.2", "wrong ELF class"}}) {
    std::string prog = dir + "/" + name;
    fs::copy_file(fx("plain/hello64"), prog);
    ASSERT_EQ(test::run({"patchelf", "--set-interpreter", interp, prog}).status, 0);
    test::RunResult r = audit({"--json", prog});
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    json rep = json::parse(r.out)[0];
    ASSERT_FALSE(rep["findings"].empty()) << rep.dump();
    EXPECT_EQ(rep["findings"][0]["kind"], "interpreter");
    EXPECT_NE(rep["findings"][0]["message"].get<std::string>().find(why), std::string::npos)
        << rep.dump();
    // The kernel agrees: the program does not start.
    EXPECT_NE(test::run({prog}).status, 0) << name;
  }
}

TEST(ResolveAuditCli, JsonCarriesRulesSkippedCandidatesAndVersionProblems) {
  test::RunResult r = audit({"--json", fx("wrongclass/prog64"), fx("versions/prog")});
  ASSERT_EQ(r.status, 1) << r.err;
  json reports = json::parse(r.out);
  ASSERT_EQ(reports.size(), 2u);

  const json& wc = reports[0];
  EXPECT_TRUE(wc["ok"].get<bool>());
  ASSERT_EQ(wc["skipped"].size(), 1u);
  EXPECT_EQ(wc["skipped"][0]["path"], fx("wrongclass/lib32/libwc.so"));
  EXPECT_EQ(wc["skipped"][0]["name"], "libwc.so");
  std::map<std::string, std::string> rules;
  for (const json& res : wc["resolutions"]) rules[res["name"]] = res["rule"];
  EXPECT_EQ(rules["libwc.so"], "runpath");
  EXPECT_EQ(rules["libc.so.6"], "ld.so.cache");
  EXPECT_EQ(rules["ld-linux-x86-64.so.2"], "interpreter");

  const json& v = reports[1];
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(v["missing"].empty());
  ASSERT_EQ(v["version_problems"].size(), 1u);
  EXPECT_EQ(v["version_problems"][0]["version"], "GCCX_3.4");
  EXPECT_EQ(v["version_problems"][0]["found"], fx("versions/old/libgccx_s.so.1"));
  EXPECT_EQ(v["version_problems"][0]["defines"], json::array({"GCCX_3.0"}));
}

TEST(ResolveAuditCli, TreeShowsWhichRpathFoundALibrary) {
  test::RunResult r = audit({fx("chain/prog_rpath")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("libleaf.so => " + fx("chain/leaf/libleaf.so") + " [rpath of " +
                       fx("chain/prog_rpath") + "]"),
            std::string::npos)
      << r.out;
  test::RunResult missing = audit({fx("chain/prog_runpath")});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.out.find("libleaf.so not found"), std::string::npos) << missing.out;
}

TEST(ResolveAuditCli, DirectoryAuditCoversLibrariesAndSurvivesCycles) {
  test::RunResult r = audit({"--json", fx("cycle")});
  ASSERT_EQ(r.status, 0) << r.err;
  json reports = json::parse(r.out);
  std::vector<std::string> paths;
  for (const json& rep : reports) paths.push_back(rep["path"]);
  EXPECT_EQ(paths, (std::vector<std::string>{fx("cycle/libcyca.so"), fx("cycle/libcycb.so"),
                                             fx("cycle/prog")}));
}

TEST(ResolveAuditCli, LibraryPathOptionActsAsLdLibraryPath) {
  test::RunResult r = audit({"--json", "--library-path", fx("prec/b"), fx("prec/prog_runpath")});
  ASSERT_EQ(r.status, 0) << r.err;
  json rep = json::parse(r.out)[0];
  test::Loaded loader = test::parse_trace(
      test::run({"ldd", fx("prec/prog_runpath")}, {{"LD_LIBRARY_PATH", fx("prec/b")}}).out);
  EXPECT_EQ(loaded_from_json(rep), loader);
}

// A foreign root: its own interpreter, libc, ld.so.conf and ld.so.cache
// (written by ldconfig -r), and a vendor library reached through an
// absolute symbolic link that must resolve inside the root. The loader
// running in a chroot of it is the oracle.
TEST(ResolveAuditCli, SysrootIsAuditedAsTheLoaderInsideItSeesIt) {
  ASSERT_TRUE(test::require_tool("ldconfig", "libc-bin"));
  ASSERT_TRUE(test::require_tool("chroot", "coreutils"));
  ASSERT_EQ(geteuid(), 0u) << "building a sysroot cache (ldconfig -r) and chroot need root";
  fs::path root = test::make_temp_dir("sysroot");
  for (const char* d : {"lib64", "lib/x86_64-linux-gnu", "usr/bin", "etc", "opt/vendor/lib",
                        "opt/vendor/real"})
    fs::create_directories(root / d);
  fs::copy_file("/lib64/ld-linux-x86-64.so.2", root / "lib64/ld-linux-x86-64.so.2");
  fs::copy_file(fs::canonical("/lib/x86_64-linux-gnu/libc.so.6"),
                root / "lib/x86_64-linux-gnu/libc.so.6");
  fs::copy_file(fx("prec/b/libprec.so"), root / "opt/vendor/real/libprec.so");
  fs::create_symlink("/opt/vendor/real/libprec.so", root / "opt/vendor/lib/libprec.so");
  fs::copy_file(fx("prec/prog_runpath"), root / "usr/bin/prog");
  std::ofstream(root / "etc/ld.so.conf") << "/opt/vendor/lib\n";
  test::RunResult ldconfig = test::run({"ldconfig", "-X", "-r", root.string()});
  ASSERT_EQ(ldconfig.status, 0) << ldconfig.err;

  test::RunResult r = audit({"--json", "--sysroot", root.string(), (root / "usr/bin/prog").string()});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  json rep = json::parse(r.out)[0];
  std::map<std::string, std::string> rules;
  for (const json& res : rep["resolutions"]) rules[res["name"]] = res["rule"];
  EXPECT_EQ(rules["libprec.so"], "ld.so.cache");

  test::RunResult list = test::run(
      {"chroot", root.string(), "/lib64/ld-linux-x86-64.so.2", "--list", "/usr/bin/prog"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(loaded_from_json(rep), test::parse_trace(list.out)) << list.out;
  test::RunResult run = test::run({"chroot", root.string(), "/usr/bin/prog"});
  EXPECT_EQ(run.out, "2\n") << run.err;

  // The host has no libprec.so anywhere: auditing the same file without the
  // sysroot finds nothing.
  EXPECT_EQ(audit({(root / "usr/bin/prog").string()}).status, 1);
}

}  // namespace
