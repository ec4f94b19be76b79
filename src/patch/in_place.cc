#include "patch/in_place.h"

#include <algorithm>
#include <cstring>

#include "elf/identify.h"
#include "elf/names.h"
#include "patch/dynamic_edits.h"
#include "patch/rename_symbols.h"
#include "patch/string_space.h"
#include "patch/symbol_tables.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

template <typename E>
class InPlaceEditor {
 public:
  InPlaceEditor(const ElfFile<E>& in, Image& out, const EditPlan& plan) : in_(in), plan_(plan), out_(out) {}

  Growth run() {
    os_abi();
    execstack();
    interpreter();
    dynamic();
    clear_symbol_versions();
    rename_symbols();
    return std::move(growth_);
  }

 private:
  template <typename T>
  T& overlay(uint64_t offset) {
    return out_.at<T>(offset);
  }

  void os_abi() {
    if (plan_.os_abi) out_.at<uint8_t>(EI_OSABI) = *plan_.os_abi;
  }

  void execstack() {
    if (!plan_.execstack) return;
    uint64_t phoff = in_.header().e_phoff;
    std::optional<size_t> stack, spare;
    for (size_t i = 0; i < in_.segments().size(); ++i) {
      if (in_.segments()[i].p_type == PT_GNU_STACK && !stack) stack = i;
      if (in_.segments()[i].p_type == PT_NULL && !spare) spare = i;
    }
    if (stack) {
      auto& p = overlay<Phdr<E>>(phoff + *stack * sizeof(Phdr<E>));
      uint32_t flags = p.p_flags;
      p.p_flags = *plan_.execstack ? (flags | PF_X) : (flags & ~uint32_t(PF_X));
      return;
    }
    uint32_t flags = PF_R | PF_W | (*plan_.execstack ? PF_X : 0);
    if (!spare) {
      growth_.add_gnu_stack = flags;  // the program header table must grow
      return;
    }
    auto& p = overlay<Phdr<E>>(phoff + *spare * sizeof(Phdr<E>));
    std::memset(&p, 0, sizeof p);
    p.p_type = PT_GNU_STACK;
    p.p_flags = flags;
    p.p_align = 1;
  }

  void interpreter() {
    if (!plan_.interpreter) return;
    const Phdr<E>* p = in_.find_segment(PT_INTERP);
    if (!p) in_.fail("has no PT_INTERP to replace (statically linked or a library)");
    const std::string& wanted = *plan_.interpreter;
    if (in_.interpreter() == std::string_view(wanted)) return;
    uint64_t slot = p->p_filesz;
    if (wanted.size() + 1 > slot) {
      growth_.interpreter = wanted;
      return;
    }
    // Keep the slot's size (section header and PT_INTERP stay as they are);
    // the kernel reads up to the first NUL.
    out_.fill(p->p_offset, slot, 0);
    out_.write(p->p_offset, {reinterpret_cast<const uint8_t*>(wanted.data()), wanted.size()});
  }

  bool wants_dynamic() const {
    return plan_.rpath.op != RpathEdit::Op::kKeep || plan_.soname || !plan_.add_needed.empty() ||
           !plan_.remove_needed.empty() || !plan_.replace_needed.empty() || plan_.no_default_lib ||
           plan_.add_debug_tag || !plan_.rename_symbols.empty();
  }

  // Only when every reference into .dynstr is known can unreferenced bytes be
  // reused; a section other than the usual ones linking to it means unknown
  // readers, so then nothing is treated as free.
  bool references_complete() const {
    uint64_t strtab = in_.dynamic_value(DT_STRTAB).value_or(0);
    if (in_.dynamic_value(DT_SYMTAB) && !find_dynamic_symbols(in_)) return false;
    auto shdrs = in_.sections();
    for (const Shdr<E>& s : shdrs) {
      if (s.sh_link >= shdrs.size() || s.sh_link == 0) continue;
      const Shdr<E>& target = shdrs[s.sh_link];
      if (target.sh_type != SHT_STRTAB || target.sh_addr != strtab || strtab == 0) continue;
      switch (uint32_t(s.sh_type)) {
        case SHT_DYNSYM: case SHT_DYNAMIC: case SHT_GNU_verneed: case SHT_GNU_verdef: break;
        default: return false;  // e.g. a .symtab sharing .dynstr
      }
    }
    return true;
  }

