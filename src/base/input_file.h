// Opening a file the user named for reading without ever blocking: a FIFO
// opened for reading waits for a writer, so every input is opened with
// O_NONBLOCK and refused unless it is a regular file.
#pragma once

#include <cstdint>
#include <string>

#include "base/fd.h"

namespace shelf::base {

// Opens `path` for reading; throws Error (bad_input, naming `path`) unless it
// is a regular file, or with the errno's kind when it cannot be opened.
UniqueFd open_regular_file(const std::string& path);

// The bytes [offset, offset + length) of a regular file, fewer at its end.
std::string read_range(const std::string& path, uint64_t offset, uint64_t length);

// The whole of a regular file.
std::string read_whole_file(const std::string& path);

}  // namespace shelf::base
