#include "patch/resolution_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "elf/identify.h"
#include "patch/patch.h"
#include "patch/relayout.h"
#include "patch/section_order.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

constexpr const char* kStale =
    "--build-resolution-cache: a resolution cache note is already present; rebuild from an unpatched binary";

// What the note records and what decides whether it is still true.
struct Resolvable {
  bool has_dynamic = false;  // a dynamic table and a string table
  std::vector<std::string> needed;
  std::string run_path;  // the last DT_RUNPATH, else the last DT_RPATH; empty if none

  bool operator==(const Resolvable&) const = default;
};

// The note present in a file: where it is and what it says.
struct PresentNote {
  size_t index;
  uint64_t offset, size;
  std::optional<std::string> descriptor;  // nullopt when the record does not parse
};

template <typename E>
Resolvable resolvable_of(const ElfFile<E>& f) {
  Resolvable r;
  r.has_dynamic = f.has_dynamic() && f.dynstr_offset().has_value();
  if (!r.has_dynamic) return r;
  std::optional<std::string_view> runpath, rpath;
  for (const DynEntry& d : f.dynamic_entries()) {
    if (d.tag == DT_NEEDED) r.needed.emplace_back(f.dynamic_string(d.value, "DT_NEEDED"));
    if (d.tag == DT_RUNPATH) runpath = f.dynamic_string(d.value, "DT_RUNPATH");
    if (d.tag == DT_RPATH) rpath = f.dynamic_string(d.value, "DT_RPATH");
  }
  r.run_path = std::string(runpath ? *runpath : rpath.value_or(""));
  return r;
}

// The note's descriptor, read with every size checked (patchelf reads a
// foreign or damaged note as "different", never past its bytes).
template <typename E>
std::optional<PresentNote> present_note(const ElfFile<E>& f) {
  std::optional<size_t> index = f.find_section(kResolutionCacheSection);
  if (!index) return std::nullopt;
  const Shdr<E>& s = f.sections()[*index];
  PresentNote note{*index, uint64_t(s.sh_offset), uint64_t(s.sh_size), std::nullopt};
  auto bytes = f.bytes();
  constexpr uint64_t header = 12;
  if (note.offset > bytes.size() || bytes.size() - note.offset < header || note.size < header) return note;
  uint64_t avail = std::min<uint64_t>(note.size, bytes.size() - note.offset);
  const uint8_t* p = bytes.data() + note.offset;
  uint64_t namesz = *reinterpret_cast<const typename E::Word*>(p);
  uint64_t descsz = *reinterpret_cast<const typename E::Word*>(p + 4);
  uint64_t name_padded = (namesz + 3) / 4 * 4;
  if (name_padded > avail - header || descsz > avail - header - name_padded) return note;
  note.descriptor = std::string(reinterpret_cast<const char*>(p + header + name_padded), descsz);
  return note;
}

template <typename E>
void put_word(uint8_t* at, uint32_t v) {
  typename E::Word w;
  w = v;
  std::memcpy(at, &w, sizeof w);
}

// Header (namesz, descsz, type), the owner and its NUL padded to 4, the
// descriptor padded to 4; padding is zero.
template <typename E>
std::vector<uint8_t> note_record(const std::string& descriptor) {
  std::string owner = kResolutionCacheOwner;
  uint64_t name_size = (owner.size() + 1 + 3) / 4 * 4;
  std::vector<uint8_t> out(12 + name_size + (descriptor.size() + 3) / 4 * 4, 0);
  put_word<E>(out.data(), static_cast<uint32_t>(owner.size() + 1));
  put_word<E>(out.data() + 4, static_cast<uint32_t>(descriptor.size()));
  put_word<E>(out.data() + 8, kResolutionCacheType);
  std::memcpy(out.data() + 12, owner.data(), owner.size());
  std::memcpy(out.data() + 12 + name_size, descriptor.data(), descriptor.size());
  return out;
}

// A directory whose contents only the loader can judge: what it resolves
// to depends on the process ($ORIGIN, the working directory), on the CPU
// (glibc-hwcaps), or on files that may appear later.
bool needs_search_hint(const std::string& dir) {
  if (dir.empty() || dir[0] != '/' || dir.find('$') != std::string::npos) return true;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(dir.c_str(), X_OK) != 0) return true;
  return ::access((dir + "/glibc-hwcaps").c_str(), F_OK) == 0;
}

