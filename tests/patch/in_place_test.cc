// In-place edits: how many bytes change, that the size never does, that a
// repeated edit changes nothing, files without section headers, and the
// bytes an in-place edit of a large file writes.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "patch_support.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

struct Edit {
  std::string path;
  std::vector<uint8_t> before;
};

Edit patch_copy(const std::string& fixture, const std::string& dir, const std::vector<std::string>& args) {
  Edit e{copy_file(fixture, dir, std::filesystem::path(fixture).filename().string()), read_bytes(fixture)};
  std::vector<std::string> argv{"patch"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(e.path);
  RunResult r = shelf(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_bytes(e.path).size(), e.before.size());
  return e;
}

std::string placeholder_rpath() {
  return "/nonexistent/shelf-placeholder/directory/that/is/quite/long/on/purpose:$ORIGIN/lib";
}

TEST(PatchInPlace, ShorterRunpathChangesOnlyItsOwnBytes) {
  std::string dir = make_temp_dir("inplace-rpath");
  Edit e = patch_copy(patch_fixture("prog-runpath"), dir, {"--set-rpath", "$ORIGIN/lib"});
  uint64_t changed = bytes_differing(e.before, read_bytes(e.path));
  EXPECT_GT(changed, 0u);
  // The old string is cleared (no stale path) and one d_val rewritten.
  EXPECT_LE(changed, placeholder_rpath().size() + 8);
  EXPECT_EQ(shelf({"patch", "--print-rpath", e.path}).out, "$ORIGIN/lib\n");
  std::string all(e.before.begin(), e.before.end()), now;
  for (uint8_t b : read_bytes(e.path)) now.push_back(static_cast<char>(b));
  EXPECT_NE(all.find("shelf-placeholder"), std::string::npos);
  EXPECT_EQ(now.find("shelf-placeholder"), std::string::npos) << "the dropped path must not stay in the file";
}

TEST(PatchInPlace, HeaderFieldEditsWriteSingleBytes) {
  std::string dir = make_temp_dir("inplace-header");
  Edit abi = patch_copy(patch_fixture("prog-runpath"), dir, {"--set-os-abi", "linux"});
  EXPECT_EQ(bytes_differing(abi.before, read_bytes(abi.path)), 1u);
  EXPECT_EQ(shelf({"patch", "--print-os-abi", abi.path}).out, "Linux\n");

  std::string stack_fixture = arch_fixture("x86_64", "hello-execstack");
  Edit clear = patch_copy(stack_fixture, dir, {"--clear-execstack"});
  EXPECT_EQ(bytes_differing(clear.before, read_bytes(clear.path)), 1u);
  RunResult l = run({"readelf", "-lW", clear.path});
  EXPECT_EQ(l.out.find("RWE"), std::string::npos) << "GNU_STACK keeps PF_X";
  // Setting it again restores the original file exactly.
  ASSERT_EQ(shelf({"patch", "--set-execstack", clear.path}).status, 0);
  EXPECT_EQ(read_bytes(clear.path), clear.before);
}

TEST(PatchInPlace, ShorterInterpreterStaysInItsSlot) {
  std::string dir = make_temp_dir("inplace-interp");
  Edit e = patch_copy(patch_fixture("prog-nopie"), dir, {"--set-interpreter", "/lib/ld.so"});
  EXPECT_LE(bytes_differing(e.before, read_bytes(e.path)), std::string("/lib64/ld-linux-x86-64.so.2").size());
  EXPECT_NE(interpreter_line(e.path).find("[Requesting program interpreter: /lib/ld.so]"), std::string::npos);
}

TEST(PatchInPlace, RepeatingAnEditChangesNothing) {
  std::string dir = make_temp_dir("inplace-twice");
  std::vector<std::string> args{"--set-rpath", "$ORIGIN/lib", "--set-interpreter", "/lib/ld.so",
                                "--remove-needed", "libc.so.6", "--no-default-lib", "--set-os-abi", "linux"};
  Edit e = patch_copy(patch_fixture("prog-rpath"), dir, args);
  std::vector<uint8_t> once = read_bytes(e.path);
  struct stat first{}, second{};
  ASSERT_EQ(stat(e.path.c_str(), &first), 0);
  std::vector<std::string> argv{"patch"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(e.path);
  ASSERT_EQ(shelf(argv).status, 0);
  ASSERT_EQ(stat(e.path.c_str(), &second), 0);
  EXPECT_EQ(read_bytes(e.path), once);
  EXPECT_EQ(first.st_ino, second.st_ino) << "an edit that changes nothing must not rewrite the file";
  EXPECT_EQ(first.st_mtim.tv_nsec, second.st_mtim.tv_nsec);
}

TEST(PatchInPlace, SpareDynamicSlotsTakeNewTags) {
  std::string dir = make_temp_dir("inplace-slots");
  // Removing a NEEDED frees a slot (the table is compacted, as patchelf
  // does); new tags then take free slots, one entry written per tag.
  std::string lib = copy_file(patch_fixture("lib/libpgreet.so.1"), dir, "lib.so");
  ASSERT_EQ(shelf({"patch", "--remove-needed", "libc.so.6", lib}).status, 0);
  for (const char* option : {"--add-debug-tag", "--no-default-lib"}) {
    std::vector<uint8_t> before = read_bytes(lib);
    RunResult r = shelf({"patch", option, lib});
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<uint8_t> after = read_bytes(lib);
    EXPECT_EQ(after.size(), before.size()) << option;
    EXPECT_GT(bytes_differing(before, after), 0u) << option;
    EXPECT_LE(bytes_differing(before, after), 2 * 8u) << option << ": one dynamic entry written";
  }
  EXPECT_NE(dynamic_listing(lib).find("(DEBUG)"), std::string::npos);
  EXPECT_NE(dynamic_listing(lib).find("NODEFLIB"), std::string::npos);
}

TEST(PatchInPlace, FilesWithoutSectionHeadersAreEditedThroughSegments) {
  std::string dir = make_temp_dir("inplace-nosections");
  std::filesystem::create_directory_symlink(std::filesystem::path(patch_fixture("lib")), dir + "/lib");
  Edit e = patch_copy(patch_fixture("prog-nosections"), dir, {"--set-rpath", "$ORIGIN/lib", "--set-os-abi", "linux"});
  EXPECT_LE(bytes_differing(e.before, read_bytes(e.path)), placeholder_rpath().size() + 9);
  RunResult ran = run({e.path, "nosections"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, nosections, from libpgreet\n");
  EXPECT_EQ(shelf({"patch", "--print-rpath", e.path}).out, "$ORIGIN/lib\n");
}

}  // namespace
}  // namespace shelf::test

namespace shelf::test {
namespace {

// --shrink-rpath keeps relative entries and the absolute directories that
// hold a NEEDED library; --allowed-rpath-prefixes drops the others. Checked
// against patchelf on the same file.
TEST(PatchInPlace, ShrinkRpathKeepsDirectoriesHoldingLibraries) {
  if (!require_tool("patchelf", "patchelf")) return;
  std::string dir = make_temp_dir("inplace-shrink");
  std::string empty = dir + "/empty", libs = dir + "/libs";
  std::filesystem::create_directories(empty);
  std::filesystem::create_directories(libs);
  copy_file(patch_fixture("lib/libpgreet.so.1"), libs, "libpgreet.so.1");
  std::string prog = copy_file(patch_fixture("prog-runpath"), dir, "prog");
  std::string rpath = empty + ":" + libs + ":$ORIGIN/lib";
  ASSERT_EQ(shelf({"patch", "--set-rpath", rpath, prog}).status, 0);
  for (std::vector<std::string> extra : std::vector<std::vector<std::string>>{{}, {"--allowed-rpath-prefixes", empty}}) {
    std::string ours = copy_file(prog, dir, "ours"), theirs = copy_file(prog, dir, "theirs");
    std::vector<std::string> a{"patch", "--shrink-rpath"}, b{"patchelf", "--shrink-rpath"};
    a.insert(a.end(), extra.begin(), extra.end());
    b.insert(b.end(), extra.begin(), extra.end());
    a.push_back(ours);
    b.push_back(theirs);
    ASSERT_EQ(shelf(a).status, 0);
    ASSERT_EQ(run(b).status, 0);
    std::string got = shelf({"patch", "--print-rpath", ours}).out;
    EXPECT_EQ(got, run({"patchelf", "--print-rpath", theirs}).out);
    EXPECT_EQ(got, extra.empty() ? libs + ":$ORIGIN/lib\n" : "$ORIGIN/lib\n");
    EXPECT_EQ(read_bytes(ours).size(), read_bytes(prog).size());
  }
}

// --in-place with an edit that grows the file: the inode is kept and every
// hard link sees the grown, working program.
TEST(PatchInPlace, InPlaceModeAlsoCarriesGrowingEdits) {
  std::string dir = make_temp_dir("inplace-grow");
  std::filesystem::create_directory_symlink(std::filesystem::path(patch_fixture("lib")), dir + "/lib");
  std::string a = copy_file(patch_fixture("prog-runpath"), dir, "a");
  std::filesystem::create_hard_link(a, dir + "/b");
  struct stat before{};
  ASSERT_EQ(stat(a.c_str(), &before), 0);
  RunResult r = shelf({"patch", "--in-place", "--set-rpath", "$ORIGIN/lib:" + std::string(400, 'h'), a});
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat after{};
  ASSERT_EQ(stat((dir + "/b").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_GT(after.st_size, before.st_size);
  RunResult ran = run({dir + "/b", "linked"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, linked, from libpgreet\n");
}

}  // namespace
}  // namespace shelf::test

namespace shelf::test {
namespace {

// Bytes returned by the write-family calls in an `strace -o` log: what the
// traced processes wrote, or had the kernel copy, into any file.
uint64_t bytes_written(const std::string& log) {
  uint64_t sum = 0;
  for (const std::string& line : lines(run({"cat", log}).out)) {
    size_t eq = line.rfind(" = ");
    if (eq == std::string::npos || line.find("resumed") != std::string::npos) continue;
    std::string result = line.substr(eq + 3);
    if (!result.empty() && isdigit(static_cast<unsigned char>(result[0]))) sum += std::stoull(result);
  }
  return sum;
}

// An edit that fits writes a few bytes whatever the file's size: a program
// made 64 MiB large by a non-loaded section, edited with --in-place under
// strace, every byte the process writes or copies counted.
TEST(PatchInPlace, InPlaceEditOfALargeFileWritesAtMostAPage) {
  if (!require_tool("strace", "strace") || !require_tool("objcopy", "binutils")) return;
  std::string dir = make_temp_dir("inplace-large");
  std::filesystem::create_directory_symlink(std::filesystem::path(patch_fixture("lib")), dir + "/lib");
  {
    std::ofstream blob(dir + "/blob", std::ios::binary);
    std::vector<char> chunk(1 << 20, '\x5a');
    for (int i = 0; i < 64; ++i) blob.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  }
  std::string big = dir + "/big";
  RunResult o = run({"objcopy", "--add-section", ".blob=" + dir + "/blob", patch_fixture("prog-runpath"), big});
  ASSERT_EQ(o.status, 0) << o.err;
  std::vector<uint8_t> before = read_bytes(big);
  ASSERT_GE(before.size(), 50u << 20);
  struct stat first{};
  ASSERT_EQ(stat(big.c_str(), &first), 0);

  std::string log = dir + "/strace.log";
  RunResult r = run({"strace", "-f", "-qq", "-e", "signal=none", "-e",
                     "trace=write,pwrite64,writev,pwritev,pwritev2,copy_file_range,sendfile,splice", "-o", log,
                     shelf_bin(), "patch", "--in-place", "--set-rpath", "$ORIGIN/lib", big});
  ASSERT_EQ(r.status, 0) << r.err;
  uint64_t written = bytes_written(log);
  EXPECT_GT(written, 0u);
  EXPECT_LE(written, 4096u) << "an in-place edit of a " << before.size() << "-byte file";

  struct stat second{};
  ASSERT_EQ(stat(big.c_str(), &second), 0);
  EXPECT_EQ(second.st_ino, first.st_ino);
  std::vector<uint8_t> after = read_bytes(big);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_LE(bytes_differing(before, after), placeholder_rpath().size() + 8);
  EXPECT_EQ(run({"patchelf", "--print-rpath", big}).out, "$ORIGIN/lib\n");
  RunResult ran = run({big, "large"});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello, large, from libpgreet\n");
}

// --sync waits for the disk: the result is fsync'ed (the new file before its
// rename, the inode after an in-place edit); without it nothing is, as with
// patchelf. Counted with strace on the same edit in both output modes.
TEST(PatchInPlace, SyncOptionFsyncsTheResultAndOnlyThen) {
  if (!require_tool("strace", "strace") || !require_tool("patchelf", "patchelf")) return;
  std::string dir = make_temp_dir("sync");
  auto syncs = [&](std::vector<std::string> options) {
    std::string file = dir + "/prog", log = dir + "/strace.log";
    std::filesystem::copy_file(patch_fixture("prog-runpath"), file,
                               std::filesystem::copy_options::overwrite_existing);
    std::vector<std::string> argv = {"strace", "-f", "-qq", "-e", "signal=none", "-e",
                                     "trace=fsync,fdatasync,sync,syncfs,sync_file_range", "-o", log, shelf_bin(),
                                     "patch"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"--set-rpath", "/a/much/longer/runpath/than/the/one/the/fixture/has/" +
                                                std::string(200, 'x'), file});
    RunResult r = run(argv);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(run({"patchelf", "--print-rpath", file}).out.substr(0, 8), "/a/much/");
    size_t calls = 0;
    for (const std::string& line : lines(run({"cat", log}).out))
      if (line.find("sync") != std::string::npos && line.find(" = 0") != std::string::npos) ++calls;
    return calls;
  };
  EXPECT_EQ(syncs({}), 0u);
  EXPECT_EQ(syncs({"--in-place"}), 0u);
  EXPECT_EQ(syncs({"--sync"}), 1u);
  EXPECT_EQ(syncs({"--sync", "--in-place"}), 1u);
}

}  // namespace
}  // namespace shelf::test
