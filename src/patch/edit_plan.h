// EditPlan: every edit requested for one file, as a value. The command line
// and recipes fill it in through the table of operations (operations.h); the writer reads it once and writes the result once, so the
// edits never relayout the file one after another (patchelf's growth problem).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shelf::patch {

// What to do with the library search path (DT_RUNPATH, or DT_RPATH).
struct RpathEdit {
  enum class Op {
    kKeep,    // leave it (but --force-rpath may still convert the tag)
    kSet,     // replace the whole path with `value`
    kAdd,     // append `value` after the existing directories
    kRemove,  // drop DT_RPATH and DT_RUNPATH entries
    kShrink,  // keep only directories holding a NEEDED library
  };
  Op op = Op::kKeep;
  std::string value;
  // With kShrink: absolute directories not starting with one of these are
  // dropped even if they hold a library (patchelf's --allowed-rpath-prefixes).
  std::vector<std::string> allowed_prefixes;

  bool operator==(const RpathEdit&) const = default;
};

struct EditPlan {
  std::optional<std::string> interpreter;
  RpathEdit rpath;
  // Write the search path as DT_RPATH (default: DT_RUNPATH; an existing
  // DT_RPATH is converted when the path is edited).
  bool force_rpath = false;
  std::optional<std::string> soname;  // ignored for files that are not ET_DYN, as patchelf does
  std::vector<std::string> add_needed;  // added first, in name order; names already needed are skipped
  std::set<std::string> remove_needed;
  std::map<std::string, std::string> replace_needed;  // old name -> new name
  bool no_default_lib = false;                        // DF_1_NODEFLIB in DT_FLAGS_1
  bool add_debug_tag = false;                         // a DT_DEBUG entry
  std::optional<uint8_t> os_abi;                      // EI_OSABI
  std::optional<bool> execstack;                      // PF_X of PT_GNU_STACK
  std::set<std::string> clear_symbol_version;         // versym of these dynamic symbols -> global
  std::map<std::string, std::string> rename_symbols;  // dynamic symbol old -> new name
  std::optional<uint64_t> page_size;                  // alignment of a segment the writer adds
  // Record each NEEDED library's resolution against the run path in a
  // .note.nixos.ldcache note (resolution_cache.h), after every other edit.
  bool build_resolution_cache = false;

  bool operator==(const EditPlan&) const = default;

  // True when the plan asks for no change at all: it equals a blank plan
  // (the page size is how, not what), so a new field can never be left out.
  bool empty() const {
    EditPlan blank;
    blank.page_size = page_size;
    return *this == blank;
  }
};

}  // namespace shelf::patch
