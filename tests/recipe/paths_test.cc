// Input-addressed output paths: known before the build (--dry-run prints
// the path the build then registers), equal for equal inputs (wherever the
// recipe lies), different when the recipe text or a dependency changes; a
// valid output is not built again. Sources by file:// URL go through
// libcurl and the same sha256 check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "recipe_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;

struct Package {
  std::string dir, recipe, tarball;
};

// A tarball made by tar, and a recipe installing its file.
Package make_package(const std::string& dir, const std::string& extra = "") {
  write_file(dir + "/src/pkg-1.0/share/doc/README", "read me\n");
  RunResult r = sh("tar -C '" + dir + "/src' -czf '" + dir + "/pkg-1.0.tar.gz' pkg-1.0");
  EXPECT_EQ(r.status, 0) << r.err;
  Package p{dir, dir + "/pkg.toml", dir + "/pkg-1.0.tar.gz"};
  write_file(p.recipe, "name = \"pkg\"\nversion = \"1.0\"\n" + extra + "[[source]]\npath = \"pkg-1.0.tar.gz\"\nsha256 = \"" +
                           sha256_of(p.tarball) + "\"\nstrip_components = 1\n[install]\n\"share/\" = \"share/*\"\n");
  return p;
}

nlohmann::json build_json(const RecipeEnv& env, const std::vector<std::string>& files, bool dry = false) {
  std::vector<std::string> args = files;
  args.push_back("--json");
  if (dry) args.push_back("--dry-run");
  RunResult r = env.build(args);
  EXPECT_EQ(r.status, 0) << r.err;
  return nlohmann::json::parse(r.out.empty() ? "{}" : r.out);
}

TEST(RecipePaths, DryRunNamesThePathTheBuildRegisters) {
  RecipeEnv env("recipe-dry");
  Package p = make_package(env.root + "/a");
  nlohmann::json planned = build_json(env, {p.recipe}, true);
  ASSERT_EQ(planned["outputs"].size(), 1u);
  std::string path = planned["outputs"][0]["path"];
  EXPECT_EQ(planned["outputs"][0]["state"], "planned");
  EXPECT_TRUE(env.entries().empty()) << "a dry run builds nothing";
  EXPECT_EQ(env.valid_paths(), "");

  RunResult built = env.build({p.recipe});
  ASSERT_EQ(built.status, 0) << built.err;
  EXPECT_EQ(trim(built.out), path);
  EXPECT_EQ(fs::path(path).parent_path().string(), env.store);
  EXPECT_TRUE(fs::path(path).filename().string().ends_with("-pkg-1.0")) << path;
  EXPECT_EQ(read_file(path + "/share/doc/README"), "read me\n");
  EXPECT_EQ(trim(env.valid_paths()), path) << "registered in the database";
  // Registered paths are read-only, as in Nix.
  EXPECT_EQ(fs::status(path + "/share/doc/README").permissions() & fs::perms::owner_write, fs::perms::none);
}

TEST(RecipePaths, SameInputsSamePathAndNoRebuild) {
  RecipeEnv env("recipe-same");
  Package a = make_package(env.root + "/a");
  nlohmann::json first = build_json(env, {a.recipe});
  EXPECT_EQ(first["outputs"][0]["state"], "built");
  nlohmann::json again = build_json(env, {a.recipe});
  EXPECT_EQ(again["outputs"][0]["path"], first["outputs"][0]["path"]);
  EXPECT_EQ(again["outputs"][0]["state"], "valid") << "a valid output must not be built again";
  // The same recipe and source elsewhere on disk: the same inputs.
  fs::create_directories(env.root + "/b");
  fs::copy_file(a.recipe, env.root + "/b/pkg.toml");
  fs::copy_file(a.tarball, env.root + "/b/pkg-1.0.tar.gz");
  nlohmann::json moved = build_json(env, {env.root + "/b/pkg.toml"});
  EXPECT_EQ(moved["outputs"][0]["path"], first["outputs"][0]["path"]);
  EXPECT_EQ(moved["outputs"][0]["state"], "valid");
  std::string valid = env.valid_paths();
  EXPECT_EQ(std::count(valid.begin(), valid.end(), '\n'), 1) << valid;
}