  void dynamic() {
    if (!wants_dynamic()) return;
    if (!in_.has_dynamic()) in_.fail("has no dynamic section (statically linked)");
    if (!in_.dynstr_offset()) in_.fail("has no dynamic string table (DT_STRTAB)");
    if (!plan_.rename_symbols.empty()) renamed_symbols_ = names_after_renames(in_, plan_.rename_symbols);
    DynamicView view{in_.dynamic_entries(),
                     [this](uint64_t off) { return std::string(in_.dynamic_string(off, "dynamic entry")); },
                     in_.header().e_type, in_.header().e_machine};
    DynamicEdit edit = plan_dynamic(view, plan_);
    if (same_entries(edit)) return;

    uint64_t strtab_off = *in_.dynstr_offset();
    std::vector<StringField> fields = string_fields(in_);

    // New strings, in table order so the old slot of an entry is tried
    // first; only a string that fits nowhere is appended, and then the
    // table grows (and moves).
    std::vector<PlannedEntry> entries = edit.entries;
    std::vector<std::pair<uint64_t, uint32_t>> field_values;
    uint64_t room = 0;  // every new string appended, at most
    for (const PlannedEntry& e : entries)
      if (e.text) room += e.text->size() + 1;
    for (const StringField& f : fields)
      if (std::optional<std::string> text = new_text(f, edit)) room += text->size() + 1;
    // Read, not mapped: the table is copied anyway, and the symbols' pages
    // are given back once their names are known (a large library's tables
    // would otherwise stay resident twice).
    StringSpace space(out_.read_original(strtab_off, in_.dynstr_size(), room), references_complete(), room);
    if (std::optional<DynamicSymbols> syms = find_dynamic_symbols(in_))
      out_.release_original(syms->offset, syms->count * sizeof(Sym<E>));
    out_.release_original(strtab_off, in_.dynstr_size());
    keep_and_drop(space, edit, fields);
    place_strings(space, entries, fields, edit, field_values);
    std::vector<uint8_t> table = space.finish();
    // An append may first have cut dead bytes off the end: they are cleared,
    // and the table keeps its size when it still fits.
    if (table.size() < in_.dynstr_size()) table.resize(in_.dynstr_size(), 0);
    bool grew = table.size() > in_.dynstr_size();
    // Strings placed in the old table are written whether or not the
    // dynamic table itself must move (it may grow by a tag while every
    // string still fits): the entries point at them. When the table moves,
    // the old copy keeps only what the new one starts with: dropped strings
    // are cleared there too, so no stale path stays in the file.
    out_.write_changes(strtab_off, {table.data(), std::min<size_t>(table.size(), in_.dynstr_size())});
    if (grew) growth_.dynstr = std::move(table);
    for (const auto& [field, value] : field_values) overlay<typename E::Word>(field) = value;
    if (growth_.dynstr || entries.size() + 1 > in_.dynamic_slots()) {
      growth_.dynamic.emplace();
      for (const PlannedEntry& e : entries) growth_.dynamic->emplace_back(e.tag, e.value);
      return;
    }
    uint64_t dyn_off = *in_.dynamic_offset();
    for (uint64_t i = 0; i < in_.dynamic_slots(); ++i) {
      auto& d = overlay<Dyn<E>>(dyn_off + i * sizeof(Dyn<E>));
      d.d_tag = i < entries.size() ? entries[i].tag : DT_NULL;
      d.d_val = i < entries.size() ? entries[i].value : 0;
    }
  }

  void keep_and_drop(StringSpace& space, const DynamicEdit& edit, const std::vector<StringField>& fields) const {
    // What stays referenced: kept string entries and every symbol/version
    // string except the version-record file names and symbol names that are
    // being renamed.
    for (const PlannedEntry& e : edit.entries)
      if (elf::is_string_tag(e.tag) && !e.text) space.keep(e.value);
    for (const StringField& f : fields)
      if (!renamed(f, edit)) space.keep(f.value);
    for (const DynEntry& d : in_.dynamic_entries())
      if (elf::is_string_tag(d.tag)) space.drop(d.value);
    // A renamed symbol's old name is cleared unless something else uses it.
    for (const StringField& f : fields)
      if (f.kind == StringField::Kind::kSymbolName && renamed(f, edit)) space.drop(f.value);
  }

