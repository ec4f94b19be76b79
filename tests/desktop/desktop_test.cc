// `shelf desktop`: entries checked by desktop-file-validate, parsed back by
// an independent reader, and their Exec lines run through GLib (gio launch).
#include <gtest/gtest.h>

#include <random>

#include "../wrap/seen.h"
#include "desktop_file.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

RunResult desktop(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {shelf_bin(), "desktop"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

void expect_valid(const std::string& file) {
  ASSERT_TRUE(require_tool("desktop-file-validate", "desktop-file-utils"));
  RunResult v = run({"desktop-file-validate", file});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  EXPECT_EQ(v.out + v.err, "") << "desktop-file-validate complained";
}

// Arguments the program receives when GLib launches the entry.
std::vector<std::string> launched_args(const std::string& file, const std::vector<std::string>& files = {}) {
  std::vector<std::string> argv = {"gio", "launch", file};
  argv.insert(argv.end(), files.begin(), files.end());
  RunResult r = run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  return parse_seen(r.out).argv;
}

TEST(Desktop, EveryKeyValidatesAndParsesBack) {
  ASSERT_TRUE(require_tool("gio", "libglib2.0-bin"));
  std::string dir = make_temp_dir("desktop-full");
  std::string out = dir + "/share/applications/demo.desktop";
  RunResult r = desktop({"--out", out, "--name", "Demo Viewer", "--name-locale", "de=Demo-Betrachter",
                         "--name-locale", "sr@latin=Demo pregledač", "--name-locale", "pt_BR=Visualizador",
                         "--generic-name", "Image Viewer", "--comment", " Views images\nfast; really",
                         "--exec", printargs() + " --mode 'a b' %U", "--try-exec", printargs(), "--path", "/tmp",
                         "--icon", "demo-viewer", "--terminal=false", "--categories", "Graphics;2DGraphics",
                         "--category", "RasterGraphics", "--mime-type", "image/png;image/x-foo+bar",
                         "--keyword", "picture", "--keyword", "photo;album", "--only-show-in", "GNOME;KDE",
                         "--no-display=false", "--startup-notify", "--startup-wm-class", "DemoWin",
                         "--prefers-non-default-gpu", "--action",
                         "new-window:New Window:" + printargs() + " --new", "--action",
                         "Safe-Mode:Safe mode:" + printargs() + " --safe \"x y\""});
  ASSERT_EQ(r.status, 0) << r.err;
  expect_valid(out);

  DesktopFile f = read_desktop_file(out);
  const std::string g = "Desktop Entry";
  EXPECT_EQ(f.group_order.front(), g);
  EXPECT_EQ(f.raw(g, "Type"), "Application");
  EXPECT_EQ(unescape(f.raw(g, "Name")), "Demo Viewer");
  EXPECT_EQ(unescape(f.raw(g, "Name[de]")), "Demo-Betrachter");
  EXPECT_EQ(unescape(f.raw(g, "Name[sr@latin]")), "Demo pregledač");
  EXPECT_EQ(unescape(f.raw(g, "Name[pt_BR]")), "Visualizador");
  EXPECT_EQ(unescape(f.raw(g, "GenericName")), "Image Viewer");
  EXPECT_EQ(unescape(f.raw(g, "Comment")), " Views images\nfast; really");
  EXPECT_EQ(unescape(f.raw(g, "TryExec")), printargs());
  EXPECT_EQ(f.raw(g, "Path"), "/tmp");
  EXPECT_EQ(f.raw(g, "Icon"), "demo-viewer");
  EXPECT_EQ(f.raw(g, "Terminal"), "false");
  EXPECT_EQ(unescape_list(f.raw(g, "Categories")),
            (std::vector<std::string>{"Graphics", "2DGraphics", "RasterGraphics"}));
  EXPECT_EQ(unescape_list(f.raw(g, "MimeType")), (std::vector<std::string>{"image/png", "image/x-foo+bar"}));
  EXPECT_EQ(unescape_list(f.raw(g, "Keywords")), (std::vector<std::string>{"picture", "photo;album"}));
  EXPECT_EQ(unescape_list(f.raw(g, "OnlyShowIn")), (std::vector<std::string>{"GNOME", "KDE"}));
  EXPECT_EQ(f.raw(g, "NoDisplay"), "false");
  EXPECT_EQ(f.raw(g, "StartupNotify"), "true");
  EXPECT_EQ(f.raw(g, "StartupWMClass"), "DemoWin");
  EXPECT_EQ(f.raw(g, "PrefersNonDefaultGPU"), "true");
  EXPECT_EQ(f.raw(g, "Version"), "1.4");
  EXPECT_EQ(unescape_list(f.raw(g, "Actions")), (std::vector<std::string>{"new-window", "Safe-Mode"}));
  EXPECT_EQ(f.raw("Desktop Action new-window", "Name"), "New Window");
  EXPECT_EQ(f.raw("Desktop Action Safe-Mode", "Exec"), printargs() + " --safe \"x y\"");

  EXPECT_EQ(launched_args(out, {"/tmp/one.png"}),
            (std::vector<std::string>{printargs(), "--mode", "a b", "/tmp/one.png"}));
}

// SingleMainWindow is new in 1.5; desktop-file-utils 0.26 (Debian 12)
// implements 1.4 and knows neither the key nor the version. The entry must
// say 1.5, and the validator must find nothing else wrong with it.
TEST(Desktop, SingleMainWindowMakesA15Entry) {
  std::string dir = make_temp_dir("desktop-15");
  std::string out = dir + "/one.desktop";
  RunResult r = desktop({"--out", out, "--name", "One", "--exec", "/bin/true", "--single-main-window"});
  ASSERT_EQ(r.status, 0) << r.err;
  DesktopFile f = read_desktop_file(out);
  EXPECT_EQ(f.raw("Desktop Entry", "Version"), "1.5");
  EXPECT_EQ(f.raw("Desktop Entry", "SingleMainWindow"), "true");
  ASSERT_TRUE(require_tool("desktop-file-validate", "desktop-file-utils"));
  RunResult v = run({"desktop-file-validate", out});
  for (const std::string& complaint : lines(v.out)) {
    bool about_15 = complaint.find("\"1.5\" for key \"Version\"") != std::string::npos ||
                    complaint.find("key \"SingleMainWindow\"") != std::string::npos;
    EXPECT_TRUE(about_15) << "unexpected complaint: " << complaint;
  }
}

TEST(Desktop, ExecArgumentsWithReservedCharactersReachTheProgram) {
  ASSERT_TRUE(require_tool("gio", "libglib2.0-bin"));
  std::string dir = make_temp_dir("desktop-exec");
  std::vector<std::string> args = {"plain", "two words", "q\"uote", "it's", "$HOME", "`cmd`", "back\\slash",
                                   "a;b", "<>|&", "~user", "*?#()", "100%%", "\\\\", ""};
  std::string exec = sq(printargs());
  for (const std::string& a : args) exec += " " + sq(a);
  std::string out = dir + "/e.desktop";
  RunResult r = desktop({"--out", out, "--name", "E", "--exec", exec + " %f"});
  ASSERT_EQ(r.status, 0) << r.err;
  expect_valid(out);
  std::vector<std::string> expected = {printargs()};
  for (const std::string& a : args) expected.push_back(a == "100%%" ? "100%" : a);
  expected.push_back("/tmp/f");
  EXPECT_EQ(launched_args(out, {"/tmp/f"}), expected);
}

TEST(Desktop, RandomPrintableArgumentsSurviveExec) {
  ASSERT_TRUE(require_tool("gio", "libglib2.0-bin"));
  std::string dir = make_temp_dir("desktop-random");
  std::mt19937 rng(5);
  for (int round = 0; round < 6; ++round) {
    std::string exec = sq(printargs());
    std::vector<std::string> expected = {printargs()};
    for (int i = 0; i < 8; ++i) {
      std::string arg;
      for (size_t n = rng() % 10; n > 0; --n) arg += static_cast<char>(0x20 + rng() % 95);
      std::string as_given;  // a literal % is written %% in Exec
      for (char c : arg) as_given += c == '%' ? std::string("%%") : std::string(1, c);
      exec += " " + sq(as_given);
      expected.push_back(arg);
    }
    std::string out = dir + "/r" + std::to_string(round) + ".desktop";
    RunResult r = desktop({"--out", out, "--name", "R", "--exec", exec});
    ASSERT_EQ(r.status, 0) << r.err;
    expect_valid(out);
    EXPECT_EQ(launched_args(out), expected) << "round " << round;
  }
}

}  // namespace
}  // namespace shelf::test
