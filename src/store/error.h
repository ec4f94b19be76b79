// Errors of the store, typed the way Nix's libstore types them
// (MakeError(InvalidPath, Error)): each carries the subject it is about (a
// path, a store path, a database key) and a readable reason, so the CLI can
// print `shelf: SUBJECT: reason` and choose the exit status from the type.
#pragma once

#include <stdexcept>
#include <string>

namespace shelf::store {

class Error : public std::runtime_error {
 public:
  Error(std::string subject, std::string reason)
      : std::runtime_error(subject.empty() ? reason : subject + ": " + reason),
        subject_(std::move(subject)),
        reason_(std::move(reason)) {}
  const std::string& subject() const { return subject_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string subject_;
  std::string reason_;
};

// The input is unusable (missing directory, socket in a tree, malformed
// store path or name). The store is left unchanged.
class BadInput : public Error {
  using Error::Error;
};

// The operation is refused by the store's rules (deleting a path that is
// still referenced or reachable from a root).
class Refused : public Error {
  using Error::Error;
};

// "errno text" helper for system-call failures.
std::string errno_text(int err);

}  // namespace shelf::store
