// patchelf 0.19's --build-resolution-cache: a note recording, for each
// DT_NEEDED library, where it resolves against the file's own run path, so
// a loader that reads the note (Nixpkgs' glibc) skips the directory search.
//
// The note is patchelf's byte for byte: an SHF_ALLOC SHT_NOTE section
// `.note.nixos.ldcache` (alignment 4) with one record, owner "NixOS", type
// 0x63a86cb6, whose descriptor lists "soname\0pathlist\0" pairs sorted by
// soname and ends with one more NUL. A pathlist joins, in run-path order
// and with ':', "=DIR/LIB" for each directory holding a readable LIB and
// "?DIR" for each directory that can only be judged at run time (empty or
// relative, with a '$' token, missing, not a searchable directory, or
// holding glibc-hwcaps/). A NEEDED name with '/' is not searched. The run
// path is DT_RUNPATH, or DT_RPATH when there is none (the last entry of each).
//
// Placement is shelf's own (the note goes into the writer's added segment,
// relayout.h, with a PT_NOTE and a section header); readers find it by the
// section name or the PT_NOTE, as with patchelf's. A note already present
// is left alone when equal and refused when different; edits that change
// what it records (run path, NEEDED) drop it: bytes cleared, PT_NOTE and
// section header removed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "patch/edit_plan.h"
#include "patch/image.h"

namespace shelf::patch {

inline constexpr const char* kResolutionCacheSection = ".note.nixos.ldcache";
inline constexpr const char* kResolutionCacheOwner = "NixOS";
inline constexpr uint32_t kResolutionCacheType = 0x63a86cb6;

// The descriptor for `needed` against `run_path` as the file system is now;
// nullopt when no library got an entry.
std::optional<std::string> resolution_descriptor(const std::vector<std::string>& needed, const std::string& run_path);

// One note record (header, owner, descriptor, padding) in the given byte order.
std::vector<uint8_t> resolution_note(const std::string& descriptor, bool little_endian);

// After every other edit of `plan` has been applied to `image` (whose
// original bytes are image.original()): drops a note the edits made stale
// and, when the plan asks for it, builds the note. Returns the warnings to
// print (patchelf's texts: no cache written, and why). Throws elf::Error for
// a differing note already present.
std::vector<std::string> update_resolution_cache(Image& image, const EditPlan& plan);

}  // namespace shelf::patch
