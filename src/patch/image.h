// Image: the file being patched, as the writer edits it, without copying it.
//
// The input is mapped twice from one descriptor: read-only (the original, as
// every reader of the input sees it) and copy-on-write (the result). Writing
// through the result copies only the pages written, so editing a header of a
// 500 MB library costs a few pages of memory, not the file. Every write goes
// through this class, which records the byte ranges written; the output side
// (atomic_write.h) copies everything else from the input file in the kernel.
// Past the input's end the result continues in anonymous memory, where the
// relayout puts its added segment.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace shelf::patch {

// A byte range [offset, offset + size) of a file.
struct ByteRun {
  uint64_t offset;
  uint64_t size;
};

class Image {
 public:
  // Maps `path`. Throws elf::Error naming it if it cannot be opened or mapped.
  explicit Image(const std::string& path);
  // Takes over the open descriptor `fd` (a file opened beneath a tree, a
  // memfd); `name` is used in errors.
  Image(int fd, const std::string& name);
  ~Image();
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }  // the input, open for reading
  uint64_t input_size() const { return input_size_; }
  std::span<const uint8_t> original() const { return {original_, input_size_}; }

  // The result as it stands.
  uint64_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {result_, size_}; }

  // Writable bytes of the result; the range counts as written.
  std::span<uint8_t> writable(uint64_t offset, uint64_t size);
  template <typename T>
  T& at(uint64_t offset) {
    static_assert(alignof(T) == 1, "records are overlaid on unaligned bytes");
    return *reinterpret_cast<T*>(writable(offset, sizeof(T)).data());
  }
  void write(uint64_t offset, std::span<const uint8_t> data) {
    if (!data.empty()) std::memcpy(writable(offset, data.size()).data(), data.data(), data.size());
  }
  // Like write(), but only the bytes that differ from the result as it
  // stands are written (and count as written): rewriting a whole string
  // table of which a few bytes change touches a few pages, not the table.
  void write_changes(uint64_t offset, std::span<const uint8_t> data);
  void fill(uint64_t offset, uint64_t size, uint8_t value) {
    if (size) std::memset(writable(offset, size).data(), value, size);
  }

  // Cuts the result or extends it with zero bytes.
  void resize(uint64_t size);

  // The bytes [offset, offset + size) of the input, read with pread rather
  // than through the mapping, so they do not stay in this process's
  // resident set (a 3 MB string table is copied, not mapped and copied).
  // `spare` more bytes of capacity are reserved for the caller to append.
  std::vector<uint8_t> read_original(uint64_t offset, uint64_t size, uint64_t spare = 0) const;
  // Gives back the pages of the read-only mapping of the input that lie
  // inside [offset, offset + size): they were read and are not needed
  // again (reading them again maps them again). The result is untouched.
  void release_original(uint64_t offset, uint64_t size) const;

  // Where the result differs from the input, within their common length, in
  // offset order: the written ranges compared with the original eight bytes
  // at a time (a run may include equal bytes of a differing word). Bytes
  // past the input's end are not included.
  std::vector<ByteRun> differing_runs() const;

 private:
  void record(uint64_t offset, uint64_t size);
  void map();
  void release();

  std::string path_;
  int fd_ = -1;
  uint64_t input_size_ = 0;
  const uint8_t* original_ = nullptr;
  uint8_t* result_ = nullptr;
  uint64_t reserved_ = 0;   // bytes of address space behind result_
  uint64_t size_ = 0;
  uint64_t touched_ = 0;    // highest size reached: anonymous bytes past it are still zero
  mutable std::vector<ByteRun> written_;
};

}  // namespace shelf::patch
