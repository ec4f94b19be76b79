#include "autopatch/dlopen_notes.h"

#include <nlohmann/json.hpp>

#include "elf/identify.h"
#include "elf/mapped_file.h"

namespace shelf::autopatch {

namespace {

struct NoteArea {
  uint64_t offset;
  uint64_t size;
};

// The note areas of a file: its SHT_NOTE sections, or its PT_NOTE segments
// when it has no section headers (sstrip'ed files keep only segments).
template <typename E>
std::vector<NoteArea> note_areas(const elf::ElfFile<E>& f) {
  std::vector<NoteArea> out;
  for (const auto& s : f.sections())
    if (s.sh_type == SHT_NOTE) out.push_back({s.sh_offset, s.sh_size});
  if (out.empty())
    for (const auto& p : f.segments())
      if (p.p_type == PT_NOTE) out.push_back({p.p_offset, p.p_filesz});
  return out;
}

std::vector<DlopenEntry> parse_payload(const std::string& file, uint64_t offset,
                                       const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) throw elf::Error(file, "dlopen note is not a JSON array", offset);
  std::vector<DlopenEntry> out;
  for (const nlohmann::json& item : doc) {
    auto names = item.is_object() ? item.find("soname") : item.end();
    if (!item.is_object() || names == item.end() || !names->is_array() || names->empty())
      throw elf::Error(file, "dlopen note entry without a \"soname\" array", offset);
    DlopenEntry e;
    for (const nlohmann::json& n : *names) {
      if (!n.is_string()) throw elf::Error(file, "dlopen note soname is not a string", offset);
      e.sonames.push_back(n.get<std::string>());
    }
    e.feature = item.value("feature", "");
    e.priority = item.value("priority", "recommended");
    out.push_back(std::move(e));
  }
  return out;
}

template <typename E>
std::vector<DlopenEntry> read_notes(const elf::ElfFile<E>& f) {
  std::vector<DlopenEntry> out;
  for (const NoteArea& area : note_areas(f)) {
    uint64_t pos = area.offset, end = area.offset + area.size;
    while (pos + 12 <= end) {
      // Elf32_Nhdr and Elf64_Nhdr are the same three 32-bit words.
      auto words = f.template array_at<typename E::Word>(pos, 3, "note header");
      uint64_t namesz = words[0], descsz = words[1], type = words[2];
      uint64_t name_at = pos + 12;
      uint64_t desc_at = name_at + ((namesz + 3) & ~uint64_t(3));
      uint64_t next = desc_at + ((descsz + 3) & ~uint64_t(3));
      if (desc_at > end || desc_at + descsz > end)
        f.fail("note extends past its section", pos);
      if (namesz == 0) {
        pos = next;
        continue;
      }
      std::string_view name = f.cstring(name_at, name_at + namesz, "note owner");
      if (name == "FDO" && type == kNtFdoDlopenMetadata) {
        auto desc = f.template array_at<uint8_t>(desc_at, descsz, "dlopen note");
        std::string text(desc.begin(), desc.end());
        text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
        for (DlopenEntry& e : parse_payload(f.name(), desc_at, text)) out.push_back(std::move(e));
      }
      pos = next;
    }
  }
  return out;
}

}  // namespace

std::vector<DlopenEntry> read_dlopen_notes(const std::string& path) {
  elf::MappedFile mapped(path);
  return elf::visit(path, mapped.bytes(), [](const auto& f) { return read_notes(f); });
}

}  // namespace shelf::autopatch