TEST(RecipePaths, ChangedRecipeTextOrDependencyGivesANewPath) {
  RecipeEnv env("recipe-change");
  Package a = make_package(env.root + "/a");
  std::string first = build_json(env, {a.recipe}, true)["outputs"][0]["path"];
  // Only a comment added: still a different input.
  write_file(a.recipe, "# a comment\n" + read_file(a.recipe));
  std::string commented = build_json(env, {a.recipe}, true)["outputs"][0]["path"];
  EXPECT_NE(commented, first);

  // A dependency whose own recipe changes changes its users' paths.
  write_file(env.root + "/a/dep.toml", "name = \"dep\"\nversion = \"1\"\n");
  Package c = make_package(env.root + "/c", "dependencies = [\"../a/dep.toml\"]\n");
  nlohmann::json with_dep = build_json(env, {c.recipe});
  ASSERT_EQ(with_dep["all"].size(), 2u) << "the dependency is built first";
  EXPECT_EQ(with_dep["all"][0]["name"], "dep-1");
  EXPECT_EQ(with_dep["outputs"][0]["dependencies"][0], with_dep["all"][0]["path"]);
  write_file(env.root + "/a/dep.toml", "name = \"dep\"\nversion = \"1\"\ndescription = \"changed\"\n");
  nlohmann::json changed = build_json(env, {c.recipe}, true);
  EXPECT_NE(changed["outputs"][0]["path"], with_dep["outputs"][0]["path"]);
  EXPECT_NE(changed["all"][0]["path"], with_dep["all"][0]["path"]);
}

