// The one exception type of src/wrap: a message with its context (the flag,
// file or field it is about). The CLI maps `usage` errors to exit 2 and the
// others to exit 3.
#pragma once

#include <stdexcept>
#include <string>

namespace shelf::wrap {

class Error : public std::runtime_error {
 public:
  enum class Kind { usage, bad_input };
  Error(Kind kind, const std::string& context, const std::string& reason)
      : std::runtime_error(context.empty() ? reason : context + ": " + reason), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

inline Error usage_error(const std::string& context, const std::string& reason) {
  return Error(Error::Kind::usage, context, reason);
}
inline Error input_error(const std::string& context, const std::string& reason) {
  return Error(Error::Kind::bad_input, context, reason);
}

}  // namespace shelf::wrap
