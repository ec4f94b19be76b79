// The error type of the base layer: a kind (what the CLI turns into an exit
// status), the subject it is about (a file, a key, a store path), a readable
// reason and, for files, an optional byte offset. It prints as
// `SUBJECT: reason (offset 0x…)`, the CLI prefixing `shelf: `.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace shelf::base {

class Error : public std::runtime_error {
 public:
  enum class Kind {
    usage,       // the command line is wrong
    bad_input,   // the input (file, recipe, archive) is unusable
    not_found,   // a named file or store path does not exist
    permission,  // the caller may not do this (EACCES, EPERM, EROFS)
    io,          // the machine failed (ENOSPC, EIO, ...)
    conflict,    // refused by a rule (something else holds it)
    internal,    // a bug
  };

  Error(Kind kind, std::string subject, std::string reason, std::optional<uint64_t> offset = {});

  Kind kind() const { return kind_; }
  const std::string& subject() const { return subject_; }
  const std::string& reason() const { return reason_; }
  std::optional<uint64_t> offset() const { return offset_; }

 private:
  Kind kind_;
  std::string subject_;
  std::string reason_;
  std::optional<uint64_t> offset_;
};

// A system call that failed while an output was written, with the step it
// failed in: opening (or creating) the file, writing its bytes, or closing
// it (sync, mode, rename). The patchelf front end reports these in
// patchelf's words, "open: REASON", "write: REASON", "close: REASON".
class WriteError : public Error {
 public:
  enum class Step { open, write, close };
  WriteError(Step step, const std::string& subject, const std::string& what, int err);

  Step step() const { return step_; }
  int err() const { return err_; }
  const char* step_name() const;

 private:
  Step step_;
  int err_;
};

// The kind a failed system call's errno stands for.
Error::Kind kind_of_errno(int err);

// `subject: what: strerror(err)`, with the kind the errno stands for.
Error system_error(const std::string& subject, const std::string& what, int err);

}  // namespace shelf::base
