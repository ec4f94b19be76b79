// Base-32, hashes, NAR serialisation, reference scanning and content paths,
// each compared with what Nix's own tools (Debian's nix-bin) print for the
// same input.
#include <sys/socket.h>
#include <sys/un.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "store/base32.h"
#include "store/error.h"
#include "store/hash.h"
#include "store/nar.h"
#include "store/ref_scan.h"
#include "store/store_path.h"
#include "store_env.h"

namespace {

using namespace shelf;
using namespace shelf::test;
namespace fs = std::filesystem;

const char* kNixExperimental = "--extra-experimental-features";

std::string nar_of(const std::string& path) {
  store::StringSink sink;
  store::dump_path(path, sink);
  return sink.text;
}

// A tree with what NAR must get right: symlinks (relative, absolute,
// dangling, to a directory), executables, setuid bits (dropped), empty files
// and directories, sizes around the 8-byte padding, a file larger than the
// 1 MiB read chunk, and names that sort or encode unusually.
std::string make_odd_tree(const std::string& root) {
  std::string t = root + "/odd";
  write_file(t + "/empty", "");
  for (int n = 1; n <= 17; ++n) write_file(t + "/sizes/" + std::to_string(n), std::string(static_cast<size_t>(n), 'x'));
  write_file(t + "/bin/tool", "#!/bin/sh\necho tool\n", 0755);
  write_file(t + "/bin/only-user-x", "x", 0700);
  write_file(t + "/bin/group-x-only", "x", 0650);  // not executable for Nix: S_IXUSR decides
  write_file(t + "/setuid", "s", 04755);
  write_file(t + "/big", random_bytes(3 * 1024 * 1024 + 5, 7));
  fs::create_directories(t + "/empty-dir");
  fs::create_directories(t + "/deep/er/est");
  make_symlink("bin/tool", t + "/link-rel");
  make_symlink("/usr/bin/env", t + "/link-abs");
  make_symlink("does/not/exist", t + "/link-dangling");
  make_symlink("deep", t + "/link-dir");
  make_symlink(std::string(300, 'l'), t + "/link-long");
  for (const char* name : {"with space", "new\nline", "\xc3\xbcnic\xc3\xb6" "de", "-dash", "=eq", ".hidden", "UPPER",
                           "lower", "a", "a.b", "a-b", "a~", "tab\there", "q?mark", "back\\slash"})
    write_file(t + "/names/" + name, name);
  write_file(t + "/names/" + std::string(255, 'n'), "long name");
  return t;
}

struct NixTools {
  bool ok = require_tool("nix-store", "nix-bin") && require_tool("nix-hash", "nix-bin") && require_tool("nix", "nix-bin");
};

// NAR bytes and both hash forms equal Nix's for `path`.
void expect_same_as_nix(const std::string& path) {
  RunResult dump = run({"nix-store", "--dump", path});
  ASSERT_EQ(dump.status, 0) << dump.err;
  std::string ours = nar_of(path);
  EXPECT_EQ(ours.size(), dump.out.size()) << path;
  EXPECT_TRUE(ours == dump.out) << "NAR of " << path << " differs from nix-store --dump";

  store::NarDigest digest = store::hash_path(path);
  EXPECT_EQ(digest.size, dump.out.size());
  RunResult b32 = run({"nix-hash", "--type", "sha256", "--base32", path});
  ASSERT_EQ(b32.status, 0) << b32.err;
  EXPECT_EQ(digest.hash.base32(), trim(b32.out)) << path;
  RunResult sri = run({"nix", kNixExperimental, "nix-command", "hash", "path", path});
  ASSERT_EQ(sri.status, 0) << sri.err;
  EXPECT_EQ(digest.hash.sri(), trim(sri.out)) << path;
}

TEST(StoreBase32, MatchesNixHashToBase32AndRoundTrips) {
  if (!NixTools().ok) return;
  std::vector<std::string> args = {"nix-hash", "--type", "sha256", "--to-base32"};
  std::vector<store::Hash> hashes;
  for (uint32_t i = 0; i < 40; ++i) {
    store::Hash h;
    std::string bytes = random_bytes(32, i);
    std::copy(bytes.begin(), bytes.end(), h.bytes.begin());
    if (i == 0) h.bytes.fill(0);
    if (i == 1) h.bytes.fill(0xff);
    hashes.push_back(h);
    args.push_back(h.base16());
  }
  RunResult r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> expected = lines(r.out);
  ASSERT_EQ(expected.size(), hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    EXPECT_EQ(hashes[i].base32(), expected[i]);
    EXPECT_EQ(store::Hash::parse("sha256:" + expected[i]), hashes[i]);
    EXPECT_EQ(store::Hash::parse(hashes[i].sri()), hashes[i]);
    EXPECT_EQ(store::Hash::parse(hashes[i].base16_typed()), hashes[i]);
  }
  RunResult sri = run({"nix", kNixExperimental, "nix-command", "hash", "to-sri", "--type", "sha256", hashes[5].base16()});
  ASSERT_EQ(sri.status, 0) << sri.err;
  EXPECT_EQ(hashes[5].sri(), trim(sri.out));
}

TEST(StoreBase32, RejectsMalformedText) {
  EXPECT_FALSE(store::base32::decode("e000000000000000000000000000000000000000000000000000", 32));  // 'e' not in alphabet
  EXPECT_FALSE(store::base32::decode("0000", 32));
  // 52 digits carry 260 bits; a set bit beyond 256 is not a hash.
  EXPECT_FALSE(store::base32::decode("z000000000000000000000000000000000000000000000000000", 32));
  EXPECT_THROW(store::Hash::parse("sha256-notbase64"), store::BadInput);
  EXPECT_THROW(store::Hash::parse("md5:abc"), store::BadInput);
}

TEST(StoreNar, OddTreeEqualsNixStoreDump) {
  if (!NixTools().ok) return;
  std::string t = make_odd_tree(make_temp_dir("nar-odd"));
  expect_same_as_nix(t);
  // A lone file, a lone executable, a lone symlink and an empty directory.
  expect_same_as_nix(t + "/big");
  expect_same_as_nix(t + "/bin/tool");
  expect_same_as_nix(t + "/link-abs");
  expect_same_as_nix(t + "/empty-dir");
}

TEST(StoreNar, RealDebianPackageEqualsNixStoreDump) {
  if (!NixTools().ok || !require_tool("dpkg-deb", "dpkg")) return;
  // A real package: from apt's cache when present, else downloaded by apt.
  std::string dir = make_temp_dir("nar-deb");
  std::string deb;
  for (const auto& e : fs::directory_iterator("/var/cache/apt/archives"))
    if (e.path().filename().string().starts_with("patchelf_") && e.path().extension() == ".deb") deb = e.path();
  if (deb.empty()) {
    RunResult dl = run({"sh", "-c", "cd '" + dir + "' && apt-get download patchelf"});
    ASSERT_EQ(dl.status, 0) << "no patchelf .deb in /var/cache/apt/archives and apt-get download failed: " << dl.err;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".deb") deb = e.path();
  }
  ASSERT_FALSE(deb.empty());
  RunResult x = run({"dpkg-deb", "-x", deb, dir + "/root"});
  ASSERT_EQ(x.status, 0) << x.err;
  ASSERT_TRUE(fs::exists(dir + "/root/usr/bin/patchelf"));
  expect_same_as_nix(dir + "/root");
}

