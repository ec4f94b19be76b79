#include "patch_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {

std::string patch_fixture(const std::string& name) { return fixtures_dir() + "/patch/" + name; }

std::string arch_fixture(const std::string& arch, const std::string& name) {
  return fixtures_dir() + "/arch/" + arch + "/" + name;
}

std::vector<std::string> fixture_arches() {
  std::ifstream in(fixtures_dir() + "/arch/arches.txt");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string arch;
    if (words >> arch && arch[0] != '#') out.push_back(arch);
  }
  return out;
}

std::string copy_file(const std::string& src, const std::string& dir, const std::string& name) {
  std::string dst = dir + "/" + name;
  fs::copy_file(src, dst, fs::copy_options::overwrite_existing);
  return dst;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint64_t bytes_differing(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  uint64_t n = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i];
  return n;
}

RunResult shelf(const std::vector<std::string>& args) {
  std::vector<std::string> argv{shelf_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string dynamic_listing(const std::string& path) {
  RunResult r = run({"readelf", "-dW", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "") << "readelf warns about " << path;
  std::string out;
  for (const std::string& line : lines(r.out)) {
    if (line.empty() || line.find("Dynamic section at offset") != std::string::npos ||
        line.find("Tag") != std::string::npos)
      continue;
    std::istringstream words(line);
    std::string tag, type;
    words >> tag >> type;
    // Tables patchelf's relayout moves (ours moves only .dynstr): compare
    // that the tag is there, not where the table is.
    static const std::set<std::string> moved{"(STRTAB)", "(STRSZ)", "(SYMTAB)", "(GNU_HASH)", "(HASH)", "(VERSYM)",
                                             "(VERNEED)", "(VERDEF)", "(RELA)", "(REL)", "(JMPREL)",
                                             "(MIPS_RLD_MAP_REL)"};  // relative to .dynamic's address
    if (moved.count(type)) {
      out += type + "\n";
      continue;
    }
    out += line + "\n";
  }
  return out;
}

std::string interpreter_line(const std::string& path) {
  RunResult r = run({"readelf", "-lW", path});
  for (const std::string& line : lines(r.out))
    if (line.find("Requesting program interpreter") != std::string::npos) return line;
  return "";
}

std::vector<std::string> host_elf_sample(size_t count) {
  std::vector<std::string> candidates;
  for (const char* dir : {"/usr/bin", "/usr/lib/x86_64-linux-gnu"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec) && !entry.is_symlink(ec)) candidates.push_back(entry.path().string());
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string> out;
  for (const std::string& path : candidates) {
    if (out.size() >= count) break;
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    if (!in.read(magic, 4) || std::string(magic, 4) != "\x7f" "ELF") continue;
    if (run({"readelf", "-dW", path}).out.find("(NEEDED)") == std::string::npos) continue;
    out.push_back(path);
  }
  return out;
}

void expect_same_answer(const std::string& file, const std::vector<std::string>& options) {
  std::vector<std::string> theirs{"patchelf"}, ours{shelf_bin(), "patchelf"};
  for (const auto& o : options) theirs.push_back(o), ours.push_back(o);
  theirs.push_back(file);
  ours.push_back(file);
  RunResult want = run(theirs), got = run(ours);
  std::string what = file + " " + options.front();
  EXPECT_EQ(got.out, want.out) << what;
  EXPECT_EQ(got.status, want.status) << what << ": " << got.err << " / " << want.err;
  if (got.status != 0) {
    EXPECT_EQ(lines(got.err).size(), 1u) << "one-line error expected: " << got.err;
  }
}

void compare_with_patchelf(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    expect_same_answer(file, {"--print-interpreter"});
    expect_same_answer(file, {"--print-soname", "--print-rpath", "--print-needed"});
  }
}

}  // namespace shelf::test
