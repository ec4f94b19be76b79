// NAR (Nix ARchive) serialisation, byte for byte what `nix-store --dump`
// writes: a canonical stream of a file system tree that keeps only file
// types, contents, the executable bit, symlink targets and sorted names.
#pragma once

#include <string>

#include "store/hash.h"
#include "store/sink.h"

namespace shelf::store {

// Writes the NAR of `path` (a regular file, symlink or directory; not
// followed if a symlink) into `sink`. Throws BadInput naming the file for
// sockets, devices, FIFOs and unreadable entries.
void dump_path(const std::string& path, Sink& sink);

// SHA-256 and size of the NAR of `path`: `nix hash path` and narSize.
struct NarDigest {
  Hash hash;
  uint64_t size = 0;
};
NarDigest hash_path(const std::string& path);

}  // namespace shelf::store
