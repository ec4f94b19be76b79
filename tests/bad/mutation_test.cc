// Deterministic mutation ("fuzz-like") test of the reader: thousands of
// single-byte, multi-byte and truncation mutations of real fixtures of every
// class and byte order go through inspect::facts_from_bytes in-process. Each
// must either succeed (and then render as text and JSON) or throw elf::Error;
// anything else, a crash or a sanitizer report fails. Mutations aim at the
// bytes the reader interprets (headers, program headers, dynamic table,
// strings, version records), found by reading the unmutated file first.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <span>

#include "elf/error.h"
#include "elf/identify.h"
#include "inspect/facts.h"
#include "inspect/report.h"
#include "support/elf_builder.h"
#include "support/paths.h"

namespace {

using namespace shelf;

struct Region {
  uint64_t offset, size;
};

struct Base {
  std::string name;
  std::vector<uint8_t> bytes;
  std::vector<Region> regions;  // where mutations land
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The byte ranges the reader looks at, taken from the valid file.
std::vector<Region> interesting_regions(const std::string& name, const std::vector<uint8_t>& bytes) {
  return elf::visit(name, bytes, [&](const auto& f) {
    using E = typename std::decay_t<decltype(f)>::Type;
    std::vector<Region> out{{0, sizeof(elf::Ehdr<E>)}};
    out.push_back({f.header().e_phoff, f.segments().size_bytes()});
    if (!f.sections().empty()) out.push_back({f.header().e_shoff, f.sections().size_bytes()});
    if (auto off = f.dynamic_offset()) out.push_back({*off, f.dynamic_slots() * sizeof(elf::Dyn<E>)});
    if (auto off = f.dynstr_offset()) out.push_back({*off, f.dynstr_size()});
    if (const auto* interp = f.find_segment(PT_INTERP)) out.push_back({interp->p_offset, interp->p_filesz});
    for (uint64_t tag : {DT_VERNEED, DT_VERDEF})
      if (auto addr = f.dynamic_value(tag))
        if (auto off = f.file_offset(*addr)) out.push_back({*off, std::min<uint64_t>(128, bytes.size() - *off)});
    return out;
  });
}

std::vector<Base> load_bases() {
  std::vector<Base> bases;
  std::string dir = test::fixtures_dir() + "/arch/";
  for (std::string arch : {"x86_64", "i686", "aarch64", "armhf", "ppc64el", "s390x", "riscv64", "mips64el"})
    for (std::string file : {"hello", "libgreet.so.1", "hello-static", "nosections/hello"}) {
      std::string path = dir + arch + "/" + file;
      std::vector<uint8_t> bytes = read_file(path);
      EXPECT_FALSE(bytes.empty()) << path << " missing: build the fixtures target";
      if (!bytes.empty()) bases.push_back({path, std::move(bytes), {}});
    }
  // No Debian cross compiler targets 32-bit big endian; synthetic images
  // cover it (and the other three again).
  test::ImageSpec spec;
  spec.machine = EM_PPC;
  spec.interpreter = "/lib/ld.so.1";
  spec.needed = {"libgreet.so.1", "libc.so.6"};
  spec.soname = "libx.so.1";
  spec.runpath = "$ORIGIN/../lib";
  spec.rpath = "/opt/lib";
  bases.push_back({"synthetic-32be", test::build_image<elf::Elf32BE>(spec).bytes, {}});
  bases.push_back({"synthetic-32le", test::build_image<elf::Elf32LE>(spec).bytes, {}});
  bases.push_back({"synthetic-64be", test::build_image<elf::Elf64BE>(spec).bytes, {}});
  bases.push_back({"synthetic-64le", test::build_image<elf::Elf64LE>(spec).bytes, {}});
  for (Base& b : bases) b.regions = interesting_regions(b.name, b.bytes);
  return bases;
}

// Values that sit on the edges the checks must get right.
uint64_t edge_value(std::mt19937_64& rng, uint64_t file_size) {
  const uint64_t edges[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
                            0xfffffffffffffff0ull, UINT64_MAX, file_size, file_size - 1, file_size + 1,
                            file_size / 2};
  if (rng() % 3 == 0) return rng();
  return edges[rng() % std::size(edges)];
}

struct Outcome {
  int accepted = 0, rejected = 0;
};

// Byte edits on a base image that can be undone, so the image (exactly as
// long as the file, for ASan) is not copied for every mutant.
class Edits {
 public:
  explicit Edits(std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  ~Edits() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) bytes_[it->first] = it->second;
  }
  void set(uint64_t pos, uint8_t value) {
    undo_.emplace_back(pos, bytes_[pos]);
    bytes_[pos] = value;
  }

