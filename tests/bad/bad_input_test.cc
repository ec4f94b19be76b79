// Every file testdata/bad/gen.py writes is wrong in exactly one way. For each,
// `shelf inspect FILE` must exit 3 (bad input) with exactly one line on stderr,
// `shelf: FILE: …`, naming what is wrong. The suite runs under ASan/UBSan,
// which abort on any report, so exit 3 also proves the read was memory-safe.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/paths.h"
#include "support/run.h"

namespace {

using namespace shelf;
namespace fs = std::filesystem;

struct BadFile {
  std::string name;
  std::vector<std::string> words;  // the message must contain one of them
};

std::string bad_dir() { return test::fixtures_dir() + "/bad"; }

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, sep);) out.push_back(item);
  return out;
}

std::vector<BadFile> manifest() {
  std::ifstream in(bad_dir() + "/manifest.txt");
  std::vector<BadFile> out;
  for (std::string line; std::getline(in, line);) {
    auto fields = split(line, '\t');
    if (fields.size() == 2) out.push_back({fields[0], split(fields[1], '|')});
  }
  return out;
}

// Runs shelf under `timeout`, so a hang fails the test (status 124) instead
// of stalling the suite.
test::RunResult inspect(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"timeout", "60", test::shelf_bin(), "inspect"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

void expect_one_line_error(const BadFile& bad, const test::RunResult& r, const std::string& path) {
  SCOPED_TRACE(bad.name + "\nstderr: " + r.err);
  EXPECT_EQ(r.status, 3) << "124 is a hang, >128 a signal (crash or sanitizer abort)";
  std::vector<std::string> lines = test::lines(r.err);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("shelf: " + path + ": ", 0), 0u);
  bool named = std::any_of(bad.words.begin(), bad.words.end(), [&](const std::string& w) {
    return lines[0].find(w, ("shelf: " + path + ": ").size()) != std::string::npos;
  });
  EXPECT_TRUE(named) << "the message should name what is wrong, one of: "
                     << nlohmann::json(bad.words).dump();
}

TEST(BadInput, EachFileGivesOneLineNamingTheDefectAndExit3) {
  std::vector<BadFile> files = manifest();
  ASSERT_GE(files.size(), 100u) << "testdata/bad/gen.py wrote too few files to " << bad_dir();
  for (const BadFile& bad : files) {
    std::string path = bad_dir() + "/" + bad.name;
    expect_one_line_error(bad, inspect({path}), path);
  }
}

// The generator skips a defect when a base lacks the structure it needs; a
// silent skip must not shrink the suite. Every base has every generic defect,
// the libraries the DT_VERDEF ones, the programs the PT_INTERP/DT_VERNEED ones.
TEST(BadInput, EveryDefectExistsForEveryClassAndByteOrder) {
  std::set<std::string> names;
  for (const BadFile& b : manifest()) names.insert(b.name);
  const std::vector<std::string> generic = {
      "trunc-in-ehdr", "trunc-in-phdrs", "trunc-in-dynamic", "wrong-magic", "bad-class",
      "bad-data", "phoff-past-end", "huge-phnum", "bad-phentsize", "shoff-past-end",
      "dynamic-past-end", "dynamic-size-huge", "strtab-unmapped", "strsz-past-end", "needed-repeated"};
  const std::vector<std::string> with_sections = {"trunc-before-shdrs", "phnum-xnum",
                                                  "bad-shentsize", "shstrndx-out-of-range"};
  const std::vector<std::string> program = {
      "needed-past-strsz", "needed-unterminated", "runpath-past-strsz", "interp-past-end",
      "interp-unterminated"};
  const std::vector<std::string> versioned_program = {
      "verneed-unmapped", "verneed-next-wraps", "vernaux-out-of-range", "verneed-file-past-strsz",
      "verneed-quadratic"};
  const std::vector<std::string> library = {"soname-past-strsz", "verdef-unmapped",
                                            "verdef-next-wraps", "verdaux-out-of-range"};
  auto expect_all = [&](const std::string& base, const std::vector<std::string>& defects) {
    for (const std::string& d : defects)
      EXPECT_TRUE(names.count(base + "--" + d)) << base + "--" + d << " was not generated";
  };
  for (std::string arch : {"x86_64", "i686", "s390x"}) {
    for (const std::string& base : {"prog-" + arch, "lib-" + arch + ".so"}) {
      expect_all(base, generic);
      expect_all(base, with_sections);
    }
    expect_all("prog-" + arch, program);
    expect_all("prog-" + arch, versioned_program);
    expect_all("lib-" + arch + ".so", library);
  }
  expect_all("base-ppc32be", generic);
  expect_all("base-ppc32be", program);
  for (std::string other : {"empty", "three-bytes", "text-file", "a-directory"})
    EXPECT_TRUE(names.count(other)) << other;
}

