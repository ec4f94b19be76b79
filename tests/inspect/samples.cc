#include "samples.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/paths.h"
#include "support/run.h"

namespace shelf::test {

namespace fs = std::filesystem;

namespace {

bool is_elf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

}  // namespace

std::vector<std::string> arch_fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(fixtures_dir() + "/arch"))
    if (e.is_regular_file() && is_elf(e.path())) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> host_sample(size_t target) {
  std::vector<std::string> all;
  for (const char* dir : {"/usr/bin", "/usr/lib/x86_64-linux-gnu"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::error_code sec;
      if (e.is_regular_file(sec) && !e.is_symlink(sec) && is_elf(e.path())) all.push_back(e.path().string());
    }
  }
  std::sort(all.begin(), all.end());
  size_t k = std::max<size_t>(1, all.size() / target);
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size(); i += k) out.push_back(all[i]);
  return out;
}

std::string inspect_json(const std::vector<std::string>& files, int* status) {
  std::vector<std::string> argv{shelf_bin(), "inspect", "--json"};
  argv.insert(argv.end(), files.begin(), files.end());
  RunResult r = run(argv);
  *status = r.status;
  return r.out;
}

}  // namespace shelf::test
