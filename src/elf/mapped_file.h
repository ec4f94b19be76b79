// A read-only memory mapping of a whole file. Readers overlay records on the
// mapped bytes; nothing is copied, so printing one header field of a 500 MB
// library touches a handful of pages.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace shelf::elf {

class MappedFile {
 public:
  // Throws elf::Error naming the path if it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  // Maps the regular file open as `fd` (not taken over); `name` is for errors.
  MappedFile(int fd, const std::string& name);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  uint64_t size() const { return size_; }

 private:
  void release();
  void map(int fd);
  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace shelf::elf
