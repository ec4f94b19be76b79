// The reader on synthetic images of every class and byte order, and on
// single-field corruptions of them.
#include <gtest/gtest.h>

#include "elf/error.h"
#include "elf/identify.h"
#include "inspect/facts.h"
#include "support/elf_builder.h"

namespace {

using namespace shelf;

template <typename E>
class ReaderTest : public ::testing::Test {};
using Targets = ::testing::Types<elf::Elf32LE, elf::Elf32BE, elf::Elf64LE, elf::Elf64BE>;
TYPED_TEST_SUITE(ReaderTest, Targets);

test::ImageSpec sample_spec() {
  test::ImageSpec spec;
  spec.machine = EM_S390;
  spec.interpreter = "/lib/ld64.so.1";
  spec.needed = {"libfoo.so.1", "libc.so.6"};
  spec.soname = "libsample.so.3";
  spec.runpath = "$ORIGIN/../lib:/opt/x";
  return spec;
}

TYPED_TEST(ReaderTest, ReadsDynamicFactsInFileOrder) {
  test::Image img = test::build_image<TypeParam>(sample_spec());
  inspect::Facts f = inspect::facts_from_bytes("mem", img.bytes.data(), img.bytes.size());
  EXPECT_EQ(f.bits, TypeParam::bits);
  EXPECT_EQ(f.little_endian, TypeParam::is_le);
  EXPECT_EQ(f.machine, EM_S390);
  ASSERT_TRUE(f.interpreter);
  EXPECT_EQ(*f.interpreter, "/lib/ld64.so.1");
  EXPECT_EQ(f.needed, (std::vector<std::string>{"libfoo.so.1", "libc.so.6"}));
  ASSERT_TRUE(f.soname);
  EXPECT_EQ(*f.soname, "libsample.so.3");
  EXPECT_EQ(f.runpath.value_or(""), "$ORIGIN/../lib:/opt/x");
  EXPECT_FALSE(f.rpath);
  EXPECT_TRUE(f.pie);
  EXPECT_TRUE(f.execstack.value_or(false)) << "no PT_GNU_STACK means an executable stack";
}

TYPED_TEST(ReaderTest, NeededOffsetPastStrszIsAnErrorWithOffset) {
  test::Image img = test::build_image<TypeParam>(sample_spec());
  auto* d = reinterpret_cast<elf::Dyn<TypeParam>*>(img.bytes.data() + img.dynamic_off);
  d[0].d_val = 0x7fff0000;  // first entry is DT_NEEDED
  try {
    inspect::facts_from_bytes("bad.so", img.bytes.data(), img.bytes.size());
    FAIL() << "no error";
  } catch (const elf::Error& e) {
    EXPECT_EQ(e.file(), "bad.so");
    EXPECT_NE(e.reason().find("past DT_STRSZ"), std::string::npos) << e.what();
    EXPECT_EQ(e.offset(), img.dynamic_off);
  }
}

TYPED_TEST(ReaderTest, EveryTruncationIsRejectedOrReadConsistently) {
  test::Image img = test::build_image<TypeParam>(sample_spec());
  for (size_t len = 0; len < img.bytes.size(); ++len) {
    try {
      inspect::facts_from_bytes("cut", img.bytes.data(), len);
      ADD_FAILURE() << "truncated to " << len << " bytes but accepted";
    } catch (const elf::Error& e) {
      EXPECT_EQ(e.file(), "cut");
    }
  }
}

TYPED_TEST(ReaderTest, HugePhnumIsBoundsChecked) {
  test::Image img = test::build_image<TypeParam>(sample_spec());
  auto& eh = *reinterpret_cast<elf::Ehdr<TypeParam>*>(img.bytes.data());
  eh.e_phnum = 0xfff0;
  EXPECT_THROW(inspect::facts_from_bytes("x", img.bytes.data(), img.bytes.size()), elf::Error);
  eh.e_phnum = 3;
  eh.e_phoff = img.bytes.size() + 100;
  EXPECT_THROW(inspect::facts_from_bytes("x", img.bytes.data(), img.bytes.size()), elf::Error);
}

TEST(Identify, RejectsShortFilesAndBadMagic) {
  std::vector<uint8_t> bytes(64, 0);
  EXPECT_THROW(elf::identify("z", bytes), elf::Error);
  std::memcpy(bytes.data(), ELFMAG, SELFMAG);
  bytes[EI_CLASS] = 7;
  EXPECT_THROW(elf::identify("z", bytes), elf::Error);
  EXPECT_THROW(elf::identify("z", std::span<const uint8_t>(bytes.data(), 3)), elf::Error);
}

}  // namespace
