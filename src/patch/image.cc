#include "patch/image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "elf/error.h"

namespace shelf::patch {

namespace {

// Address space kept behind the input for what the relayout appends (tables
// and program headers: kilobytes to a few megabytes). Reserving costs no
// memory; only pages written are backed.
constexpr uint64_t kTailReserve = 1ull << 30;

uint64_t page_size() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

}  // namespace

Image::Image(const std::string& path) : path_(path) {
  // O_NONBLOCK: a FIFO given as input is refused below instead of waiting
  // for a writer; it changes nothing for a regular file.
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw elf::Error(path, std::strerror(errno));
  map();
}

Image::Image(int fd, const std::string& name) : path_(name), fd_(fd) { map(); }

void Image::map() {
  const std::string& path = path_;
  auto fail = [&](const std::string& what) {
    int err = errno;
    release();  // the constructor does not finish: the destructor will not run
    throw elf::Error(path, what + std::strerror(err));
  };
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("");
  if (!S_ISREG(st.st_mode)) {
    errno = 0;
    ::close(fd_);
    fd_ = -1;
    throw elf::Error(path, "not a regular file");
  }
  input_size_ = size_ = touched_ = static_cast<uint64_t>(st.st_size);
  uint64_t page = page_size();
  uint64_t mapped = (input_size_ + page - 1) / page * page;
  reserved_ = mapped + kTailReserve;
  void* area = ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (area == MAP_FAILED) {
    reserved_ = 0;
    fail("cannot reserve memory for the result: ");
  }
  result_ = static_cast<uint8_t*>(area);
  if (input_size_ == 0) return;
  // The file over the start of the reserved area: copy-on-write pages.
  if (::mmap(result_, input_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0) == MAP_FAILED)
    fail("cannot map file: ");
  void* original = ::mmap(nullptr, input_size_, PROT_READ, MAP_SHARED, fd_, 0);
  if (original == MAP_FAILED) fail("cannot map file: ");
  original_ = static_cast<const uint8_t*>(original);
}

Image::~Image() { release(); }

void Image::release() {
  if (original_) ::munmap(const_cast<uint8_t*>(original_), input_size_);
  if (result_) ::munmap(result_, reserved_);
  if (fd_ >= 0) ::close(fd_);
  original_ = nullptr;
  result_ = nullptr;
  fd_ = -1;
}

std::span<uint8_t> Image::writable(uint64_t offset, uint64_t size) {
  if (offset > size_ || size > size_ - offset)
    throw elf::Error(path_, "internal: a write of " + std::to_string(size) + " bytes past the end of the result",
                     offset);
  record(offset, size);
  touched_ = std::max(touched_, offset + size);
  return {result_ + offset, static_cast<size_t>(size)};
}

void Image::write_changes(uint64_t offset, std::span<const uint8_t> data) {
  if (offset > size_ || data.size() > size_ - offset)
    throw elf::Error(path_, "internal: a write of " + std::to_string(data.size()) + " bytes past the end of the result",
                     offset);
  const uint8_t* now = result_ + offset;
  for (uint64_t i = 0; i < data.size();) {
    uint64_t a, b;
    if (data.size() - i >= 8 && (std::memcpy(&a, now + i, 8), std::memcpy(&b, data.data() + i, 8), a == b)) {
      i += 8;
      continue;
    }
    if (now[i] == data[i]) {
      ++i;
      continue;
    }
    uint64_t j = i + 1;
    while (j < data.size() && now[j] != data[j]) ++j;
    write(offset + i, data.subspan(i, j - i));
    i = j;
  }
}

void Image::resize(uint64_t size) {
  if (size > reserved_)
    throw elf::Error(path_, "the result would grow by more than " + std::to_string(kTailReserve >> 20) + " MiB");
  if (size > size_) {
    // Bytes past the old end must read as zero: input bytes (after a cut)
    // and bytes written before a cut are cleared; never-touched anonymous
    // pages already are zero and stay unbacked.
    uint64_t dirty_end = std::min(size, std::max(touched_, input_size_));
    if (dirty_end > size_) {
      std::memset(result_ + size_, 0, dirty_end - size_);
      record(size_, dirty_end - size_);
    }
  }
  size_ = size;
}

void Image::record(uint64_t offset, uint64_t size) {
  if (size == 0) return;
  if (!written_.empty()) {
    ByteRun& last = written_.back();
    if (offset >= last.offset && offset <= last.offset + last.size) {
      last.size = std::max(last.size, offset + size - last.offset);
      return;
    }
  }
  written_.push_back({offset, size});
}

std::vector<ByteRun> Image::differing_runs() const {
  std::sort(written_.begin(), written_.end(), [](const ByteRun& a, const ByteRun& b) { return a.offset < b.offset; });
  uint64_t common = std::min(size_, input_size_);
  std::vector<ByteRun> out;
  auto add = [&](uint64_t at, uint64_t size) {
    if (!out.empty() && out.back().offset + out.back().size >= at)
      out.back().size = std::max(out.back().offset + out.back().size, at + size) - out.back().offset;
    else
      out.push_back({at, size});
  };
  uint64_t scanned = 0;  // written ranges may overlap: compare each byte once
  for (const ByteRun& w : written_) {
    uint64_t begin = std::max(w.offset, scanned), end = std::min(w.offset + w.size, common);
    // Eight bytes at a time: a differing word counts whole (its equal bytes
    // are the input's own, so writing them changes nothing), which keeps a
    // table cleared or rewritten whole to one comparison per word.
    for (uint64_t i = begin; i < end;) {
      uint64_t n = std::min<uint64_t>(8, end - i);
      if (std::memcmp(result_ + i, original_ + i, n) != 0) add(i, n);
      i += n;
    }
    scanned = std::max(scanned, end);
  }
  return out;
}

std::vector<uint8_t> Image::read_original(uint64_t offset, uint64_t size, uint64_t spare) const {
  if (offset > input_size_ || size > input_size_ - offset)
    throw elf::Error(path_, "internal: a read of " + std::to_string(size) + " bytes past the end of the input", offset);
  std::vector<uint8_t> out;
  out.reserve(size + spare);
  out.resize(size);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd_, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The mapping still reads it (a file that cannot be read twice).
      std::memcpy(out.data() + done, original_ + offset + done, size - done);
      break;
    }
    done += static_cast<uint64_t>(n);
  }
  return out;
}

void Image::release_original(uint64_t offset, uint64_t size) const {
  uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t begin = (offset + page - 1) / page * page;
  uint64_t end = std::min(offset + size, input_size_) / page * page;
  if (end > begin) (void)::madvise(const_cast<uint8_t*>(original_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace shelf::patch
