// The freestanding launcher itself (src/wrap/launcher): what the file is
// made of (checked with readelf, independent of shelf's ELF reader), and
// how it fails on a corrupt or hostile configuration or a target it
// cannot run: one line on stderr, status 127 (126), never a crash.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>

#include "launcher_support.h"
#include "seen.h"
#include "support/paths.h"
#include "wrap/launcher/blob_format.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

void write_program(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

// The blob format written here by hand (not with shelf's encoder), so
// the corrupt cases are exactly the bytes the test says.
std::string u32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
std::string u64(uint64_t v) { return u32(static_cast<uint32_t>(v)) + u32(static_cast<uint32_t>(v >> 32)); }
std::string record(uint32_t kind, const std::vector<std::string>& fields) {
  std::string r = u32(kind) + u32(static_cast<uint32_t>(fields.size()));
  for (const std::string& f : fields) r += u32(static_cast<uint32_t>(f.size())) + f;
  return r;
}
std::string trailer(uint64_t size, uint32_t version = SHELF_BLOB_VERSION, const std::string& magic = "SHELFWR1") {
  return u64(size) + u32(version) + u32(0) + magic;
}
std::string blob(const std::string& records) { return records + trailer(records.size()); }

TEST(WrapLauncher, IsSmallStaticWithoutInterpreterOrLibraries) {
  ASSERT_TRUE(require_tool("readelf", "binutils"));
  EXPECT_LT(fs::file_size(launcher_path()), 16u * 1024) << "the launcher should be a few KB";
  const std::map<std::string, std::string> c_locale = {{"LC_ALL", "C"}};
  RunResult header = run({"readelf", "-hW", launcher_path()}, c_locale);
  ASSERT_EQ(header.status, 0) << header.err;
  EXPECT_NE(header.out.find("EXEC (Executable file)"), std::string::npos) << header.out;
  RunResult segments = run({"readelf", "-lW", launcher_path()}, c_locale);
  ASSERT_EQ(segments.status, 0) << segments.err;
  EXPECT_EQ(segments.out.find("INTERP"), std::string::npos) << segments.out;
  EXPECT_EQ(segments.out.find("DYNAMIC"), std::string::npos) << segments.out;
  // No writable globals (launcher/context.h): one loaded segment, read-only.
  std::vector<std::string> loads;
  for (const std::string& l : lines(segments.out))
    if (l.find("LOAD") != std::string::npos) loads.push_back(l);
  ASSERT_EQ(loads.size(), 1u) << segments.out;
  EXPECT_EQ(loads[0].find(" RW"), std::string::npos) << loads[0];
  RunResult dynamic = run({"readelf", "-dW", launcher_path()}, c_locale);
  ASSERT_EQ(dynamic.status, 0) << dynamic.err;
  EXPECT_EQ(dynamic.out.find("(NEEDED)"), std::string::npos) << dynamic.out;
}

TEST(WrapLauncher, CorruptConfigurationsGiveOneLineAndStatus127) {
  std::string dir = make_temp_dir("wrap-launcher-corrupt");
  const std::string target = record(SHELF_STEP_TARGET, {printargs()});
  struct Case {
    std::string name, tail, says;
  };
  const std::vector<Case> cases = {
      {"no configuration", "", "no wrapper configuration"},
      {"other magic", trailer(0, SHELF_BLOB_VERSION, "SHELFWR9"), "no wrapper configuration"},
      {"other version", target + trailer(target.size(), 2), "unknown version"},
      {"size past the file", target + trailer(1u << 20), "larger than the file"},
      {"size 2^64-1", target + trailer(~uint64_t{0}), "larger than the file"},
      {"no records", trailer(0), "names no target"},
      {"first record is not the target", blob(record(SHELF_STEP_SET, {"A", "b"}) + target), "names no target"},
      {"unknown kind", blob(target + record(99, {})), "malformed record"},
      {"kind 0", blob(record(0, {})), "malformed record"},
      {"wrong field count", blob(target + record(SHELF_STEP_SET, {"A"})), "malformed record"},
      {"header cut short", blob(target + u32(SHELF_STEP_SET)), "truncated"},
      {"field length cut short", blob(target + u32(SHELF_STEP_SET) + u32(2) + "\x01"), "truncated"},
      {"field longer than the configuration", blob(target + u32(SHELF_STEP_SET) + u32(2) + u32(0xffffffff) + "A"),
       "truncated"},
      {"second target", blob(target + target), "cannot run: target"},
      {"shell-only step", blob(target + record(SHELF_STEP_RUN, {"echo hi"})), "cannot run: --run"},
      {"variable name with =", blob(target + record(SHELF_STEP_SET, {"A=B", "v"})),
       "cannot set an environment variable: A=B"},
      {"empty variable name", blob(target + record(SHELF_STEP_PREFIX, {"", ":", "v"})),
       "cannot set an environment variable: Invalid argument"},
  };
  const std::string base = slurp(launcher_path());
  for (const Case& c : cases) {
    std::string w = dir + "/w";
    write_program(w, base + c.tail);
    RunResult r = run({w});
    EXPECT_EQ(r.status, 127) << c.name << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.name;
    expect_one_line(r, w, c.name);
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.name << ": " << r.err;
  }
}

TEST(WrapLauncher, RandomlyDamagedConfigurationsNeverCrashIt) {
  std::string dir = make_temp_dir("wrap-launcher-fuzz");
  const std::string good =
      blob(record(SHELF_STEP_TARGET, {printargs()}) + record(SHELF_STEP_SET, {"T_A", "b"}) +
           record(SHELF_STEP_PREFIX, {"T_P", ":", "x:y"}) + record(SHELF_STEP_ADD_FLAG, {"f"}) +
           record(SHELF_STEP_ARGV0, {"n"}) + record(SHELF_STEP_CHDIR, {"/"}) + record(SHELF_STEP_APPEND_FLAG, {"z"}));
  const std::string base = slurp(launcher_path());
  std::mt19937 rng(7);
  int failed_cleanly = 0;
  for (int round = 0; round < 300; ++round) {
    std::string tail = good;
    for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
      size_t at = rng() % tail.size();
      tail[at] = rng() % 3 ? static_cast<char>(rng()) : static_cast<char>(tail[at] ^ (1 << (rng() % 8)));
    }
    if (rng() % 5 == 0) tail.erase(rng() % (tail.size() - SHELF_BLOB_TRAILER_SIZE), 1 + rng() % 16);
    std::string w = dir + "/w";
    write_program(w, base + tail);
    RunResult r = run({w});
    // 0: the damage left a valid configuration and printargs ran; 126 or
    // 127: refused, or the target it now names cannot be executed.
    ASSERT_TRUE(r.status == 0 || r.status == 126 || r.status == 127) << "round " << round << ": status "
                                                                        << r.status << " " << r.err;
    if (r.status != 0) {
      expect_one_line(r, w, "round " + std::to_string(round));
      ++failed_cleanly;
    }
  }
  EXPECT_GT(failed_cleanly, 100);
}

