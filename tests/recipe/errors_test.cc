// Bad recipes and bad sources: every error names the recipe file, the key
// and the line of the offending value, exits 3, and leaves the store
// exactly as it was (no path registered, no directory left behind). The
// lines below are where each case's own text puts the mistake.
#include <gtest/gtest.h>

#include <filesystem>

#include "recipe_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

struct BadCase {
  const char* what;
  std::string text;
  std::string key;       // expected in "key '...'"; empty for TOML syntax errors
  int line;              // line of the mistake in `text`
  std::string fragment;  // a part of the reason
};

const std::string kHead = "name = \"demo\"\nversion = \"1.0\"\n";  // lines 1-2
const std::string kSource =
    "[[source]]\npath = \"a.tar\"\nsha256 = \"" + std::string(64, '0') + "\"\n";  // lines 3-5

std::vector<BadCase> bad_cases() {
  return {
      {"unknown top-level key", kHead + "nmae = \"x\"\n", "nmae", 3, "unknown key"},
      {"version not a string", "name = \"demo\"\nversion = 3\n", "version", 2, "expected a string, got integer"},
      {"missing name", "version = \"1\"\n", "name", 1, "missing"},
      {"sha256 an integer", kHead + "[[source]]\npath = \"a.tar\"\nsha256 = 12\n", "source[0].sha256", 5,
       "expected a string, got integer"},
      {"sha256 not a hash", kHead + "[[source]]\npath = \"a.tar\"\nsha256 = \"abc\"\n", "source[0].sha256", 5,
       "SHA-256"},
      {"unknown unpack method", kHead + kSource + "unpack = \"rar\"\n", "source[0].unpack", 6, "got 'rar'"},
      {"strip_components a string", kHead + kSource + "strip_components = \"1\"\n", "source[0].strip_components", 6,
       "expected an integer, got string"},
      {"source without path or url", kHead + "[[source]]\nsha256 = \"" + std::string(64, '0') + "\"\n",
       "source[0].path", 3, "exactly one of"},
      {"unknown key in a source", kHead + kSource + "sha265 = \"x\"\n", "source[0].sha265", 6, "unknown key"},
      {"dependencies a string", kHead + "dependencies = \"glibc.toml\"\n", "dependencies", 3,
       "expected an array of strings, got string"},
      {"install value an integer", kHead + "[install]\n\"bin/x\" = 5\n", "install.\"bin/x\"", 4,
       "expected a string, got integer"},
      {"install escaping the output", kHead + "[install]\n\"../bin/x\" = \"x\"\n", "install.\"../bin/x\"", 4,
       "without '..'"},
      {"remove an integer", kHead + "remove = 7\n", "remove", 3, "expected a string or an array of strings"},
      {"patch.auto a string", kHead + "[patch]\nauto = \"yes\"\n", "patch.auto", 4, "expected a boolean, got string"},
      {"unknown key in patch.files", kHead + "[patch.files.\"bin/x\"]\ninterp = \"/lib/ld.so\"\n",
       "patch.files.\"bin/x\".interp", 4, "unknown key"},
      {"wrapper set not a table", kHead + "[[wrapper]]\ntarget = \"bin/x\"\nout = \"bin/y\"\nset = [\"A\"]\n",
       "wrapper[0].set", 6, "expected a table, got array"},
      {"wrapper prefix of two strings",
       kHead + "[[wrapper]]\ntarget = \"bin/x\"\nout = \"bin/y\"\nprefix = [[\"PATH\", \":\"]]\n",
       "wrapper[0].prefix[0]", 6, "expected 3 strings, got 2"},
      {"wrapper typo", kHead + "[[wrapper]]\ntarget = \"bin/x\"\nout = \"bin/y\"\nchdri = \"/\"\n", "wrapper[0].chdri",
       6, "unknown key"},
      {"wrapper args not a flag", kHead + "[[wrapper]]\ntarget = \"bin/x\"\nout = \"bin/y\"\nargs = [\"--sett\"]\n",
       "wrapper[0].args", 6, "not a flag of shelf wrap"},
      {"desktop without exec", kHead + "[[desktop]]\nname = \"X\"\n", "desktop[0].exec", 3, "missing"},
      {"desktop terminal a string", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nterminal = \"no\"\n",
       "desktop[0].terminal", 6, "expected a boolean, got string"},
      {"wrapper given as a string", kHead + "wrapper = \"bin/x\"\n", "wrapper", 3, "expected an array of tables"},
      {"TOML syntax", kHead + "[install\n", "", 3, "not valid TOML"},
  };
}

