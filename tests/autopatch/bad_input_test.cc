// Bad input: a truncated ELF file in the tree, a broken .note.dlopen, a
// dependency that is not a directory. One line naming the file and what is
// wrong, exit 3, nothing written.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "autopatch_env.h"
#include "support/paths.h"

namespace shelf::test::autopatch {
namespace {

namespace fs = std::filesystem;

class AutopatchBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tools());
    scratch_ = make_temp_dir("autopatch-bad");
    glibc64_ = make_glibc(scratch_ + "/store", Arch::kX86_64);
  }

  std::string good_tree(const std::string& name) {
    std::string t = scratch_ + "/" + name;
    copy(fixture("vendor/bin/app64"), t + "/bin/app64");
    copy(fixture("vendor/lib/libcore.so.1"), t + "/lib/libcore.so.1");
    copy(fixture("vendor/lib/util"), t + "/lib/util");
    return t;
  }

  void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  // One line "shelf: FILE: ...", exit 3, the tree as it was.
  void expect_refused(const std::string& tree, const std::vector<std::string>& args,
                      const std::string& named) {
    auto before = snapshot(tree);
    RunResult r = autopatch(args);
    EXPECT_EQ(r.status, 3) << r.out << r.err;
    ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("shelf: " + named + ": ", 0), 0u) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(snapshot(tree) == before) << "the tree changed";
  }

  std::string scratch_, glibc64_;
};

TEST_F(AutopatchBadInput, ATruncatedElfFileIsNamedAndNothingIsWritten) {
  std::string whole = read_bytes(fixture("vendor/lib/libcore.so.1"));
  // Cut inside the ELF header, inside the program headers, and before the
  // section headers at the end of the file.
  for (size_t size : {size_t{4}, size_t{40}, size_t{100}, whole.size() / 2, whole.size() - 1}) {
    std::string t = good_tree("trunc-" + std::to_string(size));
    std::string broken = t + "/lib/libbroken.so.1";
    write(broken, whole.substr(0, size));
    SCOPED_TRACE("truncated to " + std::to_string(size) + " bytes");
    expect_refused(t, {t, "--deps", glibc64_}, broken);
  }
}

TEST_F(AutopatchBadInput, ABrokenDlopenNoteIsNamed) {
  std::string t = good_tree("note");
  std::string bytes = read_bytes(fixture("dlopen/app_note"));
  size_t at = bytes.find("[{\"feature\"");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '!';  // no longer a JSON array
  std::string app = t + "/bin/app_note";
  write(app, bytes);
  copy(fixture("dlopen/libloader.so.1"), t + "/lib/libloader.so.1");
  expect_refused(t, {t, "--deps", glibc64_}, app);
}

TEST_F(AutopatchBadInput, ADependencyThatIsNotADirectoryIsNamed) {
  std::string t = good_tree("dep");
  std::string file = scratch_ + "/not-a-dir";
  write(file, "text");
  expect_refused(t, {t, "--deps", glibc64_, file}, file);
  expect_refused(t, {t, "--deps", glibc64_, scratch_ + "/missing"}, scratch_ + "/missing");
}

TEST_F(AutopatchBadInput, NoTreeIsAUsageError) {
  RunResult r = autopatch({scratch_ + "/none", "--deps", glibc64_});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(scratch_ + "/none"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace shelf::test::autopatch
