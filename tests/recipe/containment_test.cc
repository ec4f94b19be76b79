// Containment: a recipe never touches anything outside its tree. The
// archives here hold symbolic links that are harmless where they are
// packed and lead out of the tree once `strip_components` moves them up or
// `[install]` copies them to a shallower place; before, `remove` deleted a
// file outside the tree, a wrapper and a desktop entry were written outside
// and `[patch.files]` patched an ELF file outside. Every build step now
// resolves its paths beneath its tree (base/tree.h). The "outside" is the
// test's own temporary directory, reached through 40 `..` and its absolute
// path, so a regression can only harm the test's files.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "../patch/patch_support.h"
#include "recipe_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

const std::string kHead = "name = \"evil\"\nversion = \"1.0\"\n";
constexpr int kDepth = 40;

// Every entry below `dir`: type, mode and content or link target.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    lstat(e.path().c_str(), &st);
    std::string rel = fs::relative(e.path(), dir).string();
    std::string what = std::to_string(st.st_mode) + ":";
    if (S_ISLNK(st.st_mode)) what += fs::read_symlink(e.path()).string();
    if (S_ISREG(st.st_mode)) what += read_file(e.path().string());
    out[rel] = what;
  }
  return out;
}

// A directory outside every tree shelf works in, holding files worth
// protecting (one an ELF program).
struct Victim {
  std::string dir;
  std::map<std::string, std::string> before;
  Victim() {
    dir = make_temp_dir("victim");
    write_file(dir + "/precious", "do not delete\n");
    fs::create_directories(dir + "/applications");
    copy_file(patch_fixture("prog-runpath"), dir, "prog");
    before = snapshot(dir);
  }
  bool intact() const { return snapshot(dir) == before; }
  // A link target that climbs `kDepth` levels, then names the victim: it
  // stays inside the archive at depth kDepth and leaves any shallower tree.
  std::string via_root(const std::string& rest = "") const {
    std::string target;
    for (int i = 0; i < kDepth; ++i) target += "../";
    return target + dir.substr(1) + (rest.empty() ? "" : "/" + rest);
  }
};

std::string deep(const std::string& name) {
  std::string path;
  for (int i = 0; i < kDepth; ++i) path += "d/";
  return path + name;
}

// A tar written entry by entry by python3's tarfile (names and link
// targets as given). Entries: name, kind ('f' file, 'x' executable, 'l'
// link, 'c' copy of a host file), value.
struct Entry {
  std::string name;
  char kind;
  std::string value;
};

// A Python string literal of `text`.
std::string py(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "'";
}

std::string make_tar(const RecipeEnv& env, const std::string& name, const std::vector<Entry>& entries) {
  std::string list = "[";
  for (const Entry& e : entries) list += "(" + py(e.name) + ", '" + e.kind + "', " + py(e.value) + "),";
  list += "]";
  std::string archive = env.root + "/" + name;
  RunResult made = run({"python3", "-c",
                        "import io, sys, tarfile\n"
                        "t = tarfile.open(sys.argv[1], 'w')\n"
                        "for name, kind, value in " + list + ":\n"
                        "    info = tarfile.TarInfo(name)\n"
                        "    if kind in 'fxc':\n"
                        "        data = open(value, 'rb').read() if kind == 'c' else value.encode()\n"
                        "        info.size = len(data); info.mode = 0o755 if kind in 'xc' else 0o644\n"
                        "        t.addfile(info, io.BytesIO(data))\n"
                        "    else:\n"
                        "        info.type = tarfile.SYMTYPE; info.linkname = value\n"
                        "        t.addfile(info)\n"
                        "t.close()\n",
                        archive});
  EXPECT_EQ(made.status, 0) << made.err;
  return archive;
}

std::string source(const std::string& archive, int strip, const std::string& extra = "") {
  return "[[source]]\npath = \"" + fs::path(archive).filename().string() + "\"\nsha256 = \"" + sha256_of(archive) +
         "\"\n" + (strip ? "strip_components = " + std::to_string(strip) + "\n" : "") + extra;
}

struct Case {
  const char* what;
  std::string recipe;
};

// Builds each recipe: refused with one line naming the recipe, nothing
// registered, the victim untouched.
void expect_refused(RecipeEnv& env, const Victim& victim, const Case& c) {
  std::string recipe = env.root + "/evil.toml";
  write_file(recipe, c.recipe);
  RunResult r = env.build({recipe});
  EXPECT_EQ(r.status, 3) << c.what << "\n" << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u) << c.what << "\n" << r.err;
  EXPECT_TRUE(r.err.starts_with("shelf: " + recipe + ":")) << c.what << "\n" << r.err;
  EXPECT_TRUE(victim.intact()) << c.what << ": a file outside the tree changed";
  EXPECT_EQ(env.valid_paths(), "") << c.what;
}

