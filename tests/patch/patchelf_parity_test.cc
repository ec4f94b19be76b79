// patchelf 0.19's remaining behaviour (issue 11 part 4) besides the
// resolution cache: files patchelf reads through their section headers.
// Debian's patchelf 0.14 reads these files the same way and is the
// independent reader here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

// A .dynamic section without PT_DYNAMIC (a linker script whose PHDRS leave
// it out): read and edited through the section, as patchelf does, not
// refused as a static file.
TEST(PatchelfParity, DynamicSectionWithoutPtDynamic) {
  if (!require_tool("patchelf", "patchelf")) return;
  std::string dir = make_temp_dir("parity-no-pt-dynamic");
  std::string file = copy_file(patch_fixture("edge/no-pt-dynamic"), dir, "prog");
  compare_with_patchelf({file});
  RunResult inspect = shelf({"inspect", file});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("libpgreet.so.1"), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("$ORIGIN/lib"), std::string::npos) << inspect.out;
  std::string longer = "/a/much/longer/run/path/than/the/one/the/linker/wrote/" + std::string(300, 'r');
  for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
    std::string copy = copy_file(file, dir, "edited");
    std::vector<std::string> args = {"patch", "--set-rpath", longer, "--add-needed", "libm.so.6"};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(copy);
    RunResult r = shelf(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(run({"patchelf", "--print-rpath", copy}).out, longer + "\n");
    EXPECT_EQ(run({"patchelf", "--print-needed", copy}).out, "libm.so.6\nlibpgreet.so.1\nlibc.so.6\n");
    compare_with_patchelf({copy});
    // A short run path fits in place.
    std::string shorter = copy_file(file, dir, "shorter");
    ASSERT_EQ(shelf({"patch", "--set-rpath", "/s", shorter}).status, 0);
    EXPECT_EQ(run({"patchelf", "--print-rpath", shorter}).out, "/s\n");
  }
}

// The symbol names of the dynamic symbols that are objects (readelf).
std::vector<std::string> object_symbols(const std::string& file) {
  std::vector<std::string> names;
  for (const std::string& line : lines(run({"readelf", "--dyn-syms", "-W", file}).out))
    if (line.find(" OBJECT ") != std::string::npos) names.push_back(line.substr(line.rfind(' ') + 1));
  return names;
}

// ld stores the imported variable `lib` as the tail of the RUNPATH string
// "$ORIGIN/lib" (patchelf issue 162: Debian's patchelf 0.14 renames the
// symbol when it shortens the run path). The shared bytes are never
// overwritten, and a grown run path leaves the name where it is, once.
TEST(PatchelfParity, RunpathSharingItsTailWithASymbolName) {
  if (!require_tool("patchelf", "patchelf") || !require_tool("readelf", "binutils")) return;
  std::string dir = make_temp_dir("parity-tail-merge");
  fs::create_directories(dir + "/L");
  fs::create_directories(dir + "/lib");
  copy_file(patch_fixture("tailmerge/lib/liblib.so"), dir + "/L", "liblib.so");
  copy_file(patch_fixture("tailmerge/lib/liblib.so"), dir + "/lib", "liblib.so");
  std::string original = copy_file(patch_fixture("tailmerge/prog"), dir, "original");
  ASSERT_EQ(object_symbols(original), std::vector<std::string>{"lib"});
  // The fixture really shares the bytes: patchelf 0.14 breaks it.
  std::string theirs = copy_file(original, dir, "theirs");
  ASSERT_EQ(run({"patchelf", "--set-rpath", "$ORIGIN/L", theirs}).status, 0);
  EXPECT_NE(object_symbols(theirs), std::vector<std::string>{"lib"});

  for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{{}, {"--in-place"}}) {
    std::string shorter = copy_file(original, dir, "shorter");
    std::vector<std::string> args = {"patch", "--set-rpath", "$ORIGIN/L"};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(shorter);
    ASSERT_EQ(shelf(args).status, 0);
    EXPECT_EQ(object_symbols(shorter), std::vector<std::string>{"lib"});
    EXPECT_EQ(run({"patchelf", "--print-rpath", shorter}).out, "$ORIGIN/L\n");
    EXPECT_EQ(run({shorter}).out, "lib=42\n");

    std::string grown = copy_file(original, dir, "grown");
    std::string longer = "$ORIGIN/lib:/" + std::string(300, 'g');
    args = {"patch", "--set-rpath", longer};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(grown);
    ASSERT_EQ(shelf(args).status, 0);
    EXPECT_EQ(object_symbols(grown), std::vector<std::string>{"lib"});
    EXPECT_EQ(run({grown}).out, "lib=42\n");
    // The dynamic string table holds the name once (still shared, or on
    // its own), and the old run path's text is gone but for that name.
    int alone = 0;
    for (const std::string& line : lines(run({"readelf", "-p", ".dynstr", grown}).out))
      if (line.size() > 3 && line.substr(line.size() - 5) == "  lib") ++alone;
    EXPECT_LE(alone, 1);
    std::vector<uint8_t> bytes = read_bytes(grown);
    std::string old_text = "$ORIGIN/lib";
    int copies = 0;
    for (auto it = std::search(bytes.begin(), bytes.end(), old_text.begin(), old_text.end()); it != bytes.end();
         it = std::search(it + 1, bytes.end(), old_text.begin(), old_text.end()))
      ++copies;
    EXPECT_EQ(copies, 1);  // the start of the new run path
  }
}

}  // namespace
}  // namespace shelf::test
