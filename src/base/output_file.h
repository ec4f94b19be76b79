// Output to a path the user named, treated the way patchelf treats its
// output file, minus the ways that destroy data.
//
// The path is followed through symbolic links (the user named it, as
// patchelf and cp follow it), and what it ends at decides:
//   - nothing there: a new file is created beside it and renamed into place;
//   - a regular file: replaced atomically (a new file renamed over it), but
//     only when the caller could open it for writing, as patchelf needs to;
//   - a character device (/dev/null, a terminal): written into, as patchelf
//     writes into it; never replaced;
//   - a FIFO: opened without blocking and written into when it has a reader;
//     refused when it has none (never a hang);
//   - a block device, a socket, a directory: refused.
// Only regular files are ever renamed over: run as root, renaming a new file
// over /dev/null turned the machine's /dev/null into a regular file.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/fd.h"

namespace shelf::base {

class OutputTarget {
 public:
  enum class Kind { absent, regular, stream };

  // Looks at `named` and, for a device or FIFO, opens it for writing.
  // Throws Error (naming `named`) when it is refused.
  static OutputTarget open(const std::string& named);

  Kind kind() const { return kind_; }
  const std::string& named() const { return named_; }
  // Where a replacement goes: `named` with symbolic links resolved.
  const std::string& path() const { return path_; }
  // The existing regular file's status (mode, owner, inode).
  const struct stat& status() const { return status_; }
  // The open device or FIFO (kind stream).
  int stream_fd() const { return stream_.get(); }

 private:
  Kind kind_ = Kind::absent;
  std::string named_, path_;
  struct stat status_ {};
  UniqueFd stream_;
};

// Writes all of `bytes` at the descriptor's position (a device, a pipe, a
// new file), retrying short writes. Throws Error naming `subject`.
void write_all(int fd, std::span<const uint8_t> bytes, const std::string& subject);

// A new file beside `target` (same directory, so the rename is atomic),
// created with O_EXCL: a planted file or symbolic link of the same name is
// never opened. Removed again unless commit() renamed it over the target.
class ReplacementFile {
 public:
  // `target` is a path; its directory is followed (the user named it).
  explicit ReplacementFile(const std::string& target);
  // The entry `name` of the open directory `dir` (see base/tree.h);
  // `display` names it in errors.
  ReplacementFile(UniqueFd dir, std::string name, std::string display);
  ~ReplacementFile();
  ReplacementFile(const ReplacementFile&) = delete;
  ReplacementFile& operator=(const ReplacementFile&) = delete;

  int fd() const { return fd_.get(); }
  // The temporary file, for messages.
  std::string display_path() const;
  const std::string& target() const { return display_; }
  // The temporary file opened again for reading, to check what was written.
  UniqueFd reopen() const;

  // Closes the file, reporting a failed close (delayed write errors).
  void close();
  // Renames the file over the target, after checking that the target is
  // still absent, a regular file or a symbolic link (the link is replaced,
  // not followed); a device, FIFO, socket or directory is refused.
  void commit();

 private:
  void create();

  UniqueFd dir_;
  std::string name_, display_, temp_name_;
  UniqueFd fd_;
  bool committed_ = false;
};

// The whole of `bytes` to the output `named`: into a device or FIFO, or as
// a new file with `mode` renamed over a regular file (keeping its owner
// where allowed) or into an empty place.
void write_output(const std::string& named, std::string_view bytes, mode_t mode);

}  // namespace shelf::base
