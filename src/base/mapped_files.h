// The files some running process has mapped (programs and the libraries
// they loaded), as (device, inode). A library in use must not have its
// bytes changed under the process (its pages are the file's pages, so the
// process would see the edit, mid-run); the kernel only protects running
// programs (ETXTBSY), so a writer that edits in place asks here first and
// writes a new file instead for these.
#pragma once

#include <sys/types.h>

#include <set>
#include <utility>

namespace shelf::base {

using FileKey = std::pair<dev_t, ino_t>;

// Read from /proc/*/maps; processes that end or cannot be read meanwhile
// are skipped. Empty when /proc is not mounted.
std::set<FileKey> mapped_files();

}  // namespace shelf::base
