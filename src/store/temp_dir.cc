#include "store/temp_dir.h"

#include <cerrno>
#include <cstdlib>

#include "store/error.h"
#include "store/tree_ops.h"

namespace shelf::store {

TempDir::TempDir(const std::string& parent) {
  std::string tmpl = parent + "/" + kTempPrefix + "XXXXXX";
  if (!mkdtemp(tmpl.data())) throw Error(parent, "cannot create a temporary directory: " + errno_text(errno));
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  try {
    remove_tree(path_);
  } catch (...) {
    // Leftovers carry kTempPrefix and are removed by the next recovery.
  }
}

}  // namespace shelf::store
