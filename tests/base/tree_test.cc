// base::Tree: paths found inside a tree are resolved beneath it. Links that
// stay inside are followed, links that leave (absolute, or `..` above the
// root) are refused for every operation, and operations on a link act on
// the link. Every case runs twice: with openat2 and with the component
// walk that stands in for it on kernels before 5.6. Everything happens in
// the test's own temporary directories.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/tree.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class TreeTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    base::use_openat2_for_testing(GetParam());
    outside = make_temp_dir("tree-outside");
    write(outside + "/secret", "secret\n");
    root = make_temp_dir("tree-root");
    write(root + "/usr/lib/libfoo.so.1", "foo\n");
    fs::create_symlink("libfoo.so.1", root + "/usr/lib/libfoo.so");
    fs::create_symlink("usr/lib", root + "/lib");                  // inside
    fs::create_symlink(outside, root + "/abs");                    // absolute: out
    fs::create_symlink("../../../../../../../../../../.." + outside, root + "/up");  // climbs out
    fs::create_symlink("usr/../..", root + "/sneaky");             // out through '..' after a name
    fs::create_symlink("loop2", root + "/loop1");
    fs::create_symlink("loop1", root + "/loop2");
  }
  void TearDown() override { base::use_openat2_for_testing(true); }

  // The error kind of `f`, or nullopt when it succeeds.
  template <typename F>
  std::optional<base::Error::Kind> failure(F&& f) {
    try {
      f();
    } catch (const base::Error& e) {
      return e.kind();
    }
    return std::nullopt;
  }

  std::string root, outside;
};

TEST_P(TreeTest, LinksInsideAreFollowedLinksOutAreRefused) {
  base::Tree t(root);
  EXPECT_EQ(t.resolve("lib/libfoo.so", true), "usr/lib/libfoo.so.1");
  EXPECT_EQ(t.resolve("lib/libfoo.so", false), "usr/lib/libfoo.so");
  EXPECT_EQ(t.resolve("usr/lib/../lib/./libfoo.so.1", true), "usr/lib/libfoo.so.1");
  EXPECT_EQ(t.resolve("abs", false), "abs") << "the link itself may be named";
  for (const std::string rel : {"abs/secret", "up/secret", "sneaky", "abs", "up", "..", "usr/../../x"})
    EXPECT_EQ(failure([&] { t.resolve(rel, true); }), base::Error::Kind::bad_input) << rel;
  EXPECT_EQ(failure([&] { t.resolve("loop1", true); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.resolve("usr/missing/x", true); }), base::Error::Kind::not_found);
  base::UniqueFd fd = t.open("lib/libfoo.so", O_RDONLY);
  char buf[8] = {};
  EXPECT_EQ(::read(fd.get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "foo\n");
  EXPECT_EQ(failure([&] { t.open("abs/secret", O_RDONLY); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.open("up/secret", O_RDWR); }), base::Error::Kind::bad_input);
  // open_resolved never follows a link, not even the last component.
  EXPECT_EQ(failure([&] { t.open_resolved("usr/lib/libfoo.so", O_RDONLY); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.open_resolved("lib/libfoo.so.1", O_RDONLY); }), base::Error::Kind::bad_input);
}

TEST_P(TreeTest, WritesNeverGoThroughALinkOut) {
  base::Tree t(root, "$out");
  EXPECT_EQ(failure([&] { t.write_file("abs/secret", "owned\n", 0644); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.write_file("up/new", "owned\n", 0644); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.make_directories("abs/sub"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.make_directories("up"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.remove_all("abs/secret"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.rename("abs/secret", "stolen"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.rename("usr", "abs/usr"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(failure([&] { t.hard_link("abs/secret", "stolen"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(read(outside + "/secret"), "secret\n");
  EXPECT_EQ(fs::directory_iterator(outside)->path().filename(), "secret");
  // Inside, through an inside link: fine.
  t.make_directories("lib/sub/dir");
  EXPECT_TRUE(fs::is_directory(root + "/usr/lib/sub/dir"));
  t.write_file("lib/sub/file", "hello\n", 0640);
  EXPECT_EQ(read(root + "/usr/lib/sub/file"), "hello\n");
  EXPECT_EQ(fs::status(root + "/usr/lib/sub/file").permissions(), fs::perms(0640));
  // Writing at a link's name replaces the link, never its target.
  t.write_file("abs", "a file now\n", 0644);
  EXPECT_FALSE(fs::is_symlink(root + "/abs"));
  EXPECT_EQ(read(root + "/abs"), "a file now\n");
  EXPECT_EQ(read(outside + "/secret"), "secret\n");
}

TEST_P(TreeTest, RemovingAndMovingALinkActsOnTheLink) {
  base::Tree t(root);
  t.remove_all("up");
  EXPECT_FALSE(fs::exists(fs::symlink_status(root + "/up")));
  t.rename("abs", "moved");
  EXPECT_TRUE(fs::is_symlink(root + "/moved"));
  t.remove_all("moved");
  EXPECT_EQ(read(outside + "/secret"), "secret\n");
  // A read-only directory tree goes whole.
  write(root + "/ro/a/b", "x");
  fs::permissions(root + "/ro/a", fs::perms(0555));
  fs::permissions(root + "/ro", fs::perms(0555));
  t.remove_all("ro");
  EXPECT_FALSE(fs::exists(root + "/ro"));
  EXPECT_EQ(failure([&] { t.rename("usr", "lib"); }), base::Error::Kind::conflict) << "no replacing without asking";
}

TEST_P(TreeTest, GlobMatchesEntriesAndNeverDescendsOut) {
  base::Tree t(root);
  write(root + "/usr/lib/.hidden", "");
  EXPECT_EQ(t.glob("usr/lib/*"), (std::vector<std::string>{"usr/lib/libfoo.so", "usr/lib/libfoo.so.1"}));
  EXPECT_EQ(t.glob("lib/libfoo.so*"), (std::vector<std::string>{"lib/libfoo.so", "lib/libfoo.so.1"}));
  EXPECT_EQ(t.glob("usr/lib/.h*"), std::vector<std::string>{"usr/lib/.hidden"});
  EXPECT_EQ(t.glob("abs/*"), std::vector<std::string>{});
  EXPECT_EQ(t.glob("up/secret"), std::vector<std::string>{});
  EXPECT_EQ(t.glob("*/secret"), std::vector<std::string>{});
  std::vector<std::string> top = t.glob("*");
  EXPECT_NE(std::find(top.begin(), top.end(), "abs"), top.end()) << "the link itself matches";
}

TEST_P(TreeTest, CopyKeepsLinksAsLinks) {
  std::string dest = make_temp_dir("tree-dest");
  base::Tree from(root), to(dest);
  base::copy_entry(from, "abs", to, "abs");
  EXPECT_EQ(fs::read_symlink(dest + "/abs"), outside);
  base::copy_entry(from, "usr", to, "usr");
  EXPECT_EQ(read(dest + "/usr/lib/libfoo.so.1"), "foo\n");
  EXPECT_EQ(fs::read_symlink(dest + "/usr/lib/libfoo.so"), "libfoo.so.1");
  // Copying into the copied link: refused.
  EXPECT_EQ(failure([&] { base::copy_entry(from, "usr", to, "abs/usr"); }), base::Error::Kind::bad_input);
  EXPECT_EQ(fs::directory_iterator(outside)->path().filename(), "secret");
}

INSTANTIATE_TEST_SUITE_P(Resolution, TreeTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? std::string("openat2") : std::string("walk"); });

}  // namespace
}  // namespace shelf::test
