// Where a makeself `.run` installer keeps its payload, read from its header
// script without running it. makeself writes a shell script followed by one
// or more (compressed) tar archives; the script finds them by counting its
// own lines: makeself 2.4 records the count as `skip="N"`, older versions
// inline it as `offset=`head -n N "$0" | wc -c | tr -d " "``. The archives'
// sizes are in `filesizes="S1 S2 ..."` (more than one after `--append`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shelf::store {

struct MakeselfPayload {
  uint64_t offset = 0;          // first byte after the header script
  std::vector<uint64_t> sizes;  // one per embedded archive, back to back
};

// True when `head` (the start of a file) is a makeself header script.
bool looks_like_makeself(std::string_view head);

// Parses the header in `head` of the `file_size`-byte file `file`; throws
// BadInput naming `file` when the header has no line count, the count runs
// past `head`, or the sizes do not fit in the file.
MakeselfPayload parse_makeself(const std::string& file, std::string_view head, uint64_t file_size);

}  // namespace shelf::store
