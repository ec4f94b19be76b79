// Every key of recipes/README.md, used for real: sources of every unpack
// method and every sha256 form (the hashes computed by sha256sum, nix-hash
// and openssl, not by shelf), remove/install, explicit and automatic
// patching (checked with readelf and by running the programs), every
// wrapper flag (a program that prints its argv, cwd and environment), and
// desktop entries (desktop-file-validate). Expected values follow from the
// recipe text and the README, never from shelf's own output.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "recipe_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

std::string q(const std::string& s) { return "'" + s + "'"; }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void must(const RunResult& r, const std::string& what) { ASSERT_EQ(r.status, 0) << what << "\n" << r.out << r.err; }

std::string readelf(const std::string& flags, const std::string& file) {
  RunResult r = run({"readelf", "-W", flags, file});
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

// The host's loader and libc as a store path (the dependency programs are
// patched against), added with `shelf store add`.
std::string add_glibc(const RecipeEnv& env) {
  std::string dir = env.root + "/glibc-src";
  fs::create_directories(dir + "/lib");
  fs::copy_file("/lib64/ld-linux-x86-64.so.2", dir + "/lib/ld-linux-x86-64.so.2");
  fs::copy_file("/lib/x86_64-linux-gnu/libc.so.6", dir + "/lib/libc.so.6");
  RunResult r = env.shelf({"store", "add", dir, "--name", "glibc", "--version", "2.36"});
  EXPECT_EQ(r.status, 0) << r.err;
  return trim(r.out);
}

TEST(RecipeKeys, SourcesOfEveryUnpackMethodAndHashForm) {
  for (auto [tool, package] : {std::pair{"nix-hash", "nix-bin"}, {"openssl", "openssl"}, {"zip", "zip"},
                               {"dpkg-deb", "dpkg"}, {"makeself", "makeself"}, {"zstd", "zstd"}, {"xz", "xz-utils"},
                               {"bzip2", "bzip2"}})
    if (!require_tool(tool, package)) return;
  RecipeEnv env("recipe-keys-sources");
  std::string d = env.root + "/src";
  // One payload per method, each file naming its method.
  std::vector<std::string> methods = {"txz", "tzst", "tbz", "zip", "deb", "npm", "run", "none", "explicit", "url"};
  for (const std::string& m : methods) write_file(d + "/" + m + "/top/" + m + ".txt", m + "\n");
  write_file(d + "/deb/DEBIAN/control",
             "Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: d\n");
  fs::create_directories(d + "/deb/usr/share");
  fs::rename(d + "/deb/top", d + "/deb/usr/share/top");
  fs::rename(d + "/npm/top", d + "/npm/package");
  std::string s = "set -e; cd " + q(d) + "; ";
  must(sh(s + "tar -C txz -cJf a.tar.xz top && tar -C tzst --zstd -cf a.tar.zst top && "
              "tar -C tbz -cjf a.tar.bz2 top && (cd zip && zip -qr ../a.zip top) && "
              "dpkg-deb -Zxz --build deb a.deb >/dev/null && tar -C npm -czf a.tgz package && "
              "makeself --quiet --nox11 run/top a.run demo true >/dev/null && cp none/top/none.txt a.txt && "
              "tar -C explicit -cf blob top && tar -C url -czf fetched.tar.gz top"),
       "making the sources");
  auto sha = [&](const std::string& f) { return sha256_of(d + "/" + f); };
  // The other two forms, by independent tools.
  auto nix32 = [&](const std::string& f) {
    return trim(run({"nix-hash", "--type", "sha256", "--to-base32", sha(f)}).out);
  };
  auto sri = [&](const std::string& f) {
    return "sha256-" + trim(sh("openssl dgst -sha256 -binary " + q(d + "/" + f) + " | base64").out);
  };
  std::string recipe = "name = \"sources\"\nversion = \"1\"\ndescription = \"every unpack method\"\n";
  auto source = [&](const std::string& where, const std::string& hash, const std::string& extra) {
    recipe += "[[source]]\n" + where + "\nsha256 = \"" + hash + "\"\n" + extra;
  };
  source("path = \"src/a.tar.xz\"", sha("a.tar.xz"), "strip_components = 1\ndest = \"txz\"\n");
  source("path = \"src/a.tar.zst\"", nix32("a.tar.zst"), "strip_components = 1\ndest = \"tzst\"\n");
  source("path = \"src/a.tar.bz2\"", sri("a.tar.bz2"), "dest = \"tbz\"\n");  // keeps top/
  source("path = \"src/a.zip\"", "sha256:" + sha("a.zip"), "strip_components = 1\ndest = \"zip\"\n");
  source("path = \"src/a.deb\"", sha("a.deb"), "strip_components = 2\ndest = \"deb\"\n");
  source("path = \"src/a.tgz\"", sha("a.tgz"), "unpack = \"npm\"\ndest = \"npm\"\n");
  source("path = \"src/a.run\"", sha("a.run"), "dest = \"run\"\n");
  source("path = \"src/a.txt\"", sha("a.txt"), "unpack = \"none\"\ndest = \"none/deep\"\n");
  source("path = \"src/blob\"", sha("blob"), "unpack = \"tar\"\nstrip_components = 1\ndest = \"explicit\"\n");
  source("url = \"file://" + d + "/fetched.tar.gz\"", sha("fetched.tar.gz"), "strip_components = 1\ndest = \"url\"\n");
  write_file(env.root + "/sources.toml", recipe);
  RunResult r = env.build({env.root + "/sources.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  // Without [install] the whole tree is the output.
  EXPECT_EQ(read_file(out + "/txz/txz.txt"), "txz\n");
  EXPECT_EQ(read_file(out + "/tzst/tzst.txt"), "tzst\n");
  EXPECT_EQ(read_file(out + "/tbz/top/tbz.txt"), "tbz\n");
  EXPECT_EQ(read_file(out + "/zip/zip.txt"), "zip\n");
  EXPECT_EQ(read_file(out + "/deb/top/deb.txt"), "deb\n") << "the .deb's data, usr/share stripped";
  EXPECT_FALSE(fs::exists(out + "/deb/DEBIAN")) << "control data is not payload";
  EXPECT_EQ(read_file(out + "/npm/npm.txt"), "npm\n") << "npm's package/ dropped";
  EXPECT_EQ(read_file(out + "/run/run.txt"), "run\n") << "the makeself payload";
  EXPECT_EQ(read_file(out + "/none/deep/a.txt"), "none\n") << "unpack = none copies the file";
  EXPECT_EQ(read_file(out + "/explicit/explicit.txt"), "explicit\n");
  EXPECT_EQ(read_file(out + "/url/url.txt"), "url\n");
  // Nothing else: every entry of the output is one of those.
  RunResult listing = sh("cd " + q(out) + " && find . -type f | sort");
  EXPECT_EQ(lines(listing.out).size(), 10u) << listing.out;
}

// A tarball with lib/ (two static archives, a shared library), bin/, doc/.
std::string tree_tarball(const std::string& dir) {
  for (const char* f : {"pkg/lib/liba.a", "pkg/lib/libb.a", "pkg/lib/libkeep.so", "pkg/bin/tool", "pkg/doc/a.md",
                        "pkg/doc/b.md", "pkg/doc/sub/c.md"})
    write_file(dir + "/" + f, std::string(f) + "\n");
  must(sh("tar -C " + q(dir) + " -czf " + q(dir + "/pkg.tar.gz") + " pkg"), "tar");
  return dir + "/pkg.tar.gz";
}

TEST(RecipeKeys, RemoveAndInstall) {
  RecipeEnv env("recipe-keys-install");
  std::string tarball = tree_tarball(env.root);
  std::string head = "name = \"inst\"\nversion = \"1\"\nremove = [\"lib/*.a\", \"doc/b.md\"]\n[[source]]\npath = "
                     "\"pkg.tar.gz\"\nsha256 = \"" + sha256_of(tarball) + "\"\nstrip_components = 1\n";
  write_file(env.root + "/inst.toml", head + "[install]\n\"libexec/tool\" = \"bin/tool\"\n\"lib/\" = \"lib/*\"\n"
                                             "\"share/doc/\" = \"doc/*\"\n");
  RunResult r = env.build({env.root + "/inst.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  RunResult listing = sh("cd " + q(out) + " && find . -type f | sort");
  EXPECT_EQ(listing.out, "./lib/libkeep.so\n./libexec/tool\n./share/doc/a.md\n./share/doc/sub/c.md\n")
      << "removed: lib/*.a, doc/b.md; bin/tool renamed; directories copied whole";
  EXPECT_EQ(read_file(out + "/libexec/tool"), "pkg/bin/tool\n");

  // A remove glob that matches nothing means the recipe is out of date.
  write_file(env.root + "/stale.toml",
             "name = \"inst\"\nversion = \"2\"\nremove = [\"lib/*.a\", \"lib/libgone.so\"]\n[[source]]\npath = "
             "\"pkg.tar.gz\"\nsha256 = \"" + sha256_of(tarball) + "\"\nstrip_components = 1\n");
  std::vector<std::string> before = env.entries();
  RunResult stale = env.build({env.root + "/stale.toml"});
  EXPECT_EQ(stale.status, 3);
  EXPECT_TRUE(stale.err.starts_with("shelf: " + env.root + "/stale.toml:3:22: key 'remove[1]': 'lib/libgone.so' "
                                    "matches nothing"))
      << stale.err;
  // A single destination for a glob matching several entries.
  write_file(env.root + "/many.toml", head + "[install]\n\"lib/one\" = \"doc/*\"\n");
  RunResult many = env.build({env.root + "/many.toml"});
  EXPECT_EQ(many.status, 3);
  EXPECT_TRUE(many.err.starts_with("shelf: " + env.root + "/many.toml:9:13: key 'install.\"lib/one\"': 'doc/*' "
                                   "matches 2 entries"))
      << many.err;
  EXPECT_EQ(env.entries(), before);
}

// C sources of the patch tests: a program using a library by soname, a
// library it is not really using, and libraries that announce themselves.
const char* kUses = "#include <stdio.h>\nconst char *who(void);\nint main(void) { printf(\"main: %s\\n\", who()); return 0; }\n";
const char* kWho = "const char *who(void) { return \"WHO\"; }\n";
const char* kLoud = "#include <stdio.h>\n__attribute__((constructor)) static void hi(void) { puts(\"NAME loaded\"); }\n";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

TEST(RecipeKeys, ExplicitPatchEdits) {
  if (!require_tool("readelf", "binutils") || !require_tool("gcc", "gcc")) return;
  RecipeEnv env("recipe-keys-patch");
  std::string glibc = add_glibc(env);
  std::string b = env.root + "/pkg";
  write_file(b + "/main.c", kUses);
  write_file(b + "/old.c", replace_all(kWho, "WHO", "the old library"));
  write_file(b + "/new.c", replace_all(kWho, "WHO", "the new library"));
  write_file(b + "/unused.c", "int unused(void) { return 0; }\n");
  write_file(b + "/extra.c", replace_all(kLoud, "NAME", "libextra"));
  std::string s = "set -e; cd " + q(b) + "; mkdir -p t/bin t/lib; ";
  // bin/prog needs libold.so.1 (for who) and libunused.so (not really).
  must(sh(s + "gcc -shared -fPIC -Wl,-soname,libold.so.1 -o libold.so.1 old.c && "
              "gcc -shared -fPIC -Wl,-soname,libnew.so.2 -o t/lib/libnew.so.2 new.c && "
              "gcc -shared -fPIC -Wl,-soname,libunused.so -o libunused.so unused.c && "
              "gcc -shared -fPIC -Wl,-soname,libextra.so -o t/lib/libextra.so extra.c && "
              "gcc -o t/bin/prog main.c -L. -l:libold.so.1 -Wl,--no-as-needed -l:libunused.so && "
              "tar -C t -czf pkg.tar.gz bin lib"),
       "building the package");
  // Shipped: only libnew.so.2 and libextra.so; the program names libold.so.1.
  write_file(env.root + "/p.toml",
             "name = \"p\"\nversion = \"1\"\ndependencies = [\"" + glibc + "\"]\n[[source]]\npath = \"pkg/pkg.tar.gz\"\n"
             "sha256 = \"" + sha256_of(b + "/pkg.tar.gz") + "\"\n"
             "[patch.files.\"bin/prog\"]\n"
             "interpreter = \"${deps.glibc}/lib/ld-linux-x86-64.so.2\"\n"
             "rpath = [\"$out/lib\", \"${deps.glibc}/lib\"]\n"
             "add_needed = [\"libextra.so\"]\n"
             "remove_needed = [\"libunused.so\"]\n"
             "replace_needed = { \"libold.so.1\" = \"libnew.so.2\" }\n"
             "[patch.files.\"lib/lib*.so*\"]\n"
             "rpath = \"${out}/lib:${deps.glibc}/lib\"\n");
  RunResult r = env.build({env.root + "/p.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  std::string prog = out + "/bin/prog";
  EXPECT_NE(readelf("-l", prog).find("[Requesting program interpreter: " + glibc + "/lib/ld-linux-x86-64.so.2]"),
            std::string::npos);
  std::string dyn = readelf("-d", prog);
  EXPECT_NE(dyn.find("Library runpath: [" + out + "/lib:" + glibc + "/lib]"), std::string::npos) << dyn;
  EXPECT_NE(dyn.find("Shared library: [libnew.so.2]"), std::string::npos) << dyn;
  EXPECT_NE(dyn.find("Shared library: [libextra.so]"), std::string::npos) << dyn;
  EXPECT_EQ(dyn.find("libold.so.1"), std::string::npos) << dyn;
  EXPECT_EQ(dyn.find("libunused.so"), std::string::npos) << dyn;
  for (const char* lib : {"/lib/libnew.so.2", "/lib/libextra.so"})
    EXPECT_NE(readelf("-d", out + lib).find("Library runpath: [" + out + "/lib:" + glibc + "/lib]"), std::string::npos)
        << lib;
  // It runs from the store alone: the new library answers, the added one loads.
  RunResult ran = run({prog}, {{"LD_LIBRARY_PATH", ""}});
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "libextra loaded\nmain: the new library\n");
}

TEST(RecipeKeys, AutoPatchWithIgnoreMissingAndRuntimeDeps) {
  if (!require_tool("readelf", "binutils") || !require_tool("gcc", "gcc")) return;
  RecipeEnv env("recipe-keys-auto");
  std::string glibc = add_glibc(env);
  std::string b = env.root + "/pkg";
  write_file(b + "/main.c",
             "#include <dlfcn.h>\n#include <stdio.h>\nconst char *who(void);\n"
             "int main(void) {\n  printf(\"main: %s\\n\", who());\n"
             "  void *p = dlopen(\"libplugin.so\", RTLD_NOW);\n"
             "  if (!p) { printf(\"no plugin: %s\\n\", dlerror()); return 1; }\n"
             "  printf(\"plugin: %s\\n\", ((const char *(*)(void))dlsym(p, \"plugin\"))());\n  return 0;\n}\n");
  write_file(b + "/who.c", replace_all(kWho, "WHO", "libwho"));
  write_file(b + "/plugin.c", "const char *plugin(void) { return \"found through runtime_deps\"; }\n");
  write_file(b + "/optional.c", "int optional(void) { return 1; }\n");
  write_file(b + "/needs_missing.c", "int optional(void);\nint use(void) { return optional(); }\n");
  std::string s = "set -e; cd " + q(b) + "; mkdir -p t/bin t/lib/plugins; ";
  // bin/prog: the FHS loader, libwho.so beside it in lib/ (no RUNPATH);
  // lib/libextras.so needs libmissing.so.1, which nobody ships.
  must(sh(s + "gcc -shared -fPIC -Wl,-soname,libwho.so -o t/lib/libwho.so who.c && "
              "gcc -shared -fPIC -o t/lib/plugins/libplugin.so plugin.c && "
              "gcc -shared -fPIC -Wl,-soname,libmissing.so.1 -o libmissing.so.1 optional.c && "
              "gcc -shared -fPIC -o t/lib/libextras.so needs_missing.c -L. -l:libmissing.so.1 && "
              "gcc -o t/bin/prog main.c -Lt/lib -lwho && tar -C t -czf pkg.tar.gz bin lib"),
       "building the package");
  std::string text = "name = \"a\"\nversion = \"1\"\ndependencies = [\"" + glibc + "\"]\n[[source]]\npath = "
                     "\"pkg/pkg.tar.gz\"\nsha256 = \"" + sha256_of(b + "/pkg.tar.gz") + "\"\n[patch]\nauto = true\n";
  // Without ignore_missing the build stops, naming what is missing.
  write_file(env.root + "/strict.toml", text);
  RunResult strict = env.build({env.root + "/strict.toml"});
  EXPECT_EQ(strict.status, 3);
  EXPECT_TRUE(strict.err.starts_with("shelf: " + env.root + "/strict.toml:8:8: key 'patch.auto': unresolved libraries"))
      << strict.err;
  EXPECT_NE(strict.err.find("libmissing.so.1"), std::string::npos) << strict.err;
  EXPECT_EQ(std::count(strict.err.begin(), strict.err.end(), '\n'), 1) << strict.err;
  EXPECT_EQ(env.valid_paths(), trim(glibc) + "\n");

  write_file(env.root + "/a.toml", text + "ignore_missing = [\"libmissing.so.*\"]\nruntime_deps = [\"$out/lib/plugins\"]\n");
  RunResult r = env.build({env.root + "/a.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  std::string prog = out + "/bin/prog";
  EXPECT_NE(readelf("-l", prog).find("[Requesting program interpreter: " + glibc + "/lib/ld-linux-x86-64.so.2]"),
            std::string::npos);
  std::string dyn = readelf("-d", prog);
  EXPECT_NE(dyn.find(out + "/lib/plugins]"), std::string::npos) << "runtime_deps ends the RUNPATH\n" << dyn;
  EXPECT_NE(readelf("-d", out + "/lib/libextras.so").find("Shared library: [libmissing.so.1]"), std::string::npos)
      << "an ignored library stays needed";
  RunResult ran = run({prog}, {{"LD_LIBRARY_PATH", ""}});
  EXPECT_EQ(ran.status, 0) << ran.out << ran.err;
  EXPECT_EQ(ran.out, "main: libwho\nplugin: found through runtime_deps\n");
}

// A program that shows what a wrapper did: argv (argv[0] first), the
// working directory and every W_* variable, sorted.
const char* kShow =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\nextern char **environ;\n"
    "static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }\n"
    "int main(int argc, char **argv) {\n  char cwd[4096];\n  for (int i = 0; i < argc; ++i) printf(\"[%s]\", argv[i]);\n"
    "  printf(\"\\ncwd %s\\n\", getcwd(cwd, sizeof cwd));\n  char *vars[256]; int n = 0;\n"
    "  for (char **e = environ; *e && n < 256; ++e) if (!strncmp(*e, \"W_\", 2)) vars[n++] = *e;\n"
    "  qsort(vars, n, sizeof *vars, cmp);\n  for (int i = 0; i < n; ++i) printf(\"%s\\n\", vars[i]);\n  return 0;\n}\n";

class RecipeWrappers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new RecipeEnv("recipe-keys-wrap");
    std::string b = env_->root + "/pkg";
    write_file(b + "/show.c", kShow);
    write_file(b + "/t/share/pre.txt", "/from/contents\n");
    write_file(b + "/t/share/post.txt", "/after/contents\n");
    RunResult made = sh("set -e; cd " + q(b) + "; mkdir -p t/bin; gcc -O2 -o t/bin/show show.c && cp t/bin/show "
                        "t/bin/inplace && cp t/bin/show t/bin/inplace2 && tar -C t -czf pkg.tar.gz bin share");
    ASSERT_EQ(made.status, 0) << made.err;
    // A dependency recipe: its path is ${deps.dep}.
    write_file(env_->root + "/dep.toml", "name = \"dep\"\nversion = \"3\"\n");
    write_file(env_->root + "/w.toml",
               "name = \"w\"\nversion = \"1\"\ndependencies = [\"dep.toml\"]\n"
               "[[source]]\npath = \"pkg/pkg.tar.gz\"\nsha256 = \"" + sha256_of(b + "/pkg.tar.gz") + "\"\n"
               "[[wrapper]]\ntarget = \"bin/show\"\nout = \"bin/every\"\nshell = \"/bin/bash\"\n"
               "argv0 = \"named\"\n"
               "set = { W_SET = \"$out $HOME ${deps.dep}\" }\n"
               "set_default = { W_DEF = \"default\", W_KEEP = \"default\" }\n"
               "unset = [\"W_GONE\"]\n"
               "prefix = [[\"W_LIST\", \":\", \"$out/pre\"]]\n"
               "suffix = [[\"W_LIST\", \":\", \"post\"]]\n"
               "prefix_each = [[\"W_EACH\", \":\", \"a b\"]]\n"
               "suffix_each = [[\"W_EACH\", \":\", \"y z\"]]\n"
               "prefix_contents = [[\"W_CONT\", \":\", \"$out/share/pre.txt\"]]\n"
               "suffix_contents = [[\"W_CONT\", \":\", \"$out/share/post.txt\"]]\n"
               "chdir = \"$out/share\"\n"
               "run = \"export W_RAN=yes\"\n"
               "add_flags = \"--first 'two words'\"\n"
               "append_flags = \"--last\"\n"
               "add_flag = \"--verbatim *\"\n"
               "append_flag = \"--end\"\n"
               "[[wrapper]]\ntarget = \"bin/inplace\"\nout = \"bin/inplace\"\nshell = \"/bin/bash\"\n"
               "set = { W_SET = \"in place\" }\n"
               "[[wrapper]]\ntarget = \"bin/inplace2\"\nout = \"bin/inplace2\"\n"
               "[[wrapper]]\ntarget = \"$out/bin/show\"\nout = \"libexec/compiled\"\nbinary = true\n"
               "set = { W_SET = \"compiled\" }\nadd_flag = \"--flag\"\n"
               "[[wrapper]]\ntarget = \"bin/show\"\nout = \"bin/ordered\"\n"
               "args = [\"--add-flag\", \"second\", \"--set\", \"W_A\", \"1\", \"--add-flag\", \"first\", \"--set\", "
               "\"W_A\", \"2\"]\n"
               "[[wrapper]]\ntarget = \"bin/show\"\nout = \"bin/resolved\"\nresolve_argv0 = true\nshell = \"/bin/bash\"\n"
               "[[wrapper]]\ntarget = \"bin/show\"\nout = \"bin/inherited\"\ninherit_argv0 = true\nbinary = true\n");
    RunResult built = env_->build({env_->root + "/w.toml", "--json"});
    ASSERT_EQ(built.status, 0) << built.err;
    nlohmann::json j = nlohmann::json::parse(built.out);
    out_ = new std::string(j["outputs"][0]["path"]);
    dep_ = new std::string(j["outputs"][0]["dependencies"][0]);
  }
  static void TearDownTestSuite() {
    delete env_;
    delete out_;
    delete dep_;
  }
  static RecipeEnv* env_;
  static std::string* out_;
  static std::string* dep_;
};

RecipeEnv* RecipeWrappers::env_ = nullptr;
std::string* RecipeWrappers::out_ = nullptr;
std::string* RecipeWrappers::dep_ = nullptr;

TEST_F(RecipeWrappers, EveryFlagKeyActsAsMakeWrapperSays) {
  const std::string& out = *out_;
  RunResult r = run({out + "/bin/every", "mine"},
                    {{"HOME", "/home/u"}, {"W_KEEP", "caller"}, {"W_GONE", "x"}, {"W_LIST", "mid"}, {"W_EACH", "m"}});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "[named][--first][two words][--verbatim *][mine][--last][--end]\n"
                   "cwd " + out + "/share\n"
                   "W_CONT=/from/contents:/after/contents\n"
                   "W_DEF=default\n"
                   "W_EACH=b:a:m:y:z\n"
                   "W_KEEP=caller\n"
                   "W_LIST=" + out + "/pre:mid:post\n"
                   "W_RAN=yes\n"
                   "W_SET=" + out + " $HOME " + *dep_ + "\n");
}

TEST_F(RecipeWrappers, InPlaceCompiledOrderedAndArgv0) {
  const std::string& out = *out_;
  // In place: the program moves to .inplace-wrapped, the wrapper keeps the
  // name and passes its own argv[0] on (wrapProgram).
  EXPECT_TRUE(fs::exists(out + "/bin/.inplace-wrapped"));
  EXPECT_TRUE(read_file(out + "/bin/inplace").starts_with("#!/bin/bash\n")) << "shell = \"/bin/bash\"";
  RunResult in_place = run({out + "/bin/inplace"});
  EXPECT_EQ(in_place.out, "[" + out + "/bin/inplace]\ncwd " + fs::current_path().string() + "\nW_SET=in place\n")
      << in_place.err;
  // With the default /bin/sh (dash: no `exec -a`) the program sees its
  // hidden path, as `shelf wrap` in place does with that shell.
  bool sh_has_exec_a = run({"/bin/sh", "-c", "exec -a probe /bin/true"}).status == 0;
  RunResult in_place_sh = run({out + "/bin/inplace2"});
  EXPECT_EQ(first_line(in_place_sh.out),
            "[" + out + (sh_has_exec_a ? "/bin/inplace2]" : "/bin/.inplace2-wrapped]"))
      << in_place_sh.err;
  // binary = true: an ELF file, not a script.
  EXPECT_NE(readelf("-h", out + "/libexec/compiled").find("ELF64"), std::string::npos);
  RunResult compiled = run({out + "/libexec/compiled", "x"});
  EXPECT_EQ(compiled.out, "[" + out + "/bin/show][--flag][x]\ncwd " + fs::current_path().string() + "\nW_SET=compiled\n")
      << compiled.err;
  // args: in the order written, the later --set winning.
  RunResult ordered = run({out + "/bin/ordered"});
  EXPECT_EQ(ordered.out, "[" + out + "/bin/show][second][first]\ncwd " + fs::current_path().string() + "\nW_A=2\n")
      << ordered.err;
  // inherit_argv0 passes the caller's argv[0]; resolve_argv0 the path the
  // caller's name resolves to through PATH.
  RunResult inherited = run({"bash", "-c", "exec -a called-so " + q(out + "/bin/inherited")});
  EXPECT_EQ(first_line(inherited.out), "[called-so]") << inherited.err;
  RunResult resolved = run({"bash", "-c", "PATH=" + q(out + "/bin") + ":$PATH exec -a resolved " + q(out + "/bin/resolved")});
  EXPECT_EQ(first_line(resolved.out), "[" + out + "/bin/resolved]") << resolved.err;
}

TEST(RecipeKeys, DesktopEntries) {
  if (!require_tool("desktop-file-validate", "desktop-file-utils")) return;
  RecipeEnv env("recipe-keys-desktop");
  write_file(env.root + "/d.toml",
             "name = \"d\"\nversion = \"1\"\n"
             "[[wrapper]]\ntarget = \"/bin/echo\"\nout = \"bin/app\"\n"
             "[[desktop]]\nname = \"My App\"\nexec = \"$out/bin/app --open 'a file' %F\"\nicon = \"$out/share/app.png\"\n"
             "comment = \"Opens files from $out\"\ncategories = \"Utility;TextEditor\"\nterminal = true\n"
             "[[desktop]]\nid = \"org.example.Second\"\nname = \"Second\"\nexec = \"$out/bin/app\"\n"
             "categories = [\"Game\", \"ArcadeGame\"]\n");
  RunResult r = env.build({env.root + "/d.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  std::string first = out + "/share/applications/my-app.desktop";  // id from the name
  std::string second = out + "/share/applications/org.example.Second.desktop";
  for (const std::string& f : {first, second}) {
    RunResult v = run({"desktop-file-validate", f});
    EXPECT_EQ(v.status, 0) << f << "\n" << v.out << v.err;
    EXPECT_EQ(v.out, "") << "no warnings for " << f;
  }
  std::vector<std::string> entry = lines(read_file(first));
  auto has = [&](const std::vector<std::string>& l, const std::string& line) {
    return std::find(l.begin(), l.end(), line) != l.end();
  };
  EXPECT_TRUE(has(entry, "Name=My App"));
  // Exec quoted per the Desktop Entry spec: the space-holding argument quoted.
  EXPECT_TRUE(has(entry, "Exec=" + out + "/bin/app --open \"a file\" %F")) << read_file(first);
  EXPECT_TRUE(has(entry, "Icon=" + out + "/share/app.png"));
  EXPECT_TRUE(has(entry, "Comment=Opens files from " + out));
  EXPECT_TRUE(has(entry, "Categories=Utility;TextEditor;"));
  EXPECT_TRUE(has(entry, "Terminal=true"));
  std::vector<std::string> other = lines(read_file(second));
  EXPECT_TRUE(has(other, "Name=Second"));
  EXPECT_TRUE(has(other, "Categories=Game;ArcadeGame;")) << read_file(second);
}

}  // namespace