TEST(StoreNar, RefusesSocketsAndFifosNamingThem) {
  std::string t = make_temp_dir("nar-bad");
  write_file(t + "/fifo-tree/ok", "ok");
  ASSERT_EQ(mkfifo((t + "/fifo-tree/pipe").c_str(), 0644), 0);
  try {
    nar_of(t + "/fifo-tree");
    ADD_FAILURE() << "a FIFO was serialised";
  } catch (const store::BadInput& e) {
    EXPECT_EQ(e.subject(), t + "/fifo-tree/pipe");
  }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock = t + "/s";
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_THROW(nar_of(sock), store::BadInput);
  close(fd);
  EXPECT_THROW(nar_of(t + "/missing"), store::BadInput);
}

TEST(StoreRefScan, FindsHashesAcrossWriteBoundariesOnly) {
  std::string a = "0123456789abcdfghijklmnpqrsvwxyz";  // 32 base-32 digits
  std::string b = "zyxwvsrqpnmlkjihgfdcba9876543210";
  std::string unknown = "00000000000000000000000000000000";
  std::string text = "prefix /s/" + a + "-x and " + unknown + " and /s/" + b + "-y suffix";
  // Every split of the stream into two writes, and one byte at a time.
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    store::RefScanSink scan({a, b});
    scan.write(std::string_view(text).substr(0, cut));
    scan.write(std::string_view(text).substr(cut));
    EXPECT_EQ(scan.found(), (std::set<std::string>{a, b})) << "cut at " << cut;
  }
  store::RefScanSink bytewise({a, b});
  for (char c : text) bytewise.write(std::string_view(&c, 1));
  EXPECT_EQ(bytewise.found(), (std::set<std::string>{a, b}));
  // A hash cut short by a non-digit is not a reference.
  store::RefScanSink partial({a});
  partial.write(a.substr(0, 31) + "e" + a.substr(1));
  EXPECT_TRUE(partial.found().empty());
}

TEST(StorePath, ContentPathEqualsNixPrintFixedPath) {
  if (!NixTools().ok) return;
  std::string root = make_temp_dir("fixed-path");
  std::string t = make_odd_tree(root);
  std::string store_dir = root + "/nix-store-dir";
  store::Hash h = store::hash_path(t).hash;
  std::map<std::string, std::string> env = {{"NIX_STORE_DIR", store_dir}, {"NIX_STATE_DIR", root + "/nix-state"},
                                            {"NIX_LOG_DIR", root + "/nix-log"}};
  for (const char* name : {"odd", "hello-2.12.1", "a+b_c.d?=e"}) {
    RunResult r = run({"nix-store", "--print-fixed-path", "--recursive", "sha256", h.base32(), name}, env);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(store_dir + "/" + store::make_content_path(store_dir, h, name, {}).base_name(), trim(r.out));
  }
}

TEST(StorePath, NamesFollowNixRules) {
  EXPECT_NO_THROW(store::check_name("hello-2.12.1+really_x?y=z"));
  EXPECT_THROW(store::check_name(""), store::BadInput);
  EXPECT_THROW(store::check_name(".hidden"), store::BadInput);
  EXPECT_THROW(store::check_name("a/b"), store::BadInput);
  EXPECT_THROW(store::check_name("a b"), store::BadInput);
  EXPECT_THROW(store::check_name(std::string(212, 'a')), store::BadInput);
  EXPECT_EQ(store::make_name("hello", "2.12"), "hello-2.12");
  EXPECT_FALSE(store::StorePath::try_parse("0123456789abcdfghijklmnpqrsvwxye-x"));  // 'e'
  EXPECT_FALSE(store::StorePath::try_parse("0123456789abcdfghijklmnpqrsvwxyz_x"));
  EXPECT_EQ(store::StorePath::parse("0123456789abcdfghijklmnpqrsvwxyz-x-1").name(), "x-1");
}

}  // namespace
