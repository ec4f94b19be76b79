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

// Each case's text marks the offending place with "@@" (removed before the
// file is written): the error must name exactly that line and column.
struct BadCase {
  const char* what;
  std::string text;
  std::string key;       // expected in "key '...'"; empty for TOML syntax errors
  std::string fragment;  // a part of the reason
};

const std::string kHead = "name = \"demo\"\nversion = \"1.0\"\n";  // lines 1-2
const std::string kZero = std::string(64, '0');
const std::string kSource = "[[source]]\npath = \"a.tar\"\nsha256 = \"" + kZero + "\"\n";  // lines 3-5
const std::string kWrapper = "[[wrapper]]\ntarget = \"bin/x\"\nout = \"bin/y\"\n";        // lines 3-5

std::vector<BadCase> bad_cases() {
  return {
      {"unknown top-level key", kHead + "@@nmae = \"x\"\n", "nmae", "unknown key"},
      {"version not a string", "name = \"demo\"\nversion = @@3\n", "version", "expected a string, got integer"},
      {"missing name", "@@version = \"1\"\n", "name", "missing"},
      {"name and version not a store path name", "name = @@\"de mo\"\nversion = \"1\"\n", "name",
       "not a valid store path name"},
      {"description a table", kHead + "description = @@{ a = 1 }\n", "description", "expected a string, got table"},
      {"sha256 an integer", kHead + "[[source]]\npath = \"a.tar\"\nsha256 = @@12\n", "source[0].sha256",
       "expected a string, got integer"},
      {"sha256 not a hash", kHead + "[[source]]\npath = \"a.tar\"\nsha256 = @@\"abc\"\n", "source[0].sha256",
       "SHA-256"},
      {"sha256 missing", kHead + "@@[[source]]\npath = \"a.tar\"\n", "source[0].sha256", "missing"},
      {"unknown unpack method", kHead + kSource + "unpack = @@\"rar\"\n", "source[0].unpack", "got 'rar'"},
      {"unpack not implied by the name", kHead + "@@[[source]]\npath = \"a.bin\"\nsha256 = \"" + kZero + "\"\n",
       "source[0].unpack", "does not say how to unpack"},
      {"strip_components a string", kHead + kSource + "strip_components = @@\"1\"\n", "source[0].strip_components",
       "expected an integer, got string"},
      {"strip_components negative", kHead + kSource + "strip_components = @@-1\n", "source[0].strip_components",
       "expected 0..64"},
      {"dest escaping the tree", kHead + kSource + "dest = @@\"../lib\"\n", "source[0].dest", "without '..'"},
      {"dest absolute", kHead + kSource + "dest = @@\"/lib\"\n", "source[0].dest", "relative path"},
      {"source without path or url", kHead + "@@[[source]]\nsha256 = \"" + kZero + "\"\n", "source[0].path",
       "exactly one of"},
      {"source with path and url",
       kHead + "[[source]]\npath = @@\"a.tar\"\nurl = \"file:///a.tar\"\nsha256 = \"" + kZero + "\"\n",
       "source[0].path", "exactly one of"},
      {"url an array", kHead + "[[source]]\nurl = @@[\"file:///a.tar\"]\nsha256 = \"" + kZero + "\"\n",
       "source[0].url", "expected a string, got array"},
      {"unknown key in a source", kHead + kSource + "@@sha265 = \"x\"\n", "source[0].sha265", "unknown key"},
      {"top-level key after [[source]]", kHead + kSource + "@@remove = [\"x\"]\n", "source[0].remove",
       "is a top-level key"},
      {"source a string", kHead + "source = @@\"a.tar\"\n", "source", "expected a table or an array of tables"},
      {"dependencies a string", kHead + "dependencies = @@\"glibc.toml\"\n", "dependencies",
       "expected an array of strings, got string"},
      {"dependency not a string", kHead + "dependencies = [\"a.toml\", @@7]\n", "dependencies[1]",
       "expected a string, got integer"},
      {"dependency neither recipe nor store path", kHead + "dependencies = [@@\"/etc\"]\n", "dependencies[0]",
       "neither a recipe file nor a path in the store"},
      {"dependency recipe missing", kHead + "dependencies = [@@\"nothere.toml\"]\n", "dependencies[0]",
       "no recipe"},
      {"dependency on an invalid store path",
       kHead + "dependencies = [@@\"STORE/00000000000000000000000000000000-gone-1\"]\n", "dependencies[0]",
       "not a valid store path"},
      {"install a string", kHead + "install = @@\"bin\"\n", "install", "expected a table, got string"},
      {"install value an integer", kHead + "[install]\n\"bin/x\" = @@5\n", "install.\"bin/x\"",
       "expected a string, got integer"},
      {"install escaping the output", kHead + "[install]\n\"../bin/x\" = @@\"x\"\n", "install.\"../bin/x\"",
       "without '..'"},
      {"install glob escaping the tree", kHead + "[install]\n\"bin/x\" = @@\"../x\"\n", "install.\"bin/x\"",
       "without '..'"},
      {"remove an integer", kHead + "remove = @@7\n", "remove", "expected a string or an array of strings"},
      {"remove escaping the tree", kHead + "remove = [\"lib/a\", @@\"../b\"]\n", "remove[1]", "without '..'"},
      {"patch a string", kHead + "patch = @@\"auto\"\n", "patch", "expected a table, got string"},
      {"patch.auto a string", kHead + "[patch]\nauto = @@\"yes\"\n", "patch.auto", "expected a boolean, got string"},
      {"ignore_missing a string", kHead + "[patch]\nauto = true\nignore_missing = @@\"libGL*\"\n",
       "patch.ignore_missing", "expected an array of strings, got string"},
      {"ignore_missing without auto", kHead + "[patch]\nignore_missing = @@[\"libGL*\"]\n", "patch.ignore_missing",
       "add auto = true"},
      {"runtime_deps element not a string", kHead + "[patch]\nauto = true\nruntime_deps = [@@1]\n",
       "patch.runtime_deps[0]", "expected a string, got integer"},
      {"runtime_deps without auto", kHead + "[patch]\nruntime_deps = @@[\"$out/lib\"]\n", "patch.runtime_deps",
       "add auto = true"},
      {"unknown key in patch", kHead + "[patch]\n@@atuo = true\n", "patch.atuo", "unknown key"},
      {"patch.files a string", kHead + "[patch]\nfiles = @@\"bin/x\"\n", "patch.files", "expected a table"},
      {"patch.files entry a string", kHead + "[patch.files]\n\"bin/x\" = @@\"/lib/ld.so\"\n",
       "patch.files.\"bin/x\"", "expected a table, got string"},
      {"patch.files glob escaping", kHead + "@@[patch.files.\"../x\"]\ninterpreter = \"/lib/ld.so\"\n",
       "patch.files.\"../x\"", "without '..'"},
      {"unknown key in patch.files", kHead + "[patch.files.\"bin/x\"]\n@@interp = \"/lib/ld.so\"\n",
       "patch.files.\"bin/x\".interp", "unknown key"},
      {"interpreter an array", kHead + "[patch.files.\"bin/x\"]\ninterpreter = @@[\"/lib/ld.so\"]\n",
       "patch.files.\"bin/x\".interpreter", "expected a string, got array"},
      {"rpath an integer", kHead + "[patch.files.\"bin/x\"]\nrpath = @@1\n", "patch.files.\"bin/x\".rpath",
       "expected a string or an array of strings, got integer"},
      {"rpath element an integer", kHead + "[patch.files.\"bin/x\"]\nrpath = [\"/a\", @@2]\n",
       "patch.files.\"bin/x\".rpath[1]", "expected a string, got integer"},
      {"add_needed a string", kHead + "[patch.files.\"bin/x\"]\nadd_needed = @@\"libm.so.6\"\n",
       "patch.files.\"bin/x\".add_needed", "expected an array of strings, got string"},
      {"remove_needed element a table", kHead + "[patch.files.\"bin/x\"]\nremove_needed = [@@{}]\n",
       "patch.files.\"bin/x\".remove_needed[0]", "expected a string, got table"},
      {"replace_needed an array", kHead + "[patch.files.\"bin/x\"]\nreplace_needed = @@[\"a\", \"b\"]\n",
       "patch.files.\"bin/x\".replace_needed", "expected a table, got array"},
      {"replace_needed value an integer", kHead + "[patch.files.\"bin/x\"]\nreplace_needed = { \"liba.so\" = @@1 }\n",
       "patch.files.\"bin/x\".replace_needed.liba.so", "expected a string, got integer"},
      {"wrapper given as a string", kHead + "wrapper = @@\"bin/x\"\n", "wrapper", "expected an array of tables"},
      {"wrapper without target", kHead + "@@[[wrapper]]\nout = \"bin/y\"\n", "wrapper[0].target", "missing"},
      {"wrapper without out", kHead + "@@[[wrapper]]\ntarget = \"bin/y\"\n", "wrapper[0].out", "missing"},
      {"wrapper out escaping", kHead + "[[wrapper]]\ntarget = \"bin/x\"\nout = @@\"../y\"\n", "wrapper[0].out",
       "without '..'"},
      {"wrapper binary a string", kHead + kWrapper + "binary = @@\"yes\"\n", "wrapper[0].binary",
       "expected a boolean, got string"},
      {"wrapper set not a table", kHead + kWrapper + "set = @@[\"A\"]\n", "wrapper[0].set",
       "expected a table, got array"},
      {"wrapper set value an integer", kHead + kWrapper + "set = { A = @@1 }\n", "wrapper[0].set.A",
       "expected a string, got integer"},
      {"wrapper set_default not a table", kHead + kWrapper + "set_default = @@\"A=1\"\n", "wrapper[0].set_default",
       "expected a table, got string"},
      {"wrapper unset an integer", kHead + kWrapper + "unset = @@1\n", "wrapper[0].unset",
       "expected a string or an array of strings"},
      {"wrapper prefix of two strings", kHead + kWrapper + "prefix = [@@[\"PATH\", \":\"]]\n", "wrapper[0].prefix[0]",
       "expected 3 strings, got 2"},
      {"wrapper suffix a string", kHead + kWrapper + "suffix = @@\"PATH\"\n", "wrapper[0].suffix",
       "expected an array, got string"},
      {"wrapper chdir an array", kHead + kWrapper + "chdir = [@@1]\n", "wrapper[0].chdir[0]",
       "expected a string, got integer"},
      {"wrapper add_flags an integer", kHead + kWrapper + "add_flags = @@1\n", "wrapper[0].add_flags",
       "expected a string or an array of strings"},
      {"wrapper inherit_argv0 a string", kHead + kWrapper + "inherit_argv0 = @@\"yes\"\n",
       "wrapper[0].inherit_argv0", "expected a boolean, got string"},
      {"wrapper shell relative", kHead + kWrapper + "shell = @@\"bash\"\n", "wrapper[0].shell",
       "expected an absolute path"},
      {"wrapper argv0 with a shell lacking exec -a",
       kHead + "@@[[wrapper]]\ntarget = \"/bin/echo\"\nout = \"bin/y\"\nargv0 = \"x\"\nshell = \"/bin/dash\"\n",
       "wrapper[0]", "has no `exec -a`"},
      {"wrapper typo", kHead + kWrapper + "@@chdri = \"/\"\n", "wrapper[0].chdri", "unknown key"},
      {"wrapper args not a flag", kHead + kWrapper + "args = @@[\"--sett\"]\n", "wrapper[0].args",
       "not a flag of shelf wrap"},
      {"wrapper args missing a value", kHead + kWrapper + "args = @@[\"--set\", \"A\"]\n", "wrapper[0].args",
       "takes 2 value(s)"},
      {"desktop without exec", kHead + "@@[[desktop]]\nname = \"X\"\n", "desktop[0].exec", "missing"},
      {"desktop without name", kHead + "@@[[desktop]]\nexec = \"x\"\n", "desktop[0].name", "missing"},
      {"desktop terminal a string", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nterminal = @@\"no\"\n",
       "desktop[0].terminal", "expected a boolean, got string"},
      {"desktop categories an integer", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\ncategories = @@1\n",
       "desktop[0].categories", "expected a string or an array of strings"},
      {"desktop icon an array", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nicon = @@[]\n", "desktop[0].icon",
       "expected a string, got array"},
      {"desktop comment a boolean", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\ncomment = @@true\n",
       "desktop[0].comment", "expected a string, got boolean"},
      {"desktop id with a slash", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nid = @@\"a/b\"\n",
       "desktop[0].id", "not a file name"},
      {"desktop id with NUL", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nid = @@\"a\\u0000b\"\n",
       "desktop[0].id", "control character"},
      {"desktop id with a newline", kHead + "[[desktop]]\nname = \"X\"\nexec = \"x\"\nid = @@\"a\\nb\"\n",
       "desktop[0].id", "control character"},
      {"TOML syntax", kHead + "@@[install\n", "", "not valid TOML"},
  };
}