// The defects are the only thing wrong: the bases themselves read cleanly with
// shelf and with readelf (binutils), whose header/program header/dynamic view
// must not complain either.
TEST(BadInput, BasesAreValidSoEachDefectIsTheOnlyFault) {
  if (!test::require_tool("readelf", "binutils")) return;
  std::vector<std::string> bases;
  for (const auto& entry : fs::directory_iterator(bad_dir() + "/base")) bases.push_back(entry.path());
  bases.push_back(bad_dir() + "/base-ppc32be");
  ASSERT_EQ(bases.size(), 7u);
  for (const std::string& base : bases) {
    test::RunResult r = inspect({"--json", base});
    EXPECT_EQ(r.status, 0) << base << ": " << r.err;
    test::RunResult re = test::run({"readelf", "-W", "-h", "-l", "-d", base});
    EXPECT_EQ(re.status, 0) << base;
    EXPECT_EQ(re.err, "") << base;
  }
}

// Many files in one run, with --json: one error line per bad file in order,
// the good file is still reported, the exit status is 3.
TEST(BadInput, BadFilesAmongGoodOnesAreReportedOneLineEach) {
  std::vector<BadFile> files = manifest();
  std::string good = bad_dir() + "/base/prog-s390x";
  std::vector<std::string> args{"--json", good};
  for (const BadFile& b : files) args.push_back(bad_dir() + "/" + b.name);
  test::RunResult r = inspect(args);
  EXPECT_EQ(r.status, 3);
  std::vector<std::string> lines = test::lines(r.err);
  EXPECT_EQ(lines.size(), files.size());
  for (size_t i = 0; i < lines.size() && i < files.size(); ++i)
    EXPECT_EQ(lines[i].rfind("shelf: " + bad_dir() + "/" + files[i].name + ": ", 0), 0u) << lines[i];
  nlohmann::json out = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(out.is_array()) << r.out;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["path"], good);
}

// An edit validates what it reads exactly as inspect does: every file
// inspect refuses is refused by `shelf patch` too, with one line naming the
// file (never a temporary file of shelf's), exit 3, and not a byte changed.
// (An interpreter offset past its segment used to be refused by inspect
// and --print-interpreter but edited by --set-rpath, the result naming
// `_finalize` as its interpreter.)
TEST(BadInput, EditsRefuseEveryFileInspectRefuses) {
  std::string dir = test::make_temp_dir("bad-edits");
  size_t tried = 0;
  // One class per byte order keeps the run short under ASan (every edit
  // goes through the same input check, so the other bases add nothing).
  auto chosen = [](const std::string& name) {
    return name.find("--") == std::string::npos || name.starts_with("prog-x86_64--") ||
           name.starts_with("lib-x86_64.so--") || name.starts_with("base-ppc32be--") ||
           name.starts_with("prog-s390x--");
  };
  for (const BadFile& bad : manifest()) {
    std::string source = bad_dir() + "/" + bad.name;
    if (!fs::is_regular_file(source) || !chosen(bad.name)) continue;
    std::string copy = dir + "/" + bad.name;
    fs::copy_file(source, copy, fs::copy_options::overwrite_existing);
    std::ifstream in(copy, std::ios::binary);
    std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::vector<std::string>> edits{{"--set-rpath", "/x"}};
    if (bad.name.starts_with("prog-x86_64--")) edits.push_back({"--set-os-abi", "linux"});  // touches no table
    for (const std::vector<std::string>& edit : edits) {
      std::vector<std::string> argv{"timeout", "60", test::shelf_bin(), "patch"};
      argv.insert(argv.end(), edit.begin(), edit.end());
      argv.push_back(copy);
      test::RunResult r = test::run(argv);
      SCOPED_TRACE(bad.name + " " + edit[0] + "\nstderr: " + r.err);
      EXPECT_EQ(r.status, 3);
      std::vector<std::string> lines = test::lines(r.err);
      ASSERT_EQ(lines.size(), 1u);
      EXPECT_EQ(lines[0].rfind("shelf: " + copy + ": ", 0), 0u);
      EXPECT_EQ(lines[0].find(".shelf-"), std::string::npos) << "names a temporary file";
      std::ifstream again(copy, std::ios::binary);
      EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()), before);
    }
    ++tried;
  }
  EXPECT_GE(tried, 60u);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".shelf-"), std::string::npos) << "left behind: " << e.path();
}

// A missing file is bad input too, with the system's reason.
TEST(BadInput, MissingFileIsOneLineAndExit3) {
  std::string path = bad_dir() + "/no-such-file";
  test::RunResult r = inspect({path});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "shelf: " + path + ": No such file or directory\n");
}

}  // namespace

namespace {

// A file name can hold any byte but '/' and NUL: a newline or an escape
// sequence in it must not split the error line or reach the terminal.
TEST(BadInput, ControlBytesInANameAreEscapedOnTheErrorLine) {
  std::string path = bad_dir() + "/no\nsuch\x1b[2Jfile\x7f";
  test::RunResult r = inspect({path});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "shelf: " + bad_dir() + "/no\\nsuch\\x1b[2Jfile\\x7f: No such file or directory\n");
}

}  // namespace
