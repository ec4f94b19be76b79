// --icon-file/--icon-size: icons land in share/icons/hicolor/<size>/apps/
// under the entry's prefix, sizes are checked against the image.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "desktop_file.h"
#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

// A real PNG of size x size, written by Python's zlib (independent of shelf).
std::string make_png(const std::string& dir, int size) {
  std::string path = dir + "/app-icon.png";
  std::string script =
      "import struct,sys,zlib\n"
      "n=int(sys.argv[2])\n"
      "def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)\n"
      "raw=b''.join(b'\\x00'+b'\\x80\\x20\\x20\\xff'*n for _ in range(n))\n"
      "png=b'\\x89PNG\\r\\n\\x1a\\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',n,n,8,6,0,0,0))"
      "+chunk(b'IDAT',zlib.compress(raw))+chunk(b'IEND',b'')\n"
      "open(sys.argv[1],'wb').write(png)\n";
  RunResult r = run({"python3", "-c", script, path, std::to_string(size)});
  EXPECT_EQ(r.status, 0) << r.err;
  return path;
}

TEST(DesktopIcon, PngIsInstalledUnderItsSize) {
  ASSERT_TRUE(require_tool("python3", "python3"));
  std::string prefix = make_temp_dir("desktop-icon");
  std::string png = make_png(prefix, 48);
  std::string out = prefix + "/share/applications/app.desktop";
  RunResult r = run({shelf_bin(), "desktop", "--out", out, "--name", "App", "--exec", "/bin/true", "--icon-file", png,
                     "--icon-size", "48"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string installed = prefix + "/share/icons/hicolor/48x48/apps/app-icon.png";
  ASSERT_TRUE(fs::exists(installed));
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(installed), bytes(png));
  EXPECT_EQ(read_desktop_file(out).raw("Desktop Entry", "Icon"), "app-icon");
  RunResult v = run({"desktop-file-validate", out});
  EXPECT_EQ(v.status, 0) << v.out;
}

TEST(DesktopIcon, SizeMismatchAndNonImagesAreRefused) {
  std::string prefix = make_temp_dir("desktop-icon-bad");
  std::string png = make_png(prefix, 32);
  std::string out = prefix + "/share/applications/app.desktop";
  RunResult r = run({shelf_bin(), "desktop", "--out", out, "--name", "App", "--exec", "/bin/true", "--icon-file", png,
                     "--icon-size", "64"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("32x32"), std::string::npos) << r.err;
  std::string text = prefix + "/notes.txt";
  std::ofstream(text) << "hello";
  RunResult t = run({shelf_bin(), "desktop", "--out", out, "--name", "App", "--exec", "/bin/true", "--icon-file", text,
                     "--icon-size", "64"});
  EXPECT_EQ(t.status, 3);
  EXPECT_NE(t.err.find("neither a PNG nor an SVG"), std::string::npos) << t.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(prefix + "/share/icons"));
}

TEST(DesktopIcon, NeedsToKnowWhereShareIs) {
  std::string dir = make_temp_dir("desktop-icon-prefix");
  std::string svg = dir + "/logo.svg";
  std::ofstream(svg) << "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";
  RunResult r = run({shelf_bin(), "desktop", "--out", dir + "/loose.desktop", "--name", "App", "--exec", "/bin/true",
                     "--icon-file", svg});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--icon-prefix"), std::string::npos) << r.err;
  RunResult ok = run({shelf_bin(), "desktop", "--out", dir + "/loose.desktop", "--name", "App", "--exec", "/bin/true",
                      "--icon-file", svg, "--icon-prefix", dir + "/usr"});
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_TRUE(fs::exists(dir + "/usr/share/icons/hicolor/scalable/apps/logo.svg"));
}

TEST(DesktopIcon, SvgGoesToScalable) {
  std::string prefix = make_temp_dir("desktop-icon-svg");
  std::string svg = prefix + "/logo.svg";
  std::ofstream(svg) << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\"/>\n";
  std::string out = prefix + "/share/applications/app.desktop";
  RunResult r = run({shelf_bin(), "desktop", "--out", out, "--name", "App", "--exec", "/bin/true", "--icon-file", svg,
                     "--icon-size", "scalable"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(prefix + "/share/icons/hicolor/scalable/apps/logo.svg"));
  EXPECT_EQ(read_desktop_file(out).raw("Desktop Entry", "Icon"), "logo");
}

}  // namespace
}  // namespace shelf::test
