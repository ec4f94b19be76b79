// Where tests find shelf, the fixtures and the source tree (set by CTest).
#pragma once

#include <string>

namespace shelf::test {

std::string shelf_bin();       // $SHELF_BIN
std::string fixtures_dir();    // $SHELF_FIXTURES: built from testdata/
std::string source_dir();      // $SHELF_SOURCE
// A fresh empty directory under the test's temporary area, removed by nobody
// (CTest runs in the build tree; leftovers help debugging).
std::string make_temp_dir(const std::string& tag);

}  // namespace shelf::test
