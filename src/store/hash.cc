#include "store/hash.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "store/base32.h"
#include "store/error.h"

namespace shelf::store {

struct HashSink::Context {
  EVP_MD_CTX* md = nullptr;
  ~Context() { EVP_MD_CTX_free(md); }
};

HashSink::HashSink() : ctx_(std::make_unique<Context>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL cannot initialise SHA-256");
}

HashSink::~HashSink() = default;

void HashSink::write(std::string_view data) {
  EVP_DigestUpdate(ctx_->md, data.data(), data.size());
  size_ += data.size();
}

Hash HashSink::finish() {
  Hash h;
  unsigned length = 0;
  if (EVP_DigestFinal_ex(ctx_->md, h.bytes.data(), &length) != 1 || length != Hash::kSize)
    throw std::runtime_error("OpenSSL cannot finish SHA-256");
  return h;
}

Hash Hash::of(std::string_view data) {
  HashSink sink;
  sink.write(data);
  return sink.finish();
}

std::string Hash::base16() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string Hash::base32() const { return base32::encode(bytes); }

std::string Hash::sri() const {
  unsigned char out[4 * ((kSize + 2) / 3) + 1];
  EVP_EncodeBlock(out, bytes.data(), kSize);
  return "sha256-" + std::string(reinterpret_cast<char*>(out));
}

namespace {
std::optional<Hash> from_base16(std::string_view text) {
  if (text.size() != 2 * Hash::kSize) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash h;
  for (size_t i = 0; i < Hash::kSize; ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

std::optional<Hash> from_base64(std::string_view text) {
  if (text.size() != 44) return std::nullopt;
  unsigned char out[48];
  int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n != 33 || text.back() != '=') return std::nullopt;  // 32 bytes + one padding byte
  Hash h;
  std::copy(out, out + Hash::kSize, h.bytes.begin());
  return h;
}
}  // namespace

Hash Hash::parse(std::string_view text) {
  std::string_view body = text;
  std::optional<Hash> h;
  if (body.starts_with("sha256-")) {
    h = from_base64(body.substr(7));
  } else {
    if (body.starts_with("sha256:")) body.remove_prefix(7);
    if (body.size() == 2 * kSize) {
      h = from_base16(body);
    } else if (auto raw = base32::decode(body, kSize)) {
      h.emplace();
      std::copy(raw->begin(), raw->end(), h->bytes.begin());
    }
  }
  if (!h) throw BadInput(std::string(text), "not a SHA-256 hash in base-16, Nix base-32 or SRI form");
  return *h;
}

std::string compress_to_base32(const Hash& hash, size_t size) {
  std::vector<uint8_t> folded(size, 0);
  for (size_t i = 0; i < Hash::kSize; ++i) folded[i % size] ^= hash.bytes[i];
  return base32::encode(folded);
}

}  // namespace shelf::store
