// Invalid desktop entries are refused naming the key and the reason, and
// nothing is written.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {
namespace {

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

}  // namespace
}  // namespace shelf::test
