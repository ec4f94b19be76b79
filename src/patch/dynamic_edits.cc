#include "patch/dynamic_edits.h"
#include "base/text.h"

#include <elf.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace shelf::patch {

namespace {

using Op = RpathEdit::Op;

std::vector<std::string> split_colons(const std::string& text) { return base::split(text, ':'); }

bool has_allowed_prefix(const std::string& dir, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return dir.compare(0, p.size(), p) == 0; });
}

// patchelf's shrink: relative entries ($ORIGIN…) stay; absolute ones stay only
// if they hold a NEEDED library not found in an earlier directory.
std::string shrink(const std::string& rpath, const std::vector<std::string>& needed,
                   const std::vector<std::string>& allowed, uint16_t machine) {
  std::vector<bool> found(needed.size(), false);
  std::string out;
  auto append = [&](const std::string& dir) {
    if (!out.empty()) out += ':';
    out += dir;
  };
  for (const std::string& dir : split_colons(rpath)) {
    if (!dir.empty() && dir[0] != '/') {
      append(dir);
      continue;
    }
    if (!allowed.empty() && !has_allowed_prefix(dir, allowed)) continue;
    bool holds = false;
    for (size_t i = 0; i < needed.size(); ++i)
      if (!found[i] && directory_holds_library(dir, needed[i], machine)) found[i] = holds = true;
    if (holds) append(dir);
  }
  return out;
}

// Index of the last entry with `tag` (patchelf keeps the last one it sees).
std::optional<size_t> last_with(const std::vector<PlannedEntry>& entries, uint64_t tag) {
  std::optional<size_t> found;
  for (size_t i = 0; i < entries.size(); ++i)
    if (entries[i].tag == tag) found = i;
  return found;
}

class Planner {
 public:
  Planner(const DynamicView& view, const EditPlan& plan) : view_(view), plan_(plan) {
    for (const elf::DynEntry& d : view.entries) out_.entries.push_back({d.tag, d.value, {}});
  }

  DynamicEdit run() {
    soname();
    search_path();
    remove_needed();
    replace_needed();
    add_needed();
    flags_1();
    debug_tag();
    return std::move(out_);
  }

 private:
  // The string an entry points at now (its new text if one was planned).
  std::string text_of(const PlannedEntry& e) const { return e.text ? *e.text : view_.string_at(e.value); }

  // New tags go after the existing entries: in place that rewrites one
  // entry instead of shifting the whole table (order does not matter for
  // them; only NEEDED order does, and added NEEDED go first, as patchelf's).
  void append(PlannedEntry e) { out_.entries.push_back(std::move(e)); }

  void soname() {
    if (!plan_.soname || view_.e_type != ET_DYN) return;
    std::optional<size_t> i = last_with(out_.entries, DT_SONAME);
    if (!i) return append({DT_SONAME, 0, *plan_.soname});
    if (text_of(out_.entries[*i]) != *plan_.soname) out_.entries[*i].text = *plan_.soname;
  }

  void search_path() {
    const RpathEdit& edit = plan_.rpath;
    auto& entries = out_.entries;
    std::optional<size_t> rpath = last_with(entries, DT_RPATH), runpath = last_with(entries, DT_RUNPATH);
    std::optional<std::string> current;
    if (runpath)
      current = text_of(entries[*runpath]);
    else if (rpath)
      current = text_of(entries[*rpath]);

    std::string wanted;
    switch (edit.op) {
      case Op::kKeep: return;
      case Op::kRemove:
        if (!current) return;
        std::erase_if(entries, [](const PlannedEntry& e) { return e.tag == DT_RPATH || e.tag == DT_RUNPATH; });
        return;
      case Op::kShrink:
        if (!current) return;
        wanted = shrink(*current, needed_names(), edit.allowed_prefixes, view_.e_machine);
        break;
      case Op::kAdd:
        wanted = current.value_or("");
        if (!wanted.empty()) wanted += ':';
        wanted += edit.value;
        break;
      case Op::kSet: wanted = edit.value; break;
    }
    // DT_RPATH becomes DT_RUNPATH unless --force-rpath, which converts the
    // other way (patchelf's rules, including files carrying both tags).
    if (!plan_.force_rpath && rpath && !runpath) {
      entries[*rpath].tag = DT_RUNPATH;
      std::swap(rpath, runpath);
    } else if (plan_.force_rpath && runpath) {
      entries[*runpath].tag = DT_RPATH;
      rpath = runpath;
      runpath.reset();
    }
    if (current && *current == wanted) return;
    if (!rpath && !runpath) return append({uint64_t(plan_.force_rpath ? DT_RPATH : DT_RUNPATH), 0, wanted});
    if (runpath) entries[*runpath].text = wanted;
    if (rpath) entries[*rpath].text = wanted;
  }

  std::vector<std::string> needed_names() const {
    std::vector<std::string> names;
    for (const PlannedEntry& e : out_.entries)
      if (e.tag == DT_NEEDED) names.push_back(text_of(e));
    return names;
  }

  void remove_needed() {
    if (plan_.remove_needed.empty()) return;
    std::erase_if(out_.entries, [&](const PlannedEntry& e) {
      return e.tag == DT_NEEDED && plan_.remove_needed.count(text_of(e));
    });
  }

  void replace_needed() {
    for (PlannedEntry& e : out_.entries) {
      if (e.tag != DT_NEEDED) continue;
      std::string name = text_of(e);
      auto it = plan_.replace_needed.find(name);
      if (it == plan_.replace_needed.end() || it->second == name) continue;
      e.text = it->second;
      out_.renamed_files.emplace_back(name, it->second);
    }
  }

  void add_needed() {
    std::vector<std::string> present = needed_names();
    // patchelf adds them in sorted order at the top; names already needed are
    // not added twice.
    std::set<std::string> wanted(plan_.add_needed.begin(), plan_.add_needed.end());
    std::vector<PlannedEntry> added;
    for (const std::string& lib : wanted)
      if (std::find(present.begin(), present.end(), lib) == present.end()) added.push_back({DT_NEEDED, 0, lib});
    out_.entries.insert(out_.entries.begin(), added.begin(), added.end());
  }

  void flags_1() {
    if (!plan_.no_default_lib) return;
    for (PlannedEntry& e : out_.entries)
      if (e.tag == DT_FLAGS_1) {
        e.value |= DF_1_NODEFLIB;
        return;
      }
    append({DT_FLAGS_1, DF_1_NODEFLIB, {}});
  }

  void debug_tag() {
    if (!plan_.add_debug_tag || last_with(out_.entries, DT_DEBUG)) return;
    append({DT_DEBUG, 0, {}});
  }

  const DynamicView& view_;
  const EditPlan& plan_;
  DynamicEdit out_;
};

}  // namespace

DynamicEdit plan_dynamic(const DynamicView& view, const EditPlan& plan) { return Planner(view, plan).run(); }

bool directory_holds_library(const std::string& dir, const std::string& library, uint16_t machine) {
  std::ifstream in(dir + "/" + library, std::ios::binary);
  unsigned char header[20];
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return false;
  if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') return false;
  bool le = header[EI_DATA] == ELFDATA2LSB;
  uint16_t m = le ? uint16_t(header[18] | header[19] << 8) : uint16_t(header[18] << 8 | header[19]);
  return m == machine;
}

}  // namespace shelf::patch