TEST(RecipeContainment, LinksMovedUpByStripComponentsAreNeverFollowedOut) {
  if (!require_tool("python3", "python3")) return;
  Victim victim;
  RecipeEnv env("contain-strip");
  std::string archive = make_tar(env, "evil.tar",
                                 {{deep("lib"), 'l', victim.via_root()},
                                  {deep("share"), 'l', victim.via_root()},
                                  {deep("bin/prog"), 'l', victim.via_root("prog")},
                                  {deep("bin/tool"), 'c', patch_fixture("prog-runpath")}});
  std::string src = source(archive, kDepth);
  const Case cases[] = {
      {"remove through the link", kHead + "remove = [\"lib/precious\"]\n" + src},
      {"remove with a glob through the link", kHead + "remove = [\"lib/*\"]\n" + src},
      {"patch.files through the link", kHead + src + "[patch.files.\"lib/prog\"]\ninterpreter = \"/x/ld.so\"\n"},
      {"patch.files on a link leading out",
       kHead + src + "[patch.files.\"bin/prog\"]\ninterpreter = \"/x/ld.so\"\n"},
      {"patch.files glob matching a link leading out",
       kHead + src + "[patch.files.\"bin/*\"]\nrpath = \"/x/lib\"\n"},
      {"wrapper written through the link",
       kHead + src + "[[wrapper]]\ntarget = \"bin/tool\"\nout = \"lib/wrapper\"\nset = { A = \"b\" }\n"},
      {"wrapper of a program behind a link leading out",
       kHead + src + "[[wrapper]]\ntarget = \"bin/prog\"\nout = \"bin/prog\"\nset = { A = \"b\" }\n"},
      {"desktop entry written through the link",
       kHead + src + "[[desktop]]\nid = \"evil\"\nname = \"Evil\"\nexec = \"$out/bin/tool\"\n"},
  };
  for (const Case& c : cases) expect_refused(env, victim, c);
}

TEST(RecipeContainment, LinksInstalledToAShallowerPlaceAreNeverFollowedOut) {
  if (!require_tool("python3", "python3")) return;
  Victim victim;
  RecipeEnv env("contain-install");
  // Harmless where packed: 40 levels up from deep/d*40 is deep/.
  std::string archive = make_tar(env, "evil.tar",
                                 {{"deep/" + deep("apps"), 'l', victim.via_root("applications")},
                                  {"deep/" + deep("lib"), 'l', victim.via_root()},
                                  {"bin/tool", 'c', patch_fixture("prog-runpath")},
                                  {"extra.desktop", 'f', "[Desktop Entry]\n"}});
  std::string src = source(archive, 0);
  std::string install_link = "[install]\n\"share/applications\" = \"deep/" + deep("apps") + "\"\n\"lib\" = \"deep/" +
                             deep("lib") + "\"\n\"bin/tool\" = \"bin/tool\"\n";
  const Case cases[] = {
      {"desktop entry through an installed link",
       kHead + src + install_link + "[[desktop]]\nid = \"evil\"\nname = \"Evil\"\nexec = \"$out/bin/tool\"\n"},
      {"install through an installed link",
       kHead + src + install_link + "\"share/applications/\" = \"extra.desktop\"\n"},
      {"install a file named through an installed link", kHead + src + install_link + "\"lib/x\" = \"extra.desktop\"\n"},
      {"wrapper through an installed link",
       kHead + src + install_link + "[[wrapper]]\ntarget = \"bin/tool\"\nout = \"lib/w\"\nset = { A = \"b\" }\n"},
      {"patch through an installed link", kHead + src + install_link + "[patch.files.\"lib/prog\"]\nrpath = \"/x\"\n"},
  };
  for (const Case& c : cases) expect_refused(env, victim, c);
}

TEST(RecipeContainment, ASourceUnpackedIntoALinkLeadingOutIsRefused) {
  if (!require_tool("python3", "python3")) return;
  Victim victim;
  RecipeEnv env("contain-dest");
  std::string evil = make_tar(env, "evil.tar", {{deep("lib"), 'l', victim.via_root()}});
  std::string good = make_tar(env, "good.tar", {{"new", 'f', "planted\n"}});
  expect_refused(env, victim,
                 {"second source into the first one's link", kHead + source(evil, kDepth) + source(good, 0, "dest = \"lib\"\n")});
}

// The links themselves are data: removing one removes the link, a build
// that only carries one succeeds, and `store verify` reports it as
// information only.
TEST(RecipeContainment, LinksAreDataRemovedAsLinksAndReportedByVerify) {
  if (!require_tool("python3", "python3")) return;
  Victim victim;
  RecipeEnv env("contain-data");
  std::string archive = make_tar(env, "evil.tar",
                                 {{deep("lib"), 'l', victim.via_root()},
                                  {deep("share"), 'l', victim.via_root()},
                                  {deep("bin/tool"), 'c', patch_fixture("prog-runpath")}});
  std::string recipe = env.root + "/links.toml";
  write_file(recipe, kHead + "remove = [\"lib\"]\n" + source(archive, kDepth));
  RunResult r = env.build({recipe});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  EXPECT_TRUE(victim.intact());
  EXPECT_FALSE(fs::exists(fs::symlink_status(out + "/lib")));
  EXPECT_TRUE(fs::is_symlink(out + "/share"));
  RunResult verify = env.shelf({"store", "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out, "info " + out + ": share -> " + victim.via_root() + " leads outside the store\n");
  RunResult json = env.shelf({"store", "verify", "--json"});
  EXPECT_EQ(json.status, 0);
  EXPECT_NE(json.out.find("\"kind\": \"link-outside-store\""), std::string::npos) << json.out;
  EXPECT_TRUE(victim.intact());
}

}  // namespace
