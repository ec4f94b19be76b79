// libarchive and libcurl are opened on first use (store/lazy_library.h):
// the shelf binary does not name them (nor toml++) as NEEDED, `shelf
// --version` loads none of them while `store import` loads libarchive
// (the loader's own LD_DEBUG=files trace says so), and a library or symbol
// that cannot be found is one line naming it, exit 4 from the CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "store/error.h"
#include "store/lazy_library.h"
#include "store_env.h"

namespace {

using namespace shelf;
using namespace shelf::test;

// The libraries that must not be mapped at start-up: the lazily opened
// ones, what they pull in, and toml++ (compiled in).
const char* const kLazy[] = {"libarchive", "libcurl", "libxml2", "libgnutls", "libnghttp2", "libssh2",
                             "libldap", "libgssapi", "libicu", "libtomlplusplus"};

// The libraries the dynamic loader maps for `argv` (LD_DEBUG=files lines
// "file=NAME [0];  needed by …" or "…  dynamically loaded by …").
std::vector<std::string> loaded_by(const std::vector<std::string>& argv, std::map<std::string, std::string> env,
                                   RunResult& result) {
  env["LD_DEBUG"] = "files";
  result = run(argv, env);
  std::vector<std::string> loaded;
  for (const std::string& line : lines(result.err)) {
    size_t at = line.find("file=");
    bool loads = line.find("needed by") != std::string::npos || line.find("dynamically loaded by") != std::string::npos;
    if (at == std::string::npos || !loads) continue;
    loaded.push_back(line.substr(at + 5, line.find(' ', at) - at - 5));
  }
  return loaded;
}

bool is_lazy(const std::string& library) {
  for (const char* name : kLazy)
    if (library.rfind(name, 0) == 0) return true;
  return false;
}

TEST(StoreLazyLibrary, ShelfNeedsNeitherLibarchiveNorLibcurl) {
  if (!require_tool("readelf", "binutils")) return;
  RunResult r = run({"readelf", "-d", shelf_bin()});
  ASSERT_EQ(r.status, 0) << r.err;
  int needed = 0;
  for (const std::string& line : lines(r.out)) {
    if (line.find("(NEEDED)") == std::string::npos) continue;
    ++needed;
    std::string library = line.substr(line.find('[') + 1);
    EXPECT_FALSE(is_lazy(library)) << "shelf links " << library;
  }
  EXPECT_GT(needed, 0) << r.out;
}

TEST(StoreLazyLibrary, VersionLoadsNoneAndImportLoadsLibarchive) {
  StoreEnv s("lazy-import");
  RunResult r;
  std::vector<std::string> at_start = loaded_by({shelf_bin(), "--version"}, s.env, r);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(at_start.empty()) << "no LD_DEBUG trace:\n" << r.err;
  for (const std::string& library : at_start) EXPECT_FALSE(is_lazy(library)) << "--version loads " << library;

  write_file(s.root + "/tree/d/file", "text\n");
  RunResult tar = run({"tar", "-C", s.root + "/tree", "-czf", s.root + "/t.tar.gz", "d"});
  ASSERT_EQ(tar.status, 0) << tar.err;
  std::vector<std::string> importing = loaded_by({shelf_bin(), "store", "import", s.root + "/t.tar.gz"}, s.env, r);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(std::find(importing.begin(), importing.end(), "libarchive.so.13"), importing.end())
      << "store import did not load libarchive.so.13";
}

// With libarchive hidden (bubblewrap binds an empty file over it), import
// fails with one line naming it, exit 4, and the store is unchanged.
TEST(StoreLazyLibrary, ImportWithoutLibarchiveIsOneLineError) {
  if (!require_tool("bwrap", "bubblewrap") || !require_tool("ldconfig", "libc-bin")) return;
  std::string path;
  for (const std::string& line : lines(run({"ldconfig", "-p"}).out))
    if (line.find("libarchive.so.13 (") != std::string::npos && line.find("x86-64") != std::string::npos)
      path = line.substr(line.find("=> ") + 3);
  ASSERT_FALSE(path.empty()) << "ldconfig -p lists no libarchive.so.13";
  StoreEnv s("lazy-missing");
  write_file(s.root + "/tree/d/file", "text\n");
  ASSERT_EQ(run({"tar", "-C", s.root + "/tree", "-czf", s.root + "/t.tar.gz", "d"}).status, 0);
  std::vector<std::string> hidden = {"bwrap", "--dev-bind", "/", "/", "--ro-bind", "/dev/null", path};
  std::vector<std::string> argv = hidden;
  argv.insert(argv.end(), {shelf_bin(), "store", "import", s.root + "/t.tar.gz"});
  RunResult r = run(argv, s.env);
  EXPECT_EQ(r.status, 4) << r.out << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("shelf: libarchive.so.13: cannot load the library (", 0), 0u) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(s.entries().empty() || s.entries() == std::vector<std::string>{".links"}) << "store changed";

  argv = hidden;
  argv.insert(argv.end(), {shelf_bin(), "--version"});
  r = run(argv, s.env);
  EXPECT_EQ(r.status, 0) << r.err;  // nothing else needs it
}

TEST(StoreLazyLibrary, MissingLibraryThrowsOneLineNamingIt) {
  store::LazyLibrary lib("libshelf-no-such-library.so.7");
  for (int attempt = 0; attempt < 2; ++attempt) {  // a failure is not remembered: tried again
    try {
      lib.symbol("anything");
      FAIL() << "no error";
    } catch (const store::Error& e) {
      std::string what = e.what();
      EXPECT_EQ(e.subject(), "libshelf-no-such-library.so.7");
      EXPECT_EQ(what.rfind("libshelf-no-such-library.so.7: cannot load the library (", 0), 0u) << what;
      EXPECT_NE(what.find("cannot open shared object file"), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

TEST(StoreLazyLibrary, MissingSymbolThrowsNamingLibraryAndSymbol) {
  store::LazyLibrary lib("libc.so.6");
  try {
    lib.symbol("shelf_no_such_function");
    FAIL() << "no error";
  } catch (const store::Error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("libc.so.6: no symbol shelf_no_such_function (", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  // The library stays usable.
  EXPECT_EQ(lib.function<decltype(std::strlen)>("strlen")("shelf"), 5u);
}

TEST(StoreLazyLibrary, OpensOnceFromManyThreads) {
  store::LazyLibrary lib("libm.so.6");
  std::vector<void*> handles(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < handles.size(); ++i) threads.emplace_back([&, i] { handles[i] = lib.handle(); });
  for (std::thread& t : threads) t.join();
  for (void* h : handles) EXPECT_EQ(h, handles[0]);
  EXPECT_NE(handles[0], nullptr);
}

}  // namespace
