// `shelf store import` against the reference unpackers: archives are made
// by the real tools (tar with gzip/xz/zstd/bzip2, zip, dpkg-deb, makeself),
// imported, and the store path must be the one `shelf store add` gives for
// the tree the reference tool unpacks (tar -x, unzip, dpkg-deb -x, the
// makeself installer's own --noexec --target), with the NAR hash nix-hash
// computes. Hostile archives, written with python3's tarfile and zipfile,
// are refused with one line naming the entry, and the store is unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "store_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

// Runs a shell command line (the test's own fixtures, never shelf).
void sh(const std::string& script) {
  RunResult r = run({"sh", "-c", script});
  ASSERT_EQ(r.status, 0) << script << "\n" << r.out << r.err;
}

std::string shq(const std::string& s) { return "'" + s + "'"; }

// A tree with what archives carry: nested files, an executable, a relative
// symlink, an empty directory and a hard link.
std::string make_tree(const std::string& dir) {
  write_file(dir + "/bin/tool", "#!/bin/sh\necho tool\n", 0755);
  write_file(dir + "/share/doc/README", "read me\n");
  write_file(dir + "/lib/libdata.so", random_bytes(70000, 5), 0644);
  make_symlink("../lib/libdata.so", dir + "/share/link-to-lib");
  fs::create_directories(dir + "/empty");
  fs::create_hard_link(dir + "/share/doc/README", dir + "/share/doc/README.hardlink");
  return dir;
}

struct Imported {
  RunResult result;
  std::string path;
};

Imported import(const StoreEnv& s, const std::string& file, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"import", file};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = s.shelf(args);
  return {r, trim(r.out)};
}

// The imported path equals `store add` of the reference tree under the same
// name, and its registered NAR hash is nix-hash's for that tree.
void expect_same_as_reference(const StoreEnv& s, const std::string& archive, const std::string& reference,
                              const std::string& name) {
  Imported imp = import(s, archive, {"--name", name});
  ASSERT_EQ(imp.result.status, 0) << archive << "\n" << imp.result.err;
  RunResult added = s.shelf({"add", reference, "--name", name});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_EQ(imp.path, trim(added.out)) << archive << " unpacks differently from the reference tool";
  RunResult nix = run({"nix-hash", "--type", "sha256", "--base32", reference});
  ASSERT_EQ(nix.status, 0) << nix.err;
  nlohmann::json listing = nlohmann::json::parse(s.shelf({"ls", "--json"}).out);
  bool found = false;
  for (const auto& p : listing)
    if (p["path"] == imp.path) {
      found = true;
      EXPECT_EQ(p["narHash"], "sha256:" + trim(nix.out)) << archive;
    }
  EXPECT_TRUE(found) << imp.path << " is not registered";
  EXPECT_EQ(run({"nix-store", "--dump", imp.path}).out, run({"nix-store", "--dump", reference}).out) << archive;
}

TEST(StoreImport, TarWithEveryCompressionMatchesTarX) {
  if (!require_tool("nix-hash", "nix-bin") || !require_tool("zstd", "zstd") || !require_tool("xz", "xz-utils") ||
      !require_tool("bzip2", "bzip2"))
    return;
  StoreEnv s("import-tar");
  std::string src = make_tree(s.root + "/src");
  for (std::string comp : {"", "--gzip", "--xz", "--zstd", "--bzip2"}) {
    std::string tag = comp.empty() ? "plain" : comp.substr(2);
    std::string archive = s.root + "/pkg-" + tag + ".tar";
    std::string ref = s.root + "/ref-" + tag;
    sh("tar -C " + shq(src) + " -c " + comp + " -f " + shq(archive) + " .");
    sh("mkdir " + shq(ref) + " && tar -C " + shq(ref) + " -xf " + shq(archive));
    expect_same_as_reference(s, archive, ref, "pkg");
  }
  // Without ./ prefixes, and without directory entries (parents are made).
  std::string archive = s.root + "/files-only.tar.gz";
  sh("cd " + shq(src) + " && tar -czf " + shq(archive) + " --no-recursion bin/tool share/doc/README");
  sh("mkdir " + shq(s.root + "/ref-files") + " && tar -C " + shq(s.root + "/ref-files") + " -xf " + shq(archive));
  expect_same_as_reference(s, archive, s.root + "/ref-files", "files");
}