  // Gives every new string an offset: entries' values, and (field offset,
  // new value) for renamed symbols and version-record file names, which the
  // caller writes once every string has found a place.
  void place_strings(StringSpace& space, std::vector<PlannedEntry>& entries, const std::vector<StringField>& fields,
                     const DynamicEdit& edit, std::vector<std::pair<uint64_t, uint32_t>>& field_values) {
    for (PlannedEntry& e : entries) {
      if (!e.text) continue;
      std::optional<uint64_t> old = e.value ? std::optional<uint64_t>(e.value) : std::nullopt;
      e.value = space.place_or_append(*e.text, old);
    }
    for (const StringField& f : fields) {
      if (!renamed(f, edit)) continue;
      uint64_t at = space.place_or_append(*new_text(f, edit), f.value);
      field_values.emplace_back(f.field_offset, static_cast<uint32_t>(at));
    }
  }

  bool same_entries(const DynamicEdit& edit) const {
    const auto& now = in_.dynamic_entries();
    if (now.size() != edit.entries.size() || !edit.renamed_files.empty() || renamed_symbols_) return false;
    for (size_t i = 0; i < now.size(); ++i)
      if (edit.entries[i].text || now[i].tag != edit.entries[i].tag || now[i].value != edit.entries[i].value)
        return false;
    return true;
  }

  bool renamed(const StringField& f, const DynamicEdit& edit) const { return new_text(f, edit).has_value(); }

  // The string a symbol or version-record field must point at now, or
  // nullopt when it keeps its string: version records follow renamed NEEDED
  // files, symbols follow --rename-dynamic-symbols.
  std::optional<std::string> new_text(const StringField& f, const DynamicEdit& edit) const {
    if (f.kind == StringField::Kind::kSymbolName) {
      if (plan_.rename_symbols.empty()) return std::nullopt;
      auto it = plan_.rename_symbols.find(std::string(in_.dynamic_string(f.value, "st_name")));
      if (it == plan_.rename_symbols.end() || it->first == it->second) return std::nullopt;
      return it->second;
    }
    if (f.kind != StringField::Kind::kVerneedFile) return std::nullopt;
    std::string_view old = in_.dynamic_string(f.value, "vn_file");
    for (const auto& [from, to] : edit.renamed_files)
      if (old == from) return to;
    return std::nullopt;
  }

  void clear_symbol_versions() {
    if (plan_.clear_symbol_version.empty()) return;
    std::optional<DynamicSymbols> syms = find_dynamic_symbols(in_);
    if (!syms || !syms->versym_offset) in_.fail("has no symbol version table (DT_VERSYM)");
    auto table = in_.template array_at<Sym<E>>(syms->offset, syms->count, "dynamic symbol table");
    for (uint64_t i = 0; i < table.size(); ++i) {
      std::string name(in_.dynamic_string(table[i].st_name, "st_name"));
      if (plan_.clear_symbol_version.count(name))
        overlay<typename E::Half>(*syms->versym_offset + 2 * i) = uint16_t(VER_NDX_GLOBAL);
    }
  }

  // The symbols' st_name fields point at their new names (placed with the
  // other strings by dynamic()); the hash tables and .dynsym order follow.
  void rename_symbols() {
    if (renamed_symbols_) rehash_dynamic_symbols(in_, out_, *renamed_symbols_);
  }

  const ElfFile<E>& in_;
  const EditPlan& plan_;
  Image& out_;
  Growth growth_;
  // Every dynamic symbol's name after the renames (.dynsym order of the
  // input); unset when no symbol is renamed.
  std::optional<std::vector<std::string>> renamed_symbols_;
};

}  // namespace

std::string Growth::describe() const {
  std::string parts;
  auto add = [&](const std::string& what) { parts += (parts.empty() ? "" : ", ") + what; };
  if (interpreter) add("a longer interpreter");
  if (dynstr) add("a larger .dynstr");
  if (dynamic) add("a rewritten .dynamic");
  if (add_gnu_stack) add("a PT_GNU_STACK entry");
  if (note) add("a " + note->section + " note");
  return parts;
}

Growth edit_in_place(Image& image, const EditPlan& plan) {
  return elf::visit(image.path(), image.original(), [&]<typename E>(const ElfFile<E>& file) {
    return InPlaceEditor<E>(file, image, plan).run();
  });
}

}  // namespace shelf::patch