TEST(RecipePaths, DependencyOnAStorePathAndSubstitution) {
  RecipeEnv env("recipe-storedep");
  write_file(env.root + "/lib/data.txt", "x\n");
  RunResult added = env.shelf({"store", "add", env.root + "/lib", "--name", "libdata", "--version", "2.0"});
  ASSERT_EQ(added.status, 0) << added.err;
  std::string dep = trim(added.out);
  // A wrapper naming the dependency and the output by substitution; the
  // wrapped program is /bin/echo, so running the wrapper shows the values.
  write_file(env.root + "/w.toml", "name = \"w\"\nversion = \"1\"\ndependencies = [\"" + dep +
                                       "\"]\n[[wrapper]]\ntarget = \"/bin/echo\"\nout = \"bin/show\"\n"
                                       "add_flags = \"${deps.libdata}/data.txt $out $HOME\"\n");
  RunResult r = env.build({env.root + "/w.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string out = trim(r.out);
  RunResult shown = run({out + "/bin/show"}, {{"HOME", "/home/x"}});
  EXPECT_EQ(shown.out, dep + "/data.txt " + out + " $HOME\n") << "$HOME stays literal";
  RunResult refs = env.shelf({"store", "refs", out});
  EXPECT_NE(refs.out.find(dep), std::string::npos) << "the dependency is a reference\n" << refs.out;

  // An unknown dependency name is a recipe error naming the key.
  write_file(env.root + "/bad.toml", "name = \"w\"\nversion = \"2\"\n[[wrapper]]\ntarget = \"/bin/echo\"\n"
                                         "out = \"bin/show\"\nadd_flags = \"${deps.nothere}\"\n");
  RunResult bad = env.build({env.root + "/bad.toml"});
  EXPECT_EQ(bad.status, 3);
  EXPECT_NE(bad.err.find("key 'wrapper[0].add_flags'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(env.root + "/bad.toml:6:13: "), std::string::npos) << "line and column of the value\n"
                                                                             << bad.err;
  EXPECT_NE(bad.err.find("${deps.nothere}"), std::string::npos) << bad.err;
}

TEST(RecipePaths, FileUrlSourceIsFetchedAndChecked) {
  RecipeEnv env("recipe-url");
  Package a = make_package(env.root + "/a");
  std::string text = read_file(a.recipe);
  text.replace(text.find("path = \"pkg-1.0.tar.gz\""), std::string("path = \"pkg-1.0.tar.gz\"").size(),
               "url = \"file://" + a.tarball + "\"");
  write_file(env.root + "/url.toml", text);
  RunResult r = env.build({env.root + "/url.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(trim(r.out) + "/share/doc/README"), "read me\n");
  // A missing file is a fetch error naming the source's url key.
  text.replace(text.find("pkg-1.0.tar.gz\""), 14, "missing.tar.gz");
  write_file(env.root + "/missing.toml", text);
  RunResult missing = env.build({env.root + "/missing.toml"});
  EXPECT_EQ(missing.status, 3);
  EXPECT_NE(missing.err.find("key 'source[0].url'"), std::string::npos) << missing.err;
}

// A local HTTP server (python3's http.server) for url sources: serves
// `dir`, answers /redirect/* with a redirect to a file:// URL, stops on /quit
// or after a minute. Its port is written to `dir`/port.
std::string start_http_server(const std::string& dir) {
  write_file(dir + "/server.py",
             "import functools, http.server, os, sys, threading\n"
             "d = sys.argv[1]\n"
             "done = threading.Event()\n"
             "class H(http.server.SimpleHTTPRequestHandler):\n"
             "    def log_message(self, *args): pass\n"
             "    def do_GET(self):\n"
             "        if self.path == '/quit': done.set()\n"
             "        if self.path.startswith('/redirect/'):\n"
             "            self.send_response(302); self.send_header('Location', 'file://' + d + '/pkg-1.0.tar.gz')\n"
             "            self.end_headers(); return\n"
             "        super().do_GET()\n"
             "srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(H, directory=d))\n"
             "threading.Thread(target=srv.serve_forever, daemon=True).start()\n"
             "open(d + '/port.tmp', 'w').write(str(srv.server_address[1]))\n"
             "os.rename(d + '/port.tmp', d + '/port')\n"
             "done.wait(60)\n");
  RunResult started = sh("python3 '" + dir + "/server.py' '" + dir + "' </dev/null >/dev/null 2>&1 &");
  EXPECT_EQ(started.status, 0) << started.err;
  for (int i = 0; i < 200 && !fs::exists(dir + "/port"); ++i) usleep(50 * 1000);
  return trim(read_file(dir + "/port"));
}

TEST(RecipePaths, HttpUrlSourceIsFetchedErrorsNameTheUrl) {
  if (!require_tool("python3", "python3")) return;
  RecipeEnv env("recipe-http");
  Package a = make_package(env.root + "/a");
  std::string port = start_http_server(env.root + "/a");
  ASSERT_FALSE(port.empty()) << "the HTTP server did not start";
  std::string base = "http://127.0.0.1:" + port;
  std::string text = read_file(a.recipe);
  auto with_url = [&](const std::string& url) {
    std::string t = text;
    t.replace(t.find("path = \"pkg-1.0.tar.gz\""), std::string("path = \"pkg-1.0.tar.gz\"").size(),
              "url = \"" + url + "\"");
    return t;
  };
  write_file(env.root + "/http.toml", with_url(base + "/pkg-1.0.tar.gz"));
  RunResult r = env.build({env.root + "/http.toml"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(trim(r.out) + "/share/doc/README"), "read me\n");
  // The url line is line 4 (after name, version, [[source]]), its value at column 7.
  write_file(env.root + "/404.toml", with_url(base + "/missing.tar.gz"));
  RunResult missing = env.build({env.root + "/404.toml"});
  EXPECT_EQ(missing.status, 3);
  EXPECT_TRUE(missing.err.starts_with("shelf: " + env.root + "/404.toml:4:7: key 'source[0].url': cannot fetch " +
                                      base + "/missing.tar.gz"))
      << missing.err;
  EXPECT_NE(missing.err.find("404"), std::string::npos) << missing.err;
  // A server may not redirect a download to a local file.
  write_file(env.root + "/redirect.toml", with_url(base + "/redirect/pkg-1.0.tar.gz"));
  RunResult redirected = env.build({env.root + "/redirect.toml"});
  EXPECT_EQ(redirected.status, 3) << redirected.err;
  EXPECT_TRUE(redirected.err.starts_with("shelf: " + env.root + "/redirect.toml:4:7: key 'source[0].url': "))
      << redirected.err;
  EXPECT_NE(redirected.err.find("Protocol \"file\" not supported"), std::string::npos) << redirected.err;
  std::string valid = env.valid_paths();
  EXPECT_EQ(std::count(valid.begin(), valid.end(), '\n'), 1) << valid;
  sh("python3 -c \"import urllib.request; urllib.request.urlopen('" + base + "/quit', timeout=5)\"");
}

}  // namespace
