#include "store/error.h"

#include <cstring>

namespace shelf::store {

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace shelf::store