 private:
  std::vector<uint8_t>& bytes_;
  std::vector<std::pair<uint64_t, uint8_t>> undo_;
};

// Applies one random mutation to `bytes` through `edits` and returns a
// description; `length` becomes shorter for truncations.
std::string mutate(std::mt19937_64& rng, const Base& base, const std::vector<uint8_t>& bytes,
                   Edits& edits, uint64_t& length) {
  const Region& r = base.regions[rng() % base.regions.size()];
  uint64_t size = bytes.size();
  uint64_t at = r.offset + (r.size ? rng() % r.size : 0);
  if (at >= size) at = rng() % size;
  int kind = static_cast<int>(rng() % 10);
  std::string what;
  if (kind <= 2) {  // one byte
    edits.set(at, static_cast<uint8_t>(kind == 0 ? rng() : edge_value(rng, size)));
    what = "byte";
  } else if (kind <= 6) {  // a 2/4/8-byte field, in either byte order
    unsigned width = 2u << (rng() % 3);
    uint64_t v = edge_value(rng, size);
    bool big = rng() % 2;
    for (unsigned i = 0; i < width && at + i < size; ++i)
      edits.set(at + i, static_cast<uint8_t>(v >> (8 * (big ? width - 1 - i : i))));
    what = std::to_string(width) + "-byte field";
  } else if (kind <= 8) {  // several bytes at once
    for (int i = 0; i < 4; ++i) {
      const Region& q = base.regions[rng() % base.regions.size()];
      uint64_t pos = q.offset + (q.size ? rng() % q.size : 0);
      if (pos < size) edits.set(pos, static_cast<uint8_t>(rng()));
    }
    what = "4 bytes";
  } else {  // truncation
    length = at;
    what = "truncation";
  }
  return what + " at " + elf::hex(at);
}

TEST(Mutation, EveryMutantIsReadOrRejectedWithElfError) {
  std::vector<Base> bases = load_bases();
  ASSERT_EQ(bases.size(), 8u * 4 + 4);
  std::mt19937_64 rng(20261125);
  const int kPerBase = 800;
  Outcome total;
  auto start = std::chrono::steady_clock::now();
  for (const Base& base : bases) {
    std::vector<uint8_t> bytes = base.bytes;
    for (int i = 0; i < kPerBase; ++i) {
      Edits edits(bytes);
      uint64_t length = bytes.size();
      std::string what = mutate(rng, base, bytes, edits, length);
      // Truncations read an exactly sized copy, so ASan sees any read past `length`.
      std::vector<uint8_t> truncated;
      std::span<const uint8_t> image(bytes);
      if (length < bytes.size()) {
        truncated.assign(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(length));
        image = truncated;
      }
      try {
        inspect::Facts facts = inspect::facts_from_bytes(base.name, image.data(), image.size());
        (void)inspect::to_json(facts).dump();
        (void)inspect::to_text(facts);
        // Section names are read on demand, not by facts: read them too.
        elf::visit(base.name, image, [](const auto& f) {
          for (const auto& s : f.sections()) (void)f.section_name(s);
        });
        ++total.accepted;
      } catch (const elf::Error& e) {
        EXPECT_EQ(e.file(), base.name);
        EXPECT_FALSE(e.reason().empty());
        ++total.rejected;
      } catch (const std::exception& e) {
        ADD_FAILURE() << base.name << ", " << what << ": not an elf::Error: " << e.what();
      }
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Both outcomes must be common, or the mutations missed what the reader reads.
  int n = total.accepted + total.rejected;
  EXPECT_GT(total.rejected, n / 10);
  EXPECT_GT(total.accepted, n / 10);
  RecordProperty("mutants", n);
  std::printf("%d mutants: %d read, %d rejected, %.1f s\n", n, total.accepted, total.rejected, seconds);
}

}  // namespace
