// The archive format table (store/archive_formats.h) against what it must
// agree with: the names recipes/README.md documents for `unpack` and the
// names the recipe parser accepts, and, on small real archives made by the
// real tools (tar, gzip, zip, dpkg-deb, makeself), the format a file's name
// implies, the format its first bytes are recognised as, and the tree the
// store unpacks from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "recipe/error.h"
#include "recipe/parse.h"
#include "store/archive_formats.h"
#include "store/archive_name.h"
#include "store/unpack.h"
#include "store_env.h"

namespace {

using namespace shelf::test;
namespace fs = std::filesystem;
using shelf::store::ArchiveFormat;
using shelf::store::ArchiveFormatInfo;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shq(const std::string& s) { return "'" + s + "'"; }

// The `unpack` names recipes/README.md lists: the backquoted words between
// "`unpack` =" and "(default" in the [[source]] row.
std::vector<std::string> documented_names() {
  std::string readme = read_all(source_dir() + "/recipes/README.md");
  size_t at = readme.find("`unpack` =");
  if (at == std::string::npos) return {};
  size_t end = readme.find("(default", at);
  std::string part = readme.substr(at + 10, end - at - 10);
  std::vector<std::string> names;
  for (size_t open = part.find('`'); open != std::string::npos; open = part.find('`', open + 1)) {
    size_t close = part.find('`', open + 1);
    if (close == std::string::npos) break;
    names.push_back(part.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

// The suffixes the README says a format is taken from ("`.tar.*`" as ".tar.gz").
std::vector<std::string> documented_suffixes() {
  std::string readme = read_all(source_dir() + "/recipes/README.md");
  size_t at = readme.find("(default from the file name:");
  if (at == std::string::npos) return {};
  std::string part = readme.substr(at, readme.find(')', at) - at);
  std::vector<std::string> suffixes;
  for (size_t open = part.find('`'); open != std::string::npos; open = part.find('`', open + 1)) {
    size_t close = part.find('`', open + 1);
    if (close == std::string::npos) break;
    std::string s = part.substr(open + 1, close - open - 1);
    if (s.ends_with(".*")) s = s.substr(0, s.size() - 1) + "gz";
    suffixes.push_back(s);
    open = close;
  }
  return suffixes;
}

// What the recipe parser makes of a source with `extra` (an `unpack` line),
// or the error text.
struct Parsed {
  std::optional<ArchiveFormat> unpack;
  std::string error;
};

Parsed parse_source(const std::string& path, const std::string& extra) {
  std::string text = "name = \"t\"\nversion = \"1\"\n[[source]]\npath = \"" + path + "\"\nsha256 = \"" +
                     std::string(64, '0') + "\"\n" + extra;
  try {
    shelf::recipe::Recipe r = shelf::recipe::parse_recipe_text("/tmp/t.toml", text);
    return {r.sources.at(0).unpack, ""};
  } catch (const shelf::recipe::Error& e) {
    return {std::nullopt, e.what()};
  }
}

std::vector<std::string> recipe_rows() {
  std::vector<std::string> names;
  for (const ArchiveFormatInfo& row : shelf::store::archive_formats())
    if (row.in_recipes) names.emplace_back(row.name);
  return names;
}

TEST(ArchiveFormats, TableNamesAreTheDocumentedAndAcceptedUnpackNames) {
  std::vector<std::string> documented = documented_names();
  ASSERT_FALSE(documented.empty()) << "no `unpack` = ... in recipes/README.md";
  // Same names, same order: the README and the parser's error list them alike.
  EXPECT_EQ(recipe_rows(), documented) << "recipes/README.md's `unpack` and the table differ";
  std::string joined;
  for (const std::string& n : documented) joined += (joined.empty() ? "" : ", ") + n;
  EXPECT_EQ(shelf::store::archive_format_names(), joined);

  for (const ArchiveFormatInfo& row : shelf::store::archive_formats()) {
    std::string name(row.name);
    EXPECT_EQ(&shelf::store::archive_format(row.id), &row) << name << ": rows out of the enum's order";
    Parsed p = parse_source("a.bin", "unpack = \"" + name + "\"\n");
    if (row.in_recipes) {
      EXPECT_TRUE(std::find(documented.begin(), documented.end(), name) != documented.end()) << name;
      ASSERT_TRUE(p.unpack) << name << ": " << p.error;
      EXPECT_EQ(*p.unpack, row.id) << name;
    } else {
      // Recognised by `store import` only: recipes refuse the name.
      EXPECT_FALSE(p.unpack) << name;
      EXPECT_NE(p.error.find("key 'source[0].unpack': expected one of " + joined + "; got '" + name + "'"),
                std::string::npos)
          << p.error;
    }
  }
  // A name the table lacks is refused with the same text.
  Parsed rar = parse_source("a.bin", "unpack = \"rar\"\n");
  EXPECT_FALSE(rar.unpack);
  EXPECT_NE(rar.error.find("expected one of tar, zip, deb, makeself, npm, none; got 'rar'"), std::string::npos)
      << rar.error;
}

TEST(ArchiveFormats, DocumentedSuffixesImplyAFormat) {
  std::vector<std::string> suffixes = documented_suffixes();
  ASSERT_FALSE(suffixes.empty()) << "no default suffixes in recipes/README.md";
  for (const std::string& suffix : suffixes) {
    auto implied = shelf::store::archive_format_of_name("a" + suffix);
    ASSERT_TRUE(implied) << suffix;
    Parsed p = parse_source("dir/a" + suffix, "");
    ASSERT_TRUE(p.unpack) << suffix << ": " << p.error;
    EXPECT_EQ(*p.unpack, *implied) << suffix;
  }
  Parsed none = parse_source("a.bin", "");
  EXPECT_NE(none.error.find("key 'source[0].unpack': missing, and the name 'a.bin' does not say how to unpack it"),
            std::string::npos)
      << none.error;
}

// The suffixes recipes guessed from and `store import` stripped from names
// before the table, with the results they gave.
TEST(ArchiveFormats, SuffixesKeepTheirMeaning) {
  using shelf::store::archive_format_of_name;
  for (const char* tar : {".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2",
                          ".tar.lz4"})
    EXPECT_EQ(archive_format_of_name(std::string("x") + tar), ArchiveFormat::kTar) << tar;
  EXPECT_EQ(archive_format_of_name("x.zip"), ArchiveFormat::kZip);
  EXPECT_EQ(archive_format_of_name("x.deb"), ArchiveFormat::kDeb);
  EXPECT_EQ(archive_format_of_name("x.run"), ArchiveFormat::kMakeself);
  for (const char* vague : {"x.gz", "x.tar.Z", "x.tbz", "x.7z", "x.cpio", "x.bin", "x"})
    EXPECT_EQ(archive_format_of_name(vague), std::nullopt) << vague;

  using shelf::store::archive_default_name;
  EXPECT_EQ(archive_default_name("/dl/Foo App-1.2.tar.gz"), "Foo-App-1.2");
  for (const char* ext : {".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar.lz4", ".tar.Z", ".tgz", ".txz", ".tzst",
                          ".tbz2", ".tbz", ".tar", ".zip", ".deb", ".run", ".gz", ".xz", ".zst", ".bz2", ".7z", ".cpio"})
    EXPECT_EQ(archive_default_name(std::string("/x/pkg-1.0") + ext), "pkg-1.0") << ext;
  EXPECT_EQ(archive_default_name("pkg.lz4"), "pkg.lz4");
  EXPECT_EQ(archive_default_name(".tar.gz"), "tar") << "a name that is only a suffix keeps it";
}

// Content the recipe check and `store import` treat specially.
TEST(ArchiveFormats, MagicOfOddContent) {
  using shelf::store::archive_content_fits;
  using shelf::store::archive_format_of_content;
  std::string script = "#!/bin/sh\necho hi\n";
  EXPECT_EQ(archive_format_of_content(script), ArchiveFormat::kTar) << "left to libarchive (import refuses scripts)";
  std::string makeself = "#!/bin/sh\n# This script was generated using Makeself 2.4.5\n";
  EXPECT_EQ(archive_format_of_content(makeself), ArchiveFormat::kMakeself);
  EXPECT_FALSE(archive_content_fits(ArchiveFormat::kTar, makeself));
  std::string ar = "!<arch>\nother/          0           0     0     644     0         `\n";
  EXPECT_EQ(archive_format_of_content(ar), std::nullopt) << "an ar archive that is no .deb";
  EXPECT_FALSE(archive_content_fits(ArchiveFormat::kTar, ar));
  EXPECT_FALSE(archive_content_fits(ArchiveFormat::kDeb, ar));
  EXPECT_TRUE(archive_content_fits(ArchiveFormat::kNone, ar));
  EXPECT_FALSE(archive_content_fits(ArchiveFormat::kZip, "not a zip\n"));
  EXPECT_TRUE(archive_content_fits(ArchiveFormat::kNpm, std::string(512, '\0')));
}

struct Sample {
  std::string file;  // in the samples directory
  ArchiveFormat format;
  std::string inside;  // a file the unpacked tree holds, relative to it
};

std::string head_of(const std::string& path) { return read_all(path).substr(0, 8192); }

// Name and content agree for every format, on archives the real tools made;
// and what the store unpacks holds the file put in.
TEST(ArchiveFormats, NameAndContentAgreeOnRealArchives) {
  for (auto [tool, package] : {std::pair{"tar", "tar"}, {"gzip", "gzip"}, {"zip", "zip"}, {"dpkg-deb", "dpkg"},
                               {"makeself", "makeself"}})
    if (!require_tool(tool, package)) return;
  std::string root = make_temp_dir("archive-formats");
  std::string d = root + "/src";
  write_file(d + "/tree/top/hello.txt", "hello\n");
  write_file(d + "/deb/usr/share/top/hello.txt", "hello\n");
  write_file(d + "/deb/DEBIAN/control",
             "Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: d\n");
  write_file(d + "/npm/package/package.json", "{}\n");
  write_file(d + "/npm/package/hello.txt", "hello\n");
  RunResult made = run({"sh", "-c",
                        "set -e; cd " + shq(d) +
                            "; tar -C tree -cf a.tar top && tar -C tree -czf a.tar.gz top && "
                            "(cd tree && zip -qr ../a.zip top) && dpkg-deb -Zgzip --build deb a.deb >/dev/null && "
                            "makeself --quiet --nox11 tree/top a.run demo true >/dev/null && "
                            "tar -C npm -czf a.tgz package && cp a.tgz npm.tar.gz"});
  ASSERT_EQ(made.status, 0) << made.out << made.err;

  const std::vector<Sample> samples = {
      {"a.tar", ArchiveFormat::kTar, "top/hello.txt"},
      {"a.tar.gz", ArchiveFormat::kTar, "top/hello.txt"},
      {"a.zip", ArchiveFormat::kZip, "top/hello.txt"},
      {"a.deb", ArchiveFormat::kDeb, "usr/share/top/hello.txt"},
      {"a.run", ArchiveFormat::kMakeself, "hello.txt"},
      // npm's package/ is dropped by name (.tgz) and package.json.
      {"a.tgz", ArchiveFormat::kTar, "hello.txt"},
  };
  for (const Sample& s : samples) {
    std::string path = d + "/" + s.file;
    std::string head = head_of(path);
    EXPECT_EQ(shelf::store::archive_format_of_name(s.file), s.format) << s.file << ": the name";
    EXPECT_EQ(shelf::store::archive_format_of_content(head), s.format) << s.file << ": the content";
    for (const ArchiveFormatInfo& row : shelf::store::archive_formats()) {
      if (!row.in_recipes) continue;
      // tar and npm are one libarchive reader: neither is told from the
      // other by content; none takes anything.
      using shelf::store::ArchiveMagic;
      bool both_libarchive = row.recognised_by == ArchiveMagic::kLibarchive &&
                             shelf::store::archive_format(s.format).recognised_by == ArchiveMagic::kLibarchive;
      bool same = row.id == s.format || both_libarchive || row.reader == shelf::store::ArchiveReader::kCopy;
      EXPECT_EQ(shelf::store::archive_content_fits(row.id, head), same) << s.file << " as " << row.name;
    }
    std::string out = root + "/out-" + s.file;
    ASSERT_NO_THROW(shelf::store::unpack_archive(path, out)) << s.file;
    EXPECT_EQ(read_all(out + "/" + s.inside), "hello\n") << s.file;
    EXPECT_EQ(shelf::store::archive_default_name(path), "a") << s.file;
  }

  // Declared npm: the prefix goes whatever the name; undeclared and not
  // *.tgz, it stays.
  std::string plain = root + "/out-npm-plain";
  shelf::store::unpack_archive(d + "/npm.tar.gz", plain);
  EXPECT_TRUE(fs::exists(plain + "/package/hello.txt"));
  std::string declared = root + "/out-npm-declared";
  shelf::store::unpack_archive_as(ArchiveFormat::kNpm, d + "/npm.tar.gz", declared);
  EXPECT_EQ(read_all(declared + "/hello.txt"), "hello\n");
  EXPECT_FALSE(fs::exists(declared + "/package"));
}

}  // namespace