TEST(WrapLauncher, TargetThatCannotRunGivesOneLine) {
  std::string dir = make_temp_dir("wrap-launcher-exec");
  fs::copy_file(printargs(), dir + "/prog");
  make_wrapper(Kind::binary, dir + "/prog", dir + "/w", {});
  fs::permissions(dir + "/prog", fs::perms::owner_read | fs::perms::owner_write);
  RunResult denied = run({dir + "/w"});
  EXPECT_EQ(denied.status, 126) << denied.err;
  expect_one_line(denied, dir + "/w", "not executable");
  EXPECT_NE(denied.err.find("cannot execute " + dir + "/prog: Permission denied"), std::string::npos) << denied.err;
  // A name holding a newline and an escape byte still gives one line,
  // with the bytes shown as C escapes (as shelf's own errors show them).
  const std::string odd = dir + "/odd\nname\x1b[31m";
  fs::copy_file(printargs(), odd);
  make_wrapper(Kind::binary, odd, dir + "/o", {});
  fs::permissions(odd, fs::perms::owner_read | fs::perms::owner_write);
  RunResult escaped = run({dir + "/o"});
  EXPECT_EQ(escaped.status, 126) << escaped.err;
  expect_one_line(escaped, dir + "/o", "odd name");
  EXPECT_NE(escaped.err.find("cannot execute " + dir + "/odd\\nname\\x1b[31m: Permission denied"),
            std::string::npos)
      << escaped.err;
  fs::remove(dir + "/prog");
  RunResult missing = run({dir + "/w"});
  EXPECT_EQ(missing.status, 127) << missing.err;
  EXPECT_NE(missing.err.find("No such file or directory"), std::string::npos) << missing.err;
  make_wrapper(Kind::binary, printargs(), dir + "/c", {"--chdir", dir + "/gone"});
  RunResult no_dir = run({dir + "/c"});
  EXPECT_EQ(no_dir.status, 127);
  expect_one_line(no_dir, dir + "/c", "chdir");
  EXPECT_NE(no_dir.err.find("cannot change directory to " + dir + "/gone: No such file or directory"),
            std::string::npos)
      << no_dir.err;
}

}  // namespace
}  // namespace shelf::test