// Splits at every ':', keeping empty parts, a trailing one included.
std::vector<std::string> run_path_directories(const std::string& run_path) {
  std::vector<std::string> dirs;
  if (run_path.empty()) return dirs;
  size_t start = 0;
  for (;;) {
    size_t colon = run_path.find(':', start);
    dirs.push_back(run_path.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

// Removes the note: its bytes cleared (no stale store path stays for a
// reference scanner to find), the program headers covering exactly it
// (PT_NOTE, and patchelf's own PT_LOAD) and its section header removed.
template <typename E>
void remove_note_headers(const ElfFile<E>& f, Image& image, const PresentNote& note) {
  if (note.index == f.section_name_index())
    f.fail("cannot remove resolution cache note: section name table index points to it");
  if (note.offset <= image.size() && note.size <= image.size() - note.offset) image.fill(note.offset, note.size, 0);
  std::vector<Phdr<E>> kept;
  for (const Phdr<E>& p : f.segments())
    if (!((p.p_type == PT_NOTE || p.p_type == PT_LOAD) && uint64_t(p.p_offset) == note.offset &&
          uint64_t(p.p_filesz) == note.size))
      kept.push_back(p);
  if (kept.size() == f.segments().size()) return;
  for (Phdr<E>& p : kept)
    if (p.p_type == PT_PHDR) p.p_filesz = p.p_memsz = kept.size() * sizeof(Phdr<E>);
  uint64_t phoff = f.header().e_phoff;
  image.write(phoff, {reinterpret_cast<const uint8_t*>(kept.data()), kept.size() * sizeof(Phdr<E>)});
  image.fill(phoff + kept.size() * sizeof(Phdr<E>), (f.segments().size() - kept.size()) * sizeof(Phdr<E>), 0);
  image.at<Ehdr<E>>(0).e_phnum = static_cast<uint16_t>(kept.size());
}

}  // namespace

std::optional<std::string> resolution_descriptor(const std::vector<std::string>& needed, const std::string& run_path) {
  std::map<std::string, std::string> entries;  // sorted by soname, as patchelf's std::map
  auto add = [&](const std::string& lib, const std::string& item) {
    std::string& list = entries[lib];
    if (!list.empty()) list += ':';
    list += item;
  };
  for (const std::string& dir : run_path_directories(run_path)) {
    bool hint = needs_search_hint(dir);
    for (const std::string& lib : needed) {
      if (lib.find('/') != std::string::npos) continue;  // opened by that path, never searched
      if (hint) {
        add(lib, "?" + dir);
      } else {
        std::string path = dir + "/" + lib;
        if (::access(path.c_str(), R_OK) == 0) add(lib, "=" + path);
      }
    }
  }
  if (entries.empty()) return std::nullopt;
  std::string desc;
  for (const auto& [lib, list] : entries) {
    desc += lib;
    desc += '\0';
    desc += list;
    desc += '\0';
  }
  desc += '\0';
  return desc;
}

std::vector<uint8_t> resolution_note(const std::string& descriptor, bool little_endian) {
  return little_endian ? note_record<Elf64LE>(descriptor) : note_record<Elf64BE>(descriptor);
}

std::vector<std::string> update_resolution_cache(Image& image, const EditPlan& plan) {
  std::vector<std::string> warnings;
  // Only the run path and the NEEDED list are recorded: a plan that touches
  // neither and builds no note has nothing to do here (most edits; no
  // third parse of the file on autopatch's path).
  if (!plan.build_resolution_cache && plan.rpath.op == RpathEdit::Op::kKeep && plan.add_needed.empty() &&
      plan.remove_needed.empty() && plan.replace_needed.empty())
    return warnings;
  auto resolvable = [&](std::span<const uint8_t> bytes) {
    return visit(image.path(), bytes, [&]<typename E>(const ElfFile<E>& f) { return resolvable_of(f); });
  };
  // 1. Drop a note the edits made stale: --remove-rpath and --add-needed
  // always (as patchelf), other edits when the run path or the NEEDED list
  // they leave differs from the input's.
  std::optional<PresentNote> note = visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& now) {
    return present_note(now);
  });
  if (note) {
    bool always = plan.rpath.op == RpathEdit::Op::kRemove || !plan.add_needed.empty();
    bool stale = always || !(resolvable(image.original()) == resolvable(image.bytes()));
    if (stale) {
      visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& now) {
        remove_note_headers(now, image, *note);
      });
      remove_section(image, note->index);
      note.reset();
    }
  }
  if (!plan.build_resolution_cache) return warnings;

  // 2. Build it from what the file says now.
  auto refuse_if_present = [&] {
    if (note) throw PatchelfWordedError(image.path(), kStale);
  };
  auto [what, little_endian] = visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& now) {
    return std::pair(resolvable_of(now), E::is_le);
  });
  if (!what.has_dynamic) {
    refuse_if_present();
    warnings.push_back("--build-resolution-cache: no dynamic section (statically linked?); no cache written");
    return warnings;
  }
  if (what.needed.empty() || what.run_path.empty()) {
    refuse_if_present();
    warnings.push_back("--build-resolution-cache: no DT_NEEDED entries or run path to resolve; no cache written");
    return warnings;
  }
  std::optional<std::string> descriptor = resolution_descriptor(what.needed, what.run_path);
  if (!descriptor) {
    refuse_if_present();
    warnings.push_back("--build-resolution-cache: no libraries resolved against the run path; no cache written");
    return warnings;
  }
  if (note) {
    if (note->descriptor == *descriptor) return warnings;  // up to date
    refuse_if_present();
  }
  Growth growth;
  growth.note = Growth::Note{kResolutionCacheSection, resolution_note(*descriptor, little_endian)};
  relayout(image, std::move(growth), plan.page_size);
  return warnings;
}

}  // namespace shelf::patch
