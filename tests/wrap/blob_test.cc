// The compiled wrapper's configuration format (launcher/blob_format.h):
// encode/decode round trip, and corrupt blobs rejected with the offset, by
// shelf and by the launcher itself.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "seen.h"
#include "support/paths.h"
#include "wrap/binary_wrapper.h"
#include "wrap/error.h"

namespace shelf::test {
namespace {

wrap::Plan sample() {
  return {"/store/x/bin/prog",
          {{SHELF_STEP_SET, {"A", std::string("v\xff\n'", 4)}},
           {SHELF_STEP_PREFIX, {"PATH", ":", "/p"}},
           {SHELF_STEP_INHERIT_ARGV0, {}},
           {SHELF_STEP_APPEND_FLAG, {""}}}};
}

TEST(WrapBlob, RoundTrips) {
  std::string blob = wrap::encode_plan(sample());
  std::optional<wrap::Plan> back = wrap::decode_plan("\x7f" "ELF padding" + blob, "test");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, sample());
  EXPECT_FALSE(wrap::decode_plan("no trailer here", "test"));
}

TEST(WrapBlob, CorruptionIsAnErrorWithTheOffset) {
  std::string blob = wrap::encode_plan(sample());
  std::string bad_kind = blob;
  bad_kind[0] = 99;  // first record's kind
  try {
    wrap::decode_plan(bad_kind, "w");
    FAIL() << "accepted an unknown step kind";
  } catch (const wrap::Error& e) {
    EXPECT_NE(std::string(e.what()).find("offset 0"), std::string::npos) << e.what();
  }
  std::string too_big = blob;
  too_big[too_big.size() - 24] = static_cast<char>(0xff);  // records size beyond the file
  too_big[too_big.size() - 23] = static_cast<char>(0xff);
  EXPECT_THROW(wrap::decode_plan(too_big, "w"), wrap::Error);
}

TEST(WrapBlob, LauncherRefusesACorruptConfiguration) {
  std::string dir = make_temp_dir("wrap-blob");
  std::string w = dir + "/w";
  make_wrapper(Kind::binary, printargs(), w, {"--set", "A", "b"});
  std::stringstream bytes;
  bytes << std::ifstream(w, std::ios::binary).rdbuf();
  std::string text = bytes.str();
  size_t records = text.size() - 24 - static_cast<unsigned char>(text[text.size() - 24]);
  text[records + 4] = 7;  // the target record claims 7 fields
  std::ofstream(w, std::ios::binary | std::ios::trunc) << text;
  RunResult r = run({w});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("malformed"), std::string::npos) << r.err;
  RunResult shown = run({shelf_bin(), "wrap", "--show", w});
  EXPECT_EQ(shown.status, 3);
  EXPECT_NE(shown.err.find("offset"), std::string::npos) << shown.err;
}

}  // namespace
}  // namespace shelf::test