TEST(RecipeErrors, EveryBadKeyNamesFileKeyAndLineAndChangesNothing) {
  RecipeEnv env("recipe-errors");
  // A valid build first, so "unchanged" compares against a store with content.
  write_file(env.root + "/ok.toml", "name = \"empty\"\nversion = \"1\"\n");
  RunResult ok = env.build({env.root + "/ok.toml"});
  ASSERT_EQ(ok.status, 0) << ok.err;
  std::vector<std::string> before = env.entries();
  std::string valid_before = env.valid_paths();

  int n = 0;
  for (const BadCase& c : bad_cases()) {
    std::string file = env.root + "/bad" + std::to_string(n++) + ".toml";
    write_file(file, c.text);
    RunResult r = env.build({file});
    EXPECT_EQ(r.status, 3) << c.what << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.what;
    EXPECT_NE(r.err.find("shelf: " + file + ":" + std::to_string(c.line) + ":"), std::string::npos)
        << c.what << ": expected file and line " << c.line << " in\n" << r.err;
    if (!c.key.empty()) {
      EXPECT_NE(r.err.find("key '" + c.key + "'"), std::string::npos) << c.what << ": expected key " << c.key << " in\n"
                                                                       << r.err;
    }
    EXPECT_NE(r.err.find(c.fragment), std::string::npos) << c.what << ": expected '" << c.fragment << "' in\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.what << ": one line expected\n" << r.err;
    EXPECT_EQ(env.entries(), before) << c.what;
  }
  EXPECT_EQ(env.valid_paths(), valid_before);
}

// A tarball with one file, made by tar (not by shelf).
std::string make_tarball(const std::string& dir) {
  write_file(dir + "/pkg/hello.txt", "hi\n");
  RunResult r = sh("tar -C '" + dir + "' -czf '" + dir + "/pkg.tar.gz' pkg");
  EXPECT_EQ(r.status, 0) << r.err;
  return dir + "/pkg.tar.gz";
}

TEST(RecipeErrors, Sha256MismatchIsRefusedAndNothingIsRegistered) {
  RecipeEnv env("recipe-sha");
  std::string tarball = make_tarball(env.root);
  std::string right = sha256_of(tarball);
  std::string wrong = right;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  std::string recipe = env.root + "/pkg.toml";
  write_file(recipe, kHead + "[[source]]\npath = \"pkg.tar.gz\"\nsha256 = \"" + wrong + "\"\n");
  RunResult r = env.build({recipe});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find(recipe + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("key 'source[0].sha256'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hash mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(right), std::string::npos) << "the actual hash (base-16) should be printed\n" << r.err;
  EXPECT_EQ(env.valid_paths(), "");
  EXPECT_EQ(env.entries(), std::vector<std::string>{}) << "no path, no temporary directory left";

  // The same recipe with the right hash builds, and holds what tar packed.
  write_file(recipe, kHead + "[[source]]\npath = \"pkg.tar.gz\"\nsha256 = \"" + right + "\"\n");
  r = env.build({recipe});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(trim(r.out) + "/pkg/hello.txt"), "hi\n");
}

TEST(RecipeErrors, ArchiveClimbingOutWithDotDotIsRefused) {
  if (!require_tool("python3", "python3")) return;
  RecipeEnv env("recipe-dotdot");
  std::string archive = env.root + "/evil.tar";
  // python3's tarfile writes the names as given, `..` included.
  RunResult made = run({"python3", "-c",
                        "import io, sys, tarfile\n"
                        "t = tarfile.open(sys.argv[1], 'w')\n"
                        "for name in ('pkg/ok.txt', 'pkg/../../escaped.txt'):\n"
                        "    data = b'payload\\n'\n"
                        "    info = tarfile.TarInfo(name); info.size = len(data)\n"
                        "    t.addfile(info, io.BytesIO(data))\n"
                        "t.close()\n",
                        archive});
  ASSERT_EQ(made.status, 0) << made.err;
  std::string recipe = env.root + "/evil.toml";
  write_file(recipe, kHead + "[[source]]\npath = \"evil.tar\"\nsha256 = \"" + sha256_of(archive) + "\"\n");
  RunResult r = env.build({recipe});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("key 'source[0]'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("escaped.txt"), std::string::npos) << "the entry should be named\n" << r.err;
  EXPECT_FALSE(fs::exists(env.root + "/escaped.txt"));
  EXPECT_FALSE(fs::exists(env.store + "/escaped.txt"));
  EXPECT_EQ(env.valid_paths(), "");
  EXPECT_EQ(env.entries(), std::vector<std::string>{});
}

TEST(RecipeErrors, InstallGlobMatchingNothingFailsTheBuild) {
  RecipeEnv env("recipe-glob");
  std::string tarball = make_tarball(env.root);
  std::string recipe = env.root + "/pkg.toml";
  write_file(recipe, kHead + "[[source]]\npath = \"pkg.tar.gz\"\nsha256 = \"" + sha256_of(tarball) +
                         "\"\n[install]\n\"bin/hello\" = \"pkg/hello.bin\"\n");
  RunResult r = env.build({recipe});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find(recipe + ":7:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("matches nothing"), std::string::npos) << r.err;
  EXPECT_EQ(env.entries(), std::vector<std::string>{});
}

}  // namespace
