// StringSpace placement rules on small hand-made tables.
#include <gtest/gtest.h>

#include <string>

#include "patch/string_space.h"

namespace shelf::patch {
namespace {

std::vector<uint8_t> table(const std::string& text) { return {text.begin(), text.end()}; }

std::string text_at(const std::vector<uint8_t>& t, uint64_t off) {
  return std::string(reinterpret_cast<const char*>(t.data() + off));
}

TEST(StringSpace, ReusesTailMergedCopies) {
  // "libfoo.so" at 1; "foo.so" exists only as its tail.
  auto t = table(std::string("\0libfoo.so\0/old/path\0", 21));
  StringSpace space(t, true);
  space.keep(1);
  space.drop(11);
  std::optional<uint64_t> at = space.place("foo.so", std::nullopt);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, 4u);
  auto out = space.finish();
  EXPECT_EQ(text_at(out, 1), "libfoo.so");
  EXPECT_EQ(text_at(out, 11), "") << "the dropped path is cleared";
}

TEST(StringSpace, ShorterStringTakesTheOldSlot) {
  auto t = table(std::string("\0libc.so.6\0/a/long/old/path\0", 27));
  StringSpace space(t, true);
  space.keep(1);
  space.drop(11);
  std::optional<uint64_t> at = space.place("/new", 11);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, 11u);
  auto out = space.finish();
  EXPECT_EQ(text_at(out, 11), "/new");
  EXPECT_EQ(out.size(), t.size());
  for (size_t i = 16; i < out.size(); ++i) EXPECT_EQ(out[i], 0) << "stale byte at " << i;
}

TEST(StringSpace, LiveStringsAreNeverOverwritten) {
  auto t = table(std::string("\0abc\0def\0", 9));
  StringSpace space(t, true);
  space.keep(1);
  space.keep(5);
  EXPECT_FALSE(space.place("xyz", 1));
  EXPECT_FALSE(space.place("longer-than-anything", std::nullopt));
  auto out = space.finish();
  EXPECT_EQ(out, t);
}

TEST(StringSpace, SmallestFreeRunIsChosen) {
  // "kk" at 11 stays; dead runs [1,11) (10 bytes) and [14,18) (4 bytes).
  auto t = table(std::string("\0xxxxxxxxx\0kk\0yyy\0", 18));
  StringSpace space(t, true);
  space.keep(11);
  space.drop(1);
  space.drop(14);
  std::optional<uint64_t> at = space.place("ab", std::nullopt);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, 14u);
}

TEST(StringSpace, GrowingShedsDeadTailFirst) {
  // A table grown before: the appended "/old/long/path" is dropped now.
  auto t = table(std::string("\0libc.so.6\0/old/long/path\0", 26));
  StringSpace space(t, true);
  space.keep(1);
  space.drop(11);
  uint64_t at = space.place_or_append("/a/new/path/longer-than-the-old-one", 11);
  EXPECT_EQ(at, 11u) << "the dead tail is reused before appending";
  EXPECT_EQ(space.finish().size(), 11u + 36u);
}

TEST(StringSpace, WithoutCompleteReferencesNothingIsFree) {
  auto t = table(std::string("\0unreferenced\0", 14));
  StringSpace space(t, false);
  EXPECT_FALSE(space.place("new", std::nullopt));
  EXPECT_EQ(space.place("referenced", std::nullopt), std::optional<uint64_t>(3));
}

}  // namespace
}  // namespace shelf::patch