// The text without its "@@" marker, and the marker's line and column.
struct Marked {
  std::string text;
  int line = 0, column = 0;
};

Marked unmark(const std::string& text) {
  size_t at = text.find("@@");
  EXPECT_NE(at, std::string::npos) << "a case without a marker:\n" << text;
  if (at == std::string::npos) return {text, 0, 0};
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  return {text.substr(0, at) + text.substr(at + 2), line, static_cast<int>(at - line_start) + 1};
}

TEST(RecipeErrors, EveryBadKeyNamesFileLineColumnAndKeyAndChangesNothing) {
  RecipeEnv env("recipe-errors");
  // A valid build first, so "unchanged" compares against a store with content.
  write_file(env.root + "/ok.toml", "name = \"empty\"\nversion = \"1\"\n");
  RunResult ok = env.build({env.root + "/ok.toml"});
  ASSERT_EQ(ok.status, 0) << ok.err;
  std::vector<std::string> before = env.entries();
  std::string valid_before = env.valid_paths();

  int n = 0;
  for (const BadCase& c : bad_cases()) {
    std::string text = c.text;
    for (size_t at = text.find("STORE"); at != std::string::npos; at = text.find("STORE")) text.replace(at, 5, env.store);
    Marked m = unmark(text);
    std::string file = env.root + "/bad" + std::to_string(n++) + ".toml";
    write_file(file, m.text);
    RunResult r = env.build({file});
    EXPECT_EQ(r.status, 3) << c.what << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.what;
    // TOML syntax errors come from toml++, which places them itself: only
    // the line is ours to check there.
    std::string where = "shelf: " + file + ":" + std::to_string(m.line) + ":" +
                        (c.key.empty() ? "" : std::to_string(m.column) + ": key '" + c.key + "': ");
    EXPECT_TRUE(r.err.starts_with(where)) << c.what << ": expected the line to start with\n  " << where << "\ngot\n  "
                                          << r.err;
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
  // Line 5, column 10: the sha256 value.
  EXPECT_TRUE(r.err.starts_with("shelf: " + recipe + ":5:10: key 'source[0].sha256': hash mismatch")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(": expected " + wrong + ", got " + right + "\n"), std::string::npos)
      << "the actual hash, base-16 as written, should be printed\n" << r.err;
  EXPECT_EQ(env.valid_paths(), "");
  EXPECT_EQ(env.entries(), std::vector<std::string>{}) << "no path, no temporary directory left";

  // Written as SRI or Nix base-32, the actual hash is given in the same
  // form (computed here by openssl and nix-hash).
  if (!require_tool("openssl", "openssl") || !require_tool("nix-hash", "nix-bin")) return;
  std::string sri = "sha256-" + trim(sh("openssl dgst -sha256 -binary '" + tarball + "' | base64").out);
  std::string nix32 = trim(run({"nix-hash", "--type", "sha256", "--to-base32", right}).out);
  std::string zero_sri = "sha256-" + std::string(43, 'A') + "=";
  std::string zero_nix32 = std::string(52, '0');
  for (auto [written, actual] : {std::pair{zero_sri, sri}, {zero_nix32, nix32}}) {
    write_file(recipe, kHead + "[[source]]\npath = \"pkg.tar.gz\"\nsha256 = \"" + written + "\"\n");
    r = env.build({recipe});
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find(": expected " + written + ", got " + actual + "\n"), std::string::npos) << r.err;
  }
  EXPECT_EQ(env.entries(), std::vector<std::string>{});

  // The same recipe with the right hash builds, and holds what tar packed.
  write_file(recipe, kHead + "[[source]]\npath = \"pkg.tar.gz\"\nsha256 = \"" + right + "\"\n");
  r = env.build({recipe});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(trim(r.out) + "/pkg/hello.txt"), "hi\n");
}

