// Valid files with values the output formats must carry faithfully: names
// that are not UTF-8 (ELF strings are bytes; JSON must stay valid) and an OS
// ABI without a name. The files are copies of a fixture with one byte
// changed; readelf confirms the change is what the test thinks it is.
#include <elf.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "support/paths.h"
#include "support/run.h"

namespace {

using namespace shelf;

std::string copy_with(const std::string& tag, const std::function<void(std::string&)>& edit) {
  std::ifstream in(test::fixtures_dir() + "/arch/s390x/hello", std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  edit(bytes);
  std::string path = test::make_temp_dir("odd") + "/" + tag;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(InspectOddValues, NeededNameThatIsNotUtf8GivesValidJson) {
  // "libgreet.so.1" becomes "lib\xe9reet.so.1" (Latin-1 é): valid ELF, not UTF-8.
  std::string path = copy_with("latin1", [](std::string& b) {
    size_t at = b.find(std::string("libgreet.so.1\0", 14));
    ASSERT_NE(at, std::string::npos);
    b[at + 3] = '\xe9';
  });
  if (!test::require_tool("readelf", "binutils")) return;
  test::RunResult re = test::run({"readelf", "-W", "-d", path}, {{"LC_ALL", "C"}});
  EXPECT_NE(re.out.find("Shared library: [lib\xe9reet.so.1]"), std::string::npos) << re.out;

  test::RunResult r = test::run({test::shelf_bin(), "inspect", "--json", path});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "not valid JSON (UTF-8): " << r.out;
  EXPECT_EQ(j[0]["needed"][0], "lib\uFFFDreet.so.1");  // the replacement character
  // The text output shows the bytes as they are.
  test::RunResult text = test::run({test::shelf_bin(), "inspect", path});
  EXPECT_NE(text.out.find("lib\xe9reet.so.1"), std::string::npos);
}

TEST(InspectOddValues, UnnamedOsAbiPrintsAsHex) {
  std::string path = copy_with("osabi", [](std::string& b) { b[EI_OSABI] = 0x42; });
  if (!test::require_tool("readelf", "binutils")) return;
  test::RunResult re = test::run({"readelf", "-h", path}, {{"LC_ALL", "C"}});
  EXPECT_NE(re.out.find("<unknown: 42>"), std::string::npos) << re.out;
  test::RunResult r = test::run({test::shelf_bin(), "inspect", "--json", path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["os_abi"], "0x42");
}

}  // namespace
