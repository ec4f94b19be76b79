#include "patch/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/error.h"
#include "base/fd.h"
#include "base/output_file.h"
#include "base/tree.h"
#include "patch/tree_journal.h"
#include "elf/error.h"
#include "elf/mapped_file.h"

namespace shelf::patch {

namespace {

using Step = base::WriteError::Step;

// A failed system call: the environment's fault (exit status 5), with the
// step patchelf's front end names.
[[noreturn]] void fail(const std::string& file, const std::string& what, int err, Step step = Step::write) {
  throw base::WriteError(step, file, what, err);
}

void write_all(int fd, const uint8_t* data, uint64_t size, uint64_t offset, const std::string& what,
               const std::string& target) {
  while (size > 0) {
    ssize_t n = pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(target, "cannot write " + what, errno);
    if (n == 0) fail(target, "cannot write " + what, EIO);
    data += n;
    size -= static_cast<uint64_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

// Copies [0, size) of `from` to the same offsets of `to` inside the kernel;
// where copy_file_range cannot (old kernels, some file systems), through a
// small buffer.
void copy_range(int from, int to, uint64_t size, const std::string& what, const std::string& target) {
  loff_t in = 0, out = 0;
  while (static_cast<uint64_t>(in) < size) {
    ssize_t n = copy_file_range(from, &in, to, &out, size - static_cast<uint64_t>(in), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP)) break;
    if (n < 0) fail(target, "cannot write " + what, errno);
    if (n == 0) fail(target, "the input shrank while it was copied to " + what, EIO);
  }
  std::vector<uint8_t> buf(1 << 20);
  for (uint64_t at = static_cast<uint64_t>(in); at < size;) {
    ssize_t n = pread(from, buf.data(), std::min<uint64_t>(buf.size(), size - at), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(target, "cannot read the input", n < 0 ? errno : EIO, Step::open);
    write_all(to, buf.data(), static_cast<uint64_t>(n), at, what, target);
    at += static_cast<uint64_t>(n);
  }
}

// The changed runs as write calls: runs that share a page are written as
// one call covering both (the bytes between are the result's too, equal to
// the input's), so the number of calls follows the pages touched, not the
// number of differing runs. A relayout renumbers every symbol's section
// index: tens of thousands of 2-byte runs, a few hundred pages.
std::vector<ByteRun> write_runs(const std::vector<ByteRun>& changed) {
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  std::vector<ByteRun> out;
  for (const ByteRun& r : changed) {
    if (r.size == 0) continue;
    if (!out.empty()) {
      ByteRun& last = out.back();
      uint64_t last_end = last.offset + last.size;
      if (r.offset <= last_end || (last_end - 1) / page == r.offset / page) {
        last.size = std::max(last_end, r.offset + r.size) - last.offset;
        continue;
      }
    }
    out.push_back(r);
  }
  return out;
}

// The result into a fresh file: unchanged bytes copied from the input, then
// the changed runs and the appended bytes from memory.
void write_result(int fd, const Image& image, const std::vector<ByteRun>& changed, const std::string& what,
                  const std::string& target) {
  std::span<const uint8_t> result = image.bytes();
  uint64_t common = std::min(image.size(), image.input_size());
  copy_range(image.fd(), fd, common, what, target);
  for (const ByteRun& r : write_runs(changed)) write_all(fd, result.data() + r.offset, r.size, r.offset, what, target);
  if (image.size() > common)
    write_all(fd, result.data() + common, image.size() - common, common, what, target);
  if (ftruncate(fd, static_cast<off_t>(image.size())) != 0) fail(target, "cannot size " + what, errno);
}

// --in-place on the input: the appended bytes first (past the old end, so
// the original stays intact until they are all there), then the changed
// runs; a failure undoes what was written, as far as it can.
void patch_inode(int fd, const Image& image, const std::vector<ByteRun>& changed_runs, const std::string& target,
                 bool sync, TreeJournal* journal = nullptr) {
  std::vector<ByteRun> changed = write_runs(changed_runs);
  struct stat st {};
  if (fstat(fd, &st) != 0) fail(target, "cannot stat", errno, Step::open);
  uint64_t old_size = image.input_size();
  if (static_cast<uint64_t>(st.st_size) != old_size) fail(target, "the file changed while it was patched", EBUSY, Step::close);
  std::span<const uint8_t> result = image.bytes(), original = image.original();
  std::vector<std::vector<uint8_t>> saved;  // originals of the runs, to roll back
  for (const ByteRun& r : changed) saved.emplace_back(original.begin() + r.offset, original.begin() + r.offset + r.size);
  // A cut tail is kept too, for the journal only (the rollback below
  // restores the size with the old bytes still past the cut).
  std::vector<ByteRun> cut;
  std::vector<std::vector<uint8_t>> cut_bytes;
  if (journal && image.size() < old_size) {
    cut.push_back({image.size(), old_size - image.size()});
    cut_bytes.emplace_back(original.begin() + image.size(), original.end());
  }
  // The journal's own descriptor is taken before anything is written, so
  // recording the write afterwards cannot fail half-way.
  base::UniqueFd journal_fd;
  if (journal) {
    journal_fd.reset(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!journal_fd) fail(target, "cannot keep the file open to undo its edit", errno, Step::open);
  }
  size_t written = 0;
  try {
    if (image.size() > old_size) write_all(fd, result.data() + old_size, image.size() - old_size, old_size, target, target);
    for (; written < changed.size(); ++written)
      write_all(fd, result.data() + changed[written].offset, changed[written].size, changed[written].offset, target,
                target);
    if (image.size() < old_size && ftruncate(fd, static_cast<off_t>(image.size())) != 0)
      fail(target, "cannot truncate", errno);
    if (sync && fsync(fd) != 0) fail(target, "cannot sync", errno, Step::close);
  } catch (...) {
    for (size_t i = 0; i < written; ++i)
      (void)!pwrite(fd, saved[i].data(), saved[i].size(), static_cast<off_t>(changed[i].offset));
    (void)!ftruncate(fd, static_cast<off_t>(old_size));
    throw;
  }
  if (journal) {
    changed.insert(changed.end(), cut.begin(), cut.end());
    saved.insert(saved.end(), std::make_move_iterator(cut_bytes.begin()), std::make_move_iterator(cut_bytes.end()));
    journal->written_in_place(std::move(journal_fd), old_size, std::move(changed), std::move(saved), target);
  }
}

bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Parses the written copy again; a problem is reported under the name the
// user gave, never the temporary file's.
void check_file(const base::ReplacementFile& temp, const std::string& target, const ResultCheck& check) {
  base::UniqueFd fd = temp.reopen();
  elf::MappedFile written(fd.get(), target);
  try {
    check(target, written.bytes());
  } catch (const elf::Error& e) {
    throw elf::Error(target, "the written copy fails its check: " + e.reason(), e.offset());
  }
}

// The result as a new file with the input's mode and owner, checked after
// it was written; the caller commits it or copies it on.
void write_copy(base::ReplacementFile& temp, const Image& image, const std::vector<ByteRun>& changed,
                const OutputOptions& options, const std::string& target, const ResultCheck& check) {
  struct stat st {};
  if (fstat(image.fd(), &st) != 0) fail(image.path(), "cannot stat", errno, Step::open);
  write_result(temp.fd(), image, changed, "the new copy", target);
  if (options.sync && fsync(temp.fd()) != 0) fail(target, "cannot sync the new copy", errno, Step::close);
  if (fchmod(temp.fd(), st.st_mode & 07777) != 0) fail(target, "cannot set the mode of the new copy", errno, Step::close);
  // Keeping the owner needs privileges; without them the file is ours, which
  // is what an unprivileged rewrite can do (and what patchelf does).
  if (fchown(temp.fd(), st.st_uid, st.st_gid) != 0 && errno != EPERM)
    fail(target, "cannot set the owner of the new copy", errno, Step::close);
  temp.close();
  check_file(temp, target, check);
}

}  // namespace

void write_atomically(const std::string& target_name, const Image& image, const std::vector<ByteRun>& changed,
                      const OutputOptions& options, const ResultCheck& check) {
  // Patching through a symlink (libfoo.so -> libfoo.so.1) edits the file it
  // names; the link stays a link. What the path ends at decides how it is
  // written (base/output_file.h): a device or FIFO is written into, never
  // replaced.
  base::OutputTarget out = base::OutputTarget::open(target_name);
  const std::string& target = out.path();
  if (out.kind() == base::OutputTarget::Kind::stream) {
    check(target_name, image.bytes());  // before a byte leaves
    base::write_all(out.stream_fd(), image.bytes(), target_name);
    return;
  }
  base::UniqueFd existing;
  if (options.keep_inode && out.kind() == base::OutputTarget::Kind::regular) {
    existing.reset(open(target.c_str(), O_RDWR | O_CLOEXEC));
    if (!existing) fail(target, "cannot open for writing", errno, Step::open);
    if (same_file(existing.get(), image.fd())) {
      check(target, image.bytes());  // before any byte of the target changes
      patch_inode(existing.get(), image, changed, target, options.sync);
      return;
    }
  }
  base::ReplacementFile temp(target);
  write_copy(temp, image, changed, options, target, check);
  if (existing) {
    // --in-place onto another existing file (--output): its inode gets the
    // checked copy's bytes.
    base::UniqueFd copy = temp.reopen();
    copy_range(copy.get(), existing.get(), image.size(), target, target);
    if (ftruncate(existing.get(), static_cast<off_t>(image.size())) != 0) fail(target, "cannot truncate", errno);
    if (options.sync && fsync(existing.get()) != 0) fail(target, "cannot sync", errno, Step::close);
    return;  // the temporary copy is removed by ReplacementFile
  }
  temp.commit();
}

bool write_in_tree(const base::Tree& tree, const std::string& resolved, const Image& image,
                   const std::vector<ByteRun>& changed, const ResultCheck& check, const TreeWrite& how) {
  std::string name = tree.display(resolved);
  struct stat st {};
  if (fstat(image.fd(), &st) != 0) fail(name, "cannot stat", errno, Step::open);
  if (!how.copy && st.st_nlink <= std::max(how.links_in_tree, 1u)) {
    // The tree is the caller's: its bytes are changed where they are. A
    // running program (ETXTBSY) gets a new file instead.
    base::UniqueFd rw;
    try {
      rw = tree.open_resolved(resolved, O_RDWR);
    } catch (const base::Error& e) {
      if (e.kind() != base::Error::Kind::io) throw;  // ETXTBSY is an I/O error here
    }
    if (rw && same_file(rw.get(), image.fd())) {
      check(name, image.bytes());
      patch_inode(rw.get(), image, changed, name, false, how.journal);
      return false;
    }
  }
  // Linked from outside the tree (or running, or --copy): a new file, so
  // the inode shared with the file outside does not change.
  base::Tree::Entry entry = tree.entry(resolved);
  int dir = entry.dir.get();
  base::ReplacementFile temp(std::move(entry.dir), entry.name, name);
  write_copy(temp, image, changed, {}, name, check);
  if (how.journal) how.journal->keep_old_inode(dir, entry.name, name);
  temp.commit();
  return true;
}

}  // namespace shelf::patch
