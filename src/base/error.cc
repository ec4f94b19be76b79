#include "base/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace shelf::base {

namespace {

std::string format(const std::string& subject, const std::string& reason, std::optional<uint64_t> offset) {
  std::string text = subject.empty() ? reason : subject + ": " + reason;
  if (offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (offset 0x%llx)", static_cast<unsigned long long>(*offset));
    text += buf;
  }
  return text;
}

}  // namespace

Error::Error(Kind kind, std::string subject, std::string reason, std::optional<uint64_t> offset)
    : std::runtime_error(format(subject, reason, offset)),
      kind_(kind),
      subject_(std::move(subject)),
      reason_(std::move(reason)),
      offset_(offset) {}

Error::Kind kind_of_errno(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
    case EROFS:
      return Error::Kind::permission;
    case ENOENT:
    case ENOTDIR:
      return Error::Kind::not_found;
    default:
      return Error::Kind::io;
  }
}

WriteError::WriteError(Step step, const std::string& subject, const std::string& what, int err)
    : Error(kind_of_errno(err), subject, what.empty() ? std::strerror(err) : what + ": " + std::strerror(err)),
      step_(step),
      err_(err) {}

const char* WriteError::step_name() const {
  switch (step_) {
    case Step::open: return "open";
    case Step::write: return "write";
    default: return "close";
  }
}

Error system_error(const std::string& subject, const std::string& what, int err) {
  return Error(kind_of_errno(err), subject, what.empty() ? std::strerror(err) : what + ": " + std::strerror(err));
}

}  // namespace shelf::base
