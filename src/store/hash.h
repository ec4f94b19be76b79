// A SHA-256 digest that prints itself the ways Nix does: base-16,
// Nix base-32 (`sha256:<base32>`, what `nix-hash --base32` and the database
// show) and SRI (`sha256-<base64>`, what `nix hash path` prints).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/sink.h"

namespace shelf::store {

struct Hash {
  static constexpr size_t kSize = 32;
  std::array<uint8_t, kSize> bytes{};

  std::string base16() const;
  std::string base32() const;
  std::string nix() const { return "sha256:" + base32(); }  // printed form
  std::string sri() const;
  std::string base16_typed() const { return "sha256:" + base16(); }  // database form

  // Accepts `sha256:<base16|base32>`, bare base-16/base-32 and SRI;
  // throws BadInput naming the text otherwise.
  static Hash parse(std::string_view text);
  static Hash of(std::string_view data);

  bool operator==(const Hash&) const = default;
};

// Nix's compressHash: XOR-folds a digest into `size` bytes (20 for store paths).
std::string compress_to_base32(const Hash& hash, size_t size);

// Hashes what is written and counts it (the NAR size comes with the NAR hash).
class HashSink : public Sink {
 public:
  HashSink();
  ~HashSink() override;
  HashSink(const HashSink&) = delete;
  HashSink& operator=(const HashSink&) = delete;
  void write(std::string_view data) override;
  Hash finish();  // once
  uint64_t size() const { return size_; }

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
  uint64_t size_ = 0;
};

}  // namespace shelf::store