TEST(StoreImport, ZipMatchesUnzip) {
  if (!require_tool("zip", "zip") || !require_tool("unzip", "unzip") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("import-zip");
  std::string src = make_tree(s.root + "/src");
  std::string archive = s.root + "/pkg.zip";
  sh("cd " + shq(src) + " && zip -qry " + shq(archive) + " .");
  sh("unzip -q " + shq(archive) + " -d " + shq(s.root + "/ref"));
  expect_same_as_reference(s, archive, s.root + "/ref", "pkg");
}

TEST(StoreImport, DebDataMatchesDpkgDebX) {
  if (!require_tool("dpkg-deb", "dpkg") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("import-deb");
  std::string pkg = s.root + "/pkg";
  make_tree(pkg + "/usr");
  write_file(
      pkg + "/DEBIAN/control",
      "Package: shelf-test\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n");
  for (std::string comp : {"xz", "gzip", "zstd", "none"}) {
    std::string deb = s.root + "/shelf-test_" + comp + ".deb";
    sh("dpkg-deb -Z" + comp + " --root-owner-group --build " + shq(pkg) + " " + shq(deb) + " >/dev/null");
    std::string ref = s.root + "/ref-" + comp;
    sh("dpkg-deb -x " + shq(deb) + " " + shq(ref));
    ASSERT_FALSE(fs::exists(ref + "/DEBIAN"));
    expect_same_as_reference(s, deb, ref, "shelf-test");
  }
}

// A .deb cut off before its data.tar.* member (an incomplete download) is
// reported as truncated, not as a package without data, and a cut inside
// a member is a read error; either way one line, exit 3, nothing stored.
TEST(StoreImport, TruncatedDebSaysTruncated) {
  if (!require_tool("dpkg-deb", "dpkg")) return;
  StoreEnv s("import-deb-cut");
  std::string pkg = s.root + "/pkg";
  make_tree(pkg + "/usr");
  write_file(pkg + "/DEBIAN/control",
             "Package: shelf-cut\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: t\n");
  std::string deb = s.root + "/cut.deb";
  sh("dpkg-deb --root-owner-group --build " + shq(pkg) + " " + shq(deb) + " >/dev/null");
  std::string whole;
  {
    std::ifstream in(deb, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> before = lines(s.shelf({"ls"}).out);
  // 100 bytes: inside control.tar's header; 130: inside its data.
  for (size_t cut : {size_t(70), size_t(100), size_t(130)}) {
    std::string part = s.root + "/part-" + std::to_string(cut) + ".deb";
    std::ofstream(part, std::ios::binary) << whole.substr(0, cut);
    Imported imp = import(s, part, {"--name", "shelf-cut"});
    EXPECT_EQ(imp.result.status, 3) << cut << imp.result.err;
    EXPECT_EQ(lines(imp.result.err).size(), 1u) << imp.result.err;
    EXPECT_EQ(imp.result.err.find("without a data.tar"), std::string::npos) << cut << imp.result.err;
    EXPECT_TRUE(imp.result.err.find("truncated") != std::string::npos ||
                imp.result.err.find("Truncated") != std::string::npos)
        << cut << imp.result.err;
  }
  EXPECT_EQ(lines(s.shelf({"ls"}).out), before);
}

TEST(StoreImport, NpmTgzDropsPackagePrefixAndNamesFromFile) {
  if (!require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("import-npm");
  std::string src = s.root + "/src";
  write_file(src + "/package/package.json", "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}\n");
  write_file(src + "/package/index.js", "module.exports = leftPad;\n");
  std::string archive = s.root + "/left-pad-1.3.0.tgz";
  sh("tar -C " + shq(src) + " -czf " + shq(archive) + " package");
  sh("mkdir " + shq(s.root + "/ref") + " && tar -C " + shq(s.root + "/ref") + " -xf " + shq(archive));
  expect_same_as_reference(s, archive, s.root + "/ref/package", "left-pad-1.3.0");
  // The default name is the file name without the extension.
  Imported imp = import(s, archive);
  ASSERT_EQ(imp.result.status, 0) << imp.result.err;
  EXPECT_TRUE(imp.path.ends_with("-left-pad-1.3.0")) << imp.path;
  EXPECT_TRUE(fs::exists(imp.path + "/package.json"));
  // A plain .tar.gz keeps its top directory.
  std::string plain = s.root + "/My App (x64).tar.gz";
  fs::copy_file(archive, plain);
  imp = import(s, plain, {"--version", "2"});
  ASSERT_EQ(imp.result.status, 0) << imp.result.err;
  EXPECT_TRUE(imp.path.ends_with("-My-App-x64--2")) << imp.path;  // sanitizeDerivationName: runs become '-'
  EXPECT_TRUE(fs::exists(imp.path + "/package/package.json"));
}

TEST(StoreImport, MakeselfRunMatchesItsOwnExtractionWithoutRunningIt) {
  if (!require_tool("makeself", "makeself") || !require_tool("nix-hash", "nix-bin")) return;
  StoreEnv s("import-run");
  std::string src = make_tree(s.root + "/src");
  std::string marker = s.root + "/EXECUTED";
  write_file(src + "/setup.sh", "#!/bin/sh\ntouch " + shq(marker) + "\n", 0755);
  for (std::string comp : {"--gzip", "--xz", "--zstd", "--bzip2", "--nocomp"}) {
    std::string run_file = s.root + "/installer" + comp + ".run";
    sh("makeself --quiet " + comp + " " + shq(src) + " " + shq(run_file) + " 'shelf test' ./setup.sh >/dev/null");
    std::string ref = s.root + "/ref" + comp;
    sh("sh " + shq(run_file) + " --quiet --noexec --target " + shq(ref) + " >/dev/null");
    expect_same_as_reference(s, run_file, ref, "installer");
  }
  // --append adds a second archive after the first (filesizes="A B").
  std::string extra = s.root + "/extra";
  write_file(extra + "/added/file", "appended\n");
  std::string run_file = s.root + "/installer--append.run";
  sh("makeself --quiet " + shq(src) + " " + shq(run_file) + " 'shelf test' ./setup.sh >/dev/null");
  sh("makeself --quiet --append " + shq(extra) + " " + shq(run_file) + " >/dev/null");
  sh("sh " + shq(run_file) + " --quiet --noexec --target " + shq(s.root + "/ref-append") + " >/dev/null");
  ASSERT_TRUE(fs::exists(s.root + "/ref-append/added/file"));
  expect_same_as_reference(s, run_file, s.root + "/ref-append", "installer");
  // The pre-2.4 header form: offset=`head -n N "$0" | wc -c | tr -d " "`.
  std::string old_style = s.root + "/old-style.run";
  sh("printf '#!/bin/sh\\n# This script was generated using Makeself 2.1.5\\n"
     "offset=`head -n 4 \"$0\" | wc -c | tr -d \" \"`\\nexit 0\\n' > " +
     shq(old_style) + " && tar -C " + shq(src) + " -cz . >> " + shq(old_style));
  sh("mkdir " + shq(s.root + "/ref-old") + " && tail -n +5 " + shq(old_style) + " | tar -C " +
     shq(s.root + "/ref-old") + " -xz");
  expect_same_as_reference(s, old_style, s.root + "/ref-old", "installer");
  EXPECT_FALSE(fs::exists(marker)) << "the installer's script was run";
}

// Every entry below the test root whose name is `name` (an escaped write).
bool exists_anywhere(const std::string& root, const std::string& name) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->path().filename() == name) return true;
  return false;
}

TEST(StoreImport, HostileArchivesAreRefusedAndLeaveTheStoreUnchanged) {
  if (!require_tool("python3", "python3")) return;
  StoreEnv s("import-hostile");
  std::string dir = s.root + "/hostile";
  fs::create_directories(dir);
  // Each archive: (file, an entry name the error must mention).
  const std::string script = R"PY(
import io, sys, tarfile, zipfile, gzip, os
d = sys.argv[1]
def tar(name, members):
    with tarfile.open(os.path.join(d, name), "w", format=tarfile.GNU_FORMAT) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
def f(name, data=b"x\n"):
    i = tarfile.TarInfo(name); i.size = len(data); return (i, data)
def special(name, kind, target=""):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = target
    if kind == tarfile.CHRTYPE: i.devmajor, i.devminor = 1, 3
    return (i, None)
tar("dotdot.tar", [f("ok"), f("a/../../../../escaped-dotdot")])
tar("absolute.tar", [f("/tmp/escaped-absolute-" + str(os.getpid()))])
tar("symlink-up.tar", [special("esc", tarfile.SYMTYPE, "../../.."), f("esc/escaped-symlink")])
tar("symlink-abs.tar", [special("etc", tarfile.SYMTYPE, "/etc"), f("etc/escaped-abs-link")])
tar("symlink-chain.tar", [special("here", tarfile.SYMTYPE, "."), special("up", tarfile.SYMTYPE, "here/..")])
tar("hardlink-passwd.tar", [special("pw", tarfile.LNKTYPE, "/etc/passwd")])
tar("hardlink-up.tar", [special("pw", tarfile.LNKTYPE, "../../../etc/passwd")])
tar("hardlink-later.tar", [special("early", tarfile.LNKTYPE, "later"), f("later")])
tar("chardev.tar", [special("null", tarfile.CHRTYPE)])
tar("fifo.tar", [special("pipe", tarfile.FIFOTYPE)])
big = io.BytesIO()
with tarfile.open(fileobj=big, mode="w:gz") as t:
    data = os.urandom(300000); i = tarfile.TarInfo("big.bin"); i.size = len(data); t.addfile(i, io.BytesIO(data))
open(os.path.join(d, "truncated.tar.gz"), "wb").write(big.getvalue()[: len(big.getvalue()) // 2])
with zipfile.ZipFile(os.path.join(d, "zip-dotdot.zip"), "w") as z:
    z.writestr("fine.txt", "fine\n"); z.writestr("../escaped-zip", "x\n")
open(os.path.join(d, "not-an-archive.txt"), "w").write("just text\n" * 50)
tar("blockdev.tar", [special("disk", tarfile.BLKTYPE)])
# The same refusals whatever the container: xz and zip streams cut short,
# a zip symlink out of the tree, and hostile entries inside a .deb's
# data.tar, an npm .tgz and a makeself payload.
xz = io.BytesIO()
with tarfile.open(fileobj=xz, mode="w:xz") as t:
    data = os.urandom(300000); i = tarfile.TarInfo("big-xz.bin"); i.size = len(data); t.addfile(i, io.BytesIO(data))
open(os.path.join(d, "truncated.tar.xz"), "wb").write(xz.getvalue()[: len(xz.getvalue()) // 2])
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("big-zip.bin", os.urandom(300000))
open(os.path.join(d, "truncated.zip"), "wb").write(zb.getvalue()[: len(zb.getvalue()) // 2])
with zipfile.ZipFile(os.path.join(d, "zip-symlink.zip"), "w") as z:
    i = zipfile.ZipInfo("zlink"); i.create_system = 3; i.external_attr = (0o120777 << 16)
    z.writestr(i, "../../../etc")
def targz(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz", format=tarfile.GNU_FORMAT) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    return b.getvalue()
def ar_member(name, data):
    h = "%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name, 0, 0, 0, "100644", len(data))
    return h.encode() + data + (b"\n" if len(data) % 2 else b"")
deb = b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + ar_member("control.tar.gz", targz([f("./control")])) + \
      ar_member("data.tar.gz", targz([f("./usr/ok"), f("./usr/../../escaped-deb")]))
open(os.path.join(d, "hostile.deb"), "wb").write(deb)
open(os.path.join(d, "hostile-npm-1.0.tgz"), "wb").write(
    targz([f("package/package.json", b"{}"), special("package/up", tarfile.SYMTYPE, "../../escaped-npm")]))
payload = targz([f("ok"), f("/tmp/escaped-makeself")])
header = '#!/bin/sh\n# This script was generated using Makeself 2.4.5\nfilesizes="%d"\nskip="4"\n' % len(payload)
open(os.path.join(d, "hostile.run"), "wb").write(header.encode() + payload)
)PY";
  RunResult gen = run({"python3", "-c", script, dir});
  ASSERT_EQ(gen.status, 0) << gen.err;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"dotdot.tar", "a/../../../../escaped-dotdot"},
      {"absolute.tar", "/tmp/escaped-absolute-"},
      {"symlink-up.tar", "esc"},
      {"symlink-abs.tar", "etc"},
      {"symlink-chain.tar", "up"},
      {"hardlink-passwd.tar", "pw"},
      {"hardlink-up.tar", "pw"},
      {"hardlink-later.tar", "early"},
      {"chardev.tar", "null"},
      {"fifo.tar", "pipe"},
      {"truncated.tar.gz", "big.bin"},
      {"zip-dotdot.zip", "../escaped-zip"},
      {"not-an-archive.txt", "not-an-archive.txt"},
      {"blockdev.tar", "disk"},
      {"truncated.tar.xz", "big-xz.bin"},
      {"truncated.zip", "big-zip.bin"},
      {"zip-symlink.zip", "zlink"},
      {"hostile.deb", "./usr/../../escaped-deb"},
      {"hostile-npm-1.0.tgz", "package/up"},
      {"hostile.run", "/tmp/escaped-makeself"},
  };
  // A store with one path in it, to see that nothing changes.
  write_file(s.root + "/existing/file", "existing\n");
  ASSERT_EQ(s.shelf({"add", s.root + "/existing"}).status, 0);
  std::vector<std::string> entries_before = s.entries();
  std::string ls_before = s.shelf({"ls", "-l"}).out;
  for (const auto& [name, entry] : cases) {
    std::string file = dir + "/" + name;
    RunResult r = s.shelf({"import", file});
    EXPECT_EQ(r.status, 3) << name << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_EQ(lines(r.err).size(), 1u) << name << "\n" << r.err;
    EXPECT_TRUE(r.err.starts_with("shelf: " + file + ": ")) << r.err;
    EXPECT_NE(r.err.find(entry), std::string::npos) << name << ": the error does not name '" << entry << "'\n" << r.err;
    EXPECT_EQ(s.entries(), entries_before) << name;
    EXPECT_EQ(s.shelf({"ls", "-l"}).out, ls_before) << name;
    RunResult v = s.shelf({"verify"});
    EXPECT_EQ(v.status, 0) << name << "\n" << v.out;
  }
  for (const char* escaped :
       {"escaped-dotdot", "escaped-symlink", "escaped-abs-link", "escaped-zip", "escaped-deb", "escaped-makeself"}) {
    EXPECT_FALSE(exists_anywhere(s.root, escaped)) << escaped;
    EXPECT_FALSE(fs::exists(std::string("/tmp/") + escaped)) << escaped;
  }
  EXPECT_FALSE(fs::exists("/etc/escaped-abs-link"));
}

TEST(StoreImport, RefusesScriptsThatAreNotMakeselfAndBadHeaders) {
  StoreEnv s("import-scripts");
  std::string script = s.root + "/install.sh";
  write_file(script, "#!/bin/sh\necho not an archive\n", 0755);
  RunResult r = s.shelf({"import", script});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(r.err.starts_with("shelf: " + script + ": ")) << r.err;
  // A makeself header announcing more payload than the file holds.
  std::string cut = s.root + "/cut.run";
  write_file(cut,
             "#!/bin/sh\n# This script was generated using Makeself 2.4.5\nfilesizes=\"999999\"\nskip=\"4\"\nxx\n");
  r = s.shelf({"import", cut});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_TRUE(s.shelf({"ls"}).out.empty());
}

}  // namespace
