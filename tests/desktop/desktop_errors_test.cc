// Invalid desktop entries are refused naming the key and the reason, and
// nothing is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {
namespace {

std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Bad {
  std::vector<std::string> args;  // added to --out F --name N --exec /bin/true unless they replace them
  std::string mentions;
};

TEST(DesktopErrors, InvalidInputIsRefused) {
  std::string dir = make_temp_dir("desktop-errors");
  std::string out = dir + "/x.desktop";
  const std::vector<Bad> cases = {
      {{"--category", "Graphics", "--category", "Photoshop"}, "Photoshop"},
      {{"--category", "Application"}, "deprecated"},
      {{"--category", "Audio"}, "AudioVideo"},
      {{"--category", "RasterGraphics;Graphics"}, "2DGraphics"},
      {{"--category", "Utility;TrayIcon"}, "OnlyShowIn"},
      {{"--category", "2DGraphics;RasterGraphics"}, "related"},
      {{"--exec", "/bin/true %d"}, "deprecated field code"},
      {{"--exec", "/bin/true %z"}, "not a field code"},
      {{"--exec", "/bin/true %f %u"}, "at most one"},
      {{"--exec", "/bin/true --files=%F"}, "on its own"},
      {{"--exec", "/bin/true 'a b %f'"}, "quoting"},
      {{"--exec", "/bin/true 'caf\xc3\xa9'"}, "ASCII"},
      {{"--exec", ""}, "Exec"},
      {{"--name-locale", "DE=x"}, "Name[DE]"},
      {{"--name-locale", "de_DE.UTF-8=x"}, "locale"},
      {{"--name-locale", "de"}, "LOCALE=NAME"},
      {{"--name", "bad\xff"}, "UTF-8"},
      {{"--comment", "bell\x07"}, "Comment"},
      {{"--icon", "app.png"}, "extension"},
      {{"--icon", "icons/app"}, "absolute path"},
      {{"--mime-type", "image"}, "MimeType"},
      {{"--only-show-in", "Windows"}, "Windows"},
      {{"--only-show-in", "GNOME", "--not-show-in", "KDE"}, "NotShowIn"},
      {{"--action", "bad id:Name:/bin/true"}, "action id"},
      {{"--action", "a:A:/bin/true", "--action", "a:B:/bin/true"}, "twice"},
      {{"--action", "a::/bin/true"}, "Name"},
      {{"--action", "justid"}, "ID:NAME:EXEC"},
      {{"--try-exec", "tab\there"}, "TryExec"},
      // Not UTF-8 as Unicode defines it: a surrogate, overlong forms, past
      // U+10FFFF (desktop-file-validate rejects each).
      {{"--name", "x\xed\xa0\x80y"}, "UTF-8"},
      {{"--name", "x\xe0\x80\x80y"}, "UTF-8"},
      {{"--comment", "x\xf0\x80\x80\x80y"}, "UTF-8"},
      {{"--name", "x\xf4\x90\x80\x80y"}, "UTF-8"},
      {{"--name", "x\xc0\x80y"}, "UTF-8"},
      // A name with a ':' split at it: refused, not guessed.
      {{"--action", "open:Open: Private:/bin/true"}, "'\\:'"},
  };
  for (const Bad& c : cases) {
    std::vector<std::string> argv = {shelf_bin(), "desktop", "--out", out};
    bool has_name = std::find(c.args.begin(), c.args.end(), "--name") != c.args.end();
    bool has_exec = std::find(c.args.begin(), c.args.end(), "--exec") != c.args.end();
    if (!has_name) argv.insert(argv.end(), {"--name", "N"});
    if (!has_exec) argv.insert(argv.end(), {"--exec", "/bin/true"});
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunResult r = run(argv);
    std::string shown;
    for (const auto& a : c.args) shown += a + " ";
    EXPECT_TRUE(r.status == 2 || r.status == 3) << shown << " exit " << r.status << "\n" << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << shown << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << shown;
  }
}

// Valid UTF-8 of every length still goes through, a ':' in an action's
// name is written '\:', and a command may carry ':' in its arguments.
TEST(DesktopErrors, WellFormedUtf8AndEscapedColonsAreWritten) {
  std::string dir = make_temp_dir("desktop-utf8");
  std::string out = dir + "/x.desktop";
  RunResult r = run({shelf_bin(), "desktop", "--out", out, "--name", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
                     "--exec", "/bin/true", "--action", "open:Open\\: Private:/bin/echo http://x:8080"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string text = slurp_file(out);
  EXPECT_NE(text.find("Name=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Name=Open: Private\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Exec=/bin/echo http://x:8080\n"), std::string::npos) << text;
  if (require_tool("desktop-file-validate", "desktop-file-utils")) {
    RunResult v = run({"desktop-file-validate", out});
    EXPECT_EQ(v.status, 0) << v.out << v.err;
  }
  // --out naming a directory: refused, and no temporary file is left in it.
  RunResult d = run({shelf_bin(), "desktop", "--out", dir, "--name", "N", "--exec", "/bin/true"});
  EXPECT_NE(d.status, 0);
  std::filesystem::remove(out);
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "left behind in " << dir;
}

}  // namespace
}  // namespace shelf::test