// Hostile archives, written entry by entry by python3's tarfile (which
// stores names and link targets as given): each is refused naming the
// entry, nothing lands outside, nothing is registered.
struct Hostile {
  const char* what;
  const char* entries;  // python: a list of (name, kind, data-or-target)
  const char* entry;    // the entry the error must name
};

TEST(RecipeErrors, HostileArchivesAreRefused) {
  if (!require_tool("python3", "python3")) return;
  const Hostile cases[] = {
      {"'..' climbing out", "[('pkg/ok.txt', 'f', 'ok'), ('pkg/../../escaped.txt', 'f', 'payload')]", "escaped.txt"},
      {"absolute path", "[('/tmp/shelf-recipe-absolute.txt', 'f', 'payload')]", "shelf-recipe-absolute.txt"},
      {"symlink out, then a file through it",
       "[('pkg/out', 'l', '../../..'), ('pkg/out/escaped.txt', 'f', 'payload')]", "pkg/out"},
      {"hard link to a file outside", "[('pkg/passwd', 'h', '../../etc/passwd')]", "pkg/passwd"},
  };
  int n = 0;
  for (const Hostile& c : cases) {
    RecipeEnv env("recipe-hostile");
    std::string archive = env.root + "/evil" + std::to_string(n++) + ".tar";
    RunResult made = run({"python3", "-c",
                          "import io, sys, tarfile\n"
                          "t = tarfile.open(sys.argv[1], 'w')\n"
                          "for name, kind, value in " + std::string(c.entries) + ":\n"
                          "    info = tarfile.TarInfo(name)\n"
                          "    if kind == 'f':\n"
                          "        data = value.encode(); info.size = len(data)\n"
                          "        t.addfile(info, io.BytesIO(data))\n"
                          "    else:\n"
                          "        info.type = tarfile.SYMTYPE if kind == 'l' else tarfile.LNKTYPE\n"
                          "        info.linkname = value\n"
                          "        t.addfile(info)\n"
                          "t.close()\n",
                          archive});
    ASSERT_EQ(made.status, 0) << made.err;
    std::string recipe = env.root + "/evil.toml";
    write_file(recipe, kHead + "[[source]]\npath = \"" + fs::path(archive).filename().string() + "\"\nsha256 = \"" +
                           sha256_of(archive) + "\"\n");
    RunResult r = env.build({recipe});
    EXPECT_EQ(r.status, 3) << c.what << "\n" << r.err;
    EXPECT_TRUE(r.err.starts_with("shelf: " + recipe + ":3:1: key 'source[0]': cannot unpack")) << c.what << "\n"
                                                                                                  << r.err;
    EXPECT_NE(r.err.find(c.entry), std::string::npos) << c.what << ": the entry should be named\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.what << "\n" << r.err;
    EXPECT_FALSE(fs::exists(env.root + "/escaped.txt")) << c.what;
    EXPECT_FALSE(fs::exists(env.store + "/escaped.txt")) << c.what;
    EXPECT_FALSE(fs::exists("/tmp/shelf-recipe-absolute.txt")) << c.what;
    EXPECT_EQ(env.valid_paths(), "") << c.what;
    EXPECT_EQ(env.entries(), std::vector<std::string>{}) << c.what;
  }
}

// A .run that is no makeself installer, a .zip that is no zip: the content
// must fit the declared (or implied) unpack method.
TEST(RecipeErrors, ContentNotMatchingTheUnpackMethodIsRefused) {
  RecipeEnv env("recipe-kind");
  write_file(env.root + "/fake.run", "#!/bin/sh\necho I would run\n");
  write_file(env.root + "/fake.zip", "not a zip\n");
  for (const std::string name : {"fake.run", "fake.zip"}) {
    std::string recipe = env.root + "/kind.toml";
    write_file(recipe, kHead + "[[source]]\npath = \"" + name + "\"\nsha256 = \"" + sha256_of(env.root + "/" + name) +
                           "\"\n");
    RunResult r = env.build({recipe});
    EXPECT_EQ(r.status, 3) << name << "\n" << r.err;
    EXPECT_TRUE(r.err.starts_with("shelf: " + recipe + ":3:1: key 'source[0].unpack': ")) << r.err;
    EXPECT_NE(r.err.find("is not what unpack = "), std::string::npos) << r.err;
    EXPECT_EQ(env.entries(), std::vector<std::string>{}) << name;
  }
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
