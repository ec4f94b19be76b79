#include "patch/relayout.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <tuple>

#include "elf/identify.h"
#include "patch/section_order.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

constexpr uint64_t kSpareDynamicSlots = 4;  // room for later in-place additions
constexpr uint64_t kDtMipsRldMapRel = 0x70000035;  // relative to its own entry's address
constexpr uint32_t kShtMipsAbiflags = 0x7000002a;  // .MIPS.abiflags, found by PT_MIPS_ABIFLAGS
constexpr uint64_t kMaxProgramPadding = 64ull << 20;
constexpr uint64_t kTailAlign = 16;  // the segment opens with the program header table
constexpr uint64_t kMaxBinutilsPage = 64 << 10;  // see binutils_offset
constexpr uint64_t kMaxLibraryRoom = 64 << 10;   // see table_home in Relayout::run

uint64_t align_up(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

// Room for a longer program header table where it is: the sections right
// after it in the file (notes, .interp, hash tables, .dynsym...) move, as
// one block [begin, end) so they keep their places relative to each other,
// into the added segment at new_offset / new_vaddr.
struct TableRoom {
  uint64_t begin = 0, end = 0;  // file offsets; empty when nothing moves
  uint64_t vaddr = 0;           // address of `begin`
  uint64_t align = 1;           // the block's alignment, kept by the move
  uint64_t new_offset = 0, new_vaddr = 0;

  bool moves() const { return end > begin; }
  bool holds_offset(uint64_t o) const { return o >= begin && o < end; }
  bool holds_vaddr(uint64_t a) const { return a >= vaddr && a - vaddr < end - begin; }
  uint64_t offset_shift() const { return new_offset - begin; }  // modulo 2^64, as addresses wrap
  uint64_t vaddr_shift() const { return new_vaddr - vaddr; }
};

// Dynamic tags whose value is the address of a table that can move.
bool is_pointer_tag(uint64_t tag) {
  switch (tag) {
    case DT_HASH: case DT_STRTAB: case DT_SYMTAB: case DT_GNU_HASH:
    case DT_VERSYM: case DT_VERNEED: case DT_VERDEF:
      return true;
    default:
      return false;
  }
}

// The added segment's bytes as they are laid out. A new segment is built
// where it goes, in the result's memory past the end of the file, so moved
// tables are copied once (libLLVM: 4 MB); a rebuilt one overlaps bytes the
// relayout still reads, so it is built in a buffer written at the end.
class SegmentBuffer {
 public:
  SegmentBuffer(Image& out, uint64_t off, bool in_place) : out_(out), off_(off), in_place_(in_place) {}

  uint8_t* data() { return in_place_ ? base_ : own_.data(); }
  uint64_t size() const { return size_; }
  // Grows by zero bytes.
  void resize(uint64_t n) {
    if (in_place_) {
      out_.resize(off_ + n);
      base_ = out_.writable(off_, n).data();
    } else {
      own_.resize(n);
    }
    size_ = n;
  }
  void assign(std::span<const uint8_t> bytes) {
    resize(bytes.size());
    if (!bytes.empty()) std::memcpy(data(), bytes.data(), bytes.size());
  }
  // The bytes in place at the segment's offset; the file ends with them.
  void commit() {
    if (in_place_) return;
    out_.resize(off_);
    out_.resize(off_ + size_);
    out_.write(off_, own_);
  }

 private:
  Image& out_;
  uint64_t off_;
  bool in_place_;
  uint8_t* base_ = nullptr;
  std::vector<uint8_t> own_;
  uint64_t size_ = 0;
};

bool is_movable_segment(uint32_t type) {
  return type == PT_INTERP || type == PT_NOTE || type == PT_GNU_PROPERTY || type == PT_MIPS_ABIFLAGS;
}

template <typename E>
class Relayout {
 public:
  Relayout(const ElfFile<E>& cur, Image& out, Growth growth, std::optional<uint64_t> page_size)
      : cur_(cur),
        out_(out),
        g_(std::move(growth)),
        page_(page_size.value_or(file_page_size())),
        secs_(cur.sections().begin(), cur.sections().end()) {}

  void run() {
    std::vector<Phdr<E>> phdrs(cur_.segments().begin(), cur_.segments().end());
    std::optional<size_t> ours = find_added_segment();
    // Files grown by earlier versions of this writer carry the program
    // header table in the added segment; they are rebuilt that way.
    bool table_in_ours = ours && inside(cur_.header().e_phoff, phdrs[*ours]);
    // A rebuilt segment keeps the table where it is; when no room is left
    // there for the headers this edit adds, a new segment (which the table
    // moves into) is added instead and the old one left as it is.
    if (ours && !table_in_ours && !plan_table_room(header_count(false))) ours.reset();
    bool rebuilding = ours.has_value();
    uint64_t off = 0, vaddr = 0;
    std::span<const uint8_t> kept;
    if (ours) {
      // The segment is rebuilt where it is: what it holds besides the grown
      // tables is kept byte for byte at the same addresses, the tables are
      // laid out again after it.
      const Phdr<E>& s = phdrs[*ours];
      off = s.p_offset;
      vaddr = s.p_vaddr;
      carry_contents_of(s);
      tail_begin_ = uint64_t(s.p_offset) + uint64_t(s.p_filesz);
      if (!table_in_ours) kept = cur_.bytes().subspan(off, kept_prefix_end(s) - off);
    } else {
      // The new PT_LOAD goes after the last one: PT_LOAD entries stay sorted.
      size_t at = phdrs.size();
      for (size_t i = 0; i < phdrs.size(); ++i)
        if (phdrs[i].p_type == PT_LOAD) at = i + 1;
      Phdr<E> load{};
      load.p_type = PT_LOAD;
      phdrs.insert(phdrs.begin() + static_cast<std::ptrdiff_t>(at), load);
      ours = at;
    }
    if (g_.add_gnu_stack) {
      Phdr<E> stack{};
      stack.p_type = PT_GNU_STACK;
      stack.p_flags = *g_.add_gnu_stack;
      stack.p_align = 1;
      phdrs.push_back(stack);
    }
    // The note's PT_NOTE comes last (the PT_NULL entries removed below are
    // never it, so it stays last).
    if (g_.note) {
      Phdr<E> note{};
      note.p_type = PT_NOTE;
      note.p_flags = PF_R;
      note.p_align = 4;
      phdrs.push_back(note);
    }
    // Unused PT_NULL entries (MIPS linkers leave one) make room for the new
    // ones.
    for (size_t i = phdrs.size(); i-- > 0 && phdrs.size() > cur_.segments().size();)
      if (phdrs[i].p_type == PT_NULL) {
        phdrs.erase(phdrs.begin() + static_cast<std::ptrdiff_t>(i));
        if (i < *ours) --*ours;
      }
    // Where the program header table goes: where it is, when the sections
    // after it can make room (patchelf's way; no copy of the table, and the
    // program's AT_PHDR stays where every kernel computes it), otherwise
    // at the start of the added segment.
    bool table_home = !table_in_ours && plan_table_room(phdrs.size());
    // A library's program headers are read by ld.so from the file, not
    // found through AT_PHDR: when making room for them would move megabytes
    // of symbols (libLLVM: 1.1 MB of .dynsym after the table), the table
    // moves instead.
    if (table_home && !rebuilding && !cur_.find_segment(PT_INTERP) && room_.end - room_.begin > kMaxLibraryRoom) {
      table_home = false;
      room_ = TableRoom{};
    }
    if (!rebuilding) std::tie(off, vaddr) = place_new_segment(phdrs, table_home);
    if (E::bits == 32 && vaddr > UINT32_MAX - (1u << 24)) cur_.fail("no address space left for a new segment");
    SegmentBuffer blob(out_, off, !rebuilding);
    blob.assign(kept);

    // Segment layout: [kept contents | phdr table] | moved sections |
    // interpreter | dynamic | dynstr.
    auto reserve = [&](uint64_t size, uint64_t align, uint64_t remainder = 0) {
      uint64_t at = blob.size();
      at += (remainder + align - (off + at) % align) % align;  // (off + at) % align == remainder
      blob.resize(at + size);
      return at;
    };
    // The table opens the segment: binutils (strip, objcopy) only keep a
    // program header table that starts the segment holding it.
    std::optional<uint64_t> phdr_at;
    if (!table_home) phdr_at = reserve(phdrs.size() * sizeof(Phdr<E>), 8);
    if (room_.end > room_.begin) {
      uint64_t at = reserve(room_.end - room_.begin, room_.align, room_.begin % room_.align);
      auto moved = cur_.bytes().subspan(room_.begin, room_.end - room_.begin);
      std::memcpy(blob.data() + at, moved.data(), moved.size());
      room_.new_offset = off + at;
      room_.new_vaddr = vaddr + at;
    }
    std::optional<uint64_t> interp_at, dyn_at, str_at;
    if (g_.interpreter) {
      interp_at = reserve(g_.interpreter->size() + 1, 1);
      std::memcpy(blob.data() + *interp_at, g_.interpreter->data(), g_.interpreter->size());
    }
    uint64_t dyn_slots = 0;
    bool fix_tags = room_.moves() && has_pointer_into_room();
    if (fix_tags && !g_.dynamic) {
      g_.dynamic.emplace();
      for (const DynEntry& d : cur_.dynamic_entries()) g_.dynamic->emplace_back(d.tag, d.value);
    }
    // A moved .dynstr needs its size: a file without DT_STRSZ gets one,
    // after DT_STRTAB (its value is filled in below).
    if (g_.dynstr && g_.dynamic &&
        std::none_of(g_.dynamic->begin(), g_.dynamic->end(), [](const auto& d) { return d.first == DT_STRSZ; })) {
      auto strtab = std::find_if(g_.dynamic->begin(), g_.dynamic->end(), [](const auto& d) { return d.first == DT_STRTAB; });
      g_.dynamic->insert(strtab == g_.dynamic->end() ? g_.dynamic->begin() : strtab + 1, {DT_STRSZ, 0});
    }
    if (g_.dynamic && (force_dynamic_move_ || g_.dynamic->size() + 1 > cur_.dynamic_slots())) {
      dyn_slots = g_.dynamic->size() + 1 + kSpareDynamicSlots;
      dyn_at = reserve(dyn_slots * sizeof(Dyn<E>), sizeof(typename E::Addr));
    }
    uint64_t dynstr_size = g_.dynstr ? g_.dynstr->size() : 0;
    if (g_.dynstr) {
      str_at = reserve(dynstr_size, 1);
      std::memcpy(blob.data() + *str_at, g_.dynstr->data(), dynstr_size);
      g_.dynstr.reset();  // a table-sized copy less at the peak (libLLVM: 3 MB)
    }
    std::optional<uint64_t> note_at;
    if (g_.note) {
      note_at = reserve(g_.note->bytes.size(), 4);
      std::memcpy(blob.data() + *note_at, g_.note->bytes.data(), g_.note->bytes.size());
      place_segment(phdrs.back(), off + *note_at, vaddr + *note_at, g_.note->bytes.size());
    }
    if (room_.moves()) move_room(phdrs, blob.data(), off);

    // Dynamic entries: the tables' new places, and MIPS's relative tag.
    if (g_.dynamic) {
      uint64_t old_dyn_vaddr = cur_.dynamic_vaddr();
      uint64_t new_dyn_vaddr = dyn_at ? vaddr + *dyn_at : old_dyn_vaddr;
      std::vector<std::pair<uint64_t, uint64_t>> entries = *g_.dynamic;
      for (size_t i = 0; i < entries.size(); ++i) {
        auto& [tag, value] = entries[i];
        if (room_.moves() && is_pointer_tag(tag) && room_.holds_vaddr(value)) value += room_.vaddr_shift();
        if (str_at && tag == DT_STRTAB) value = vaddr + *str_at;
        if (str_at && tag == DT_STRSZ) value = dynstr_size;
        if (tag == kDtMipsRldMapRel) value = value + old_dyn_vaddr - new_dyn_vaddr;  // same target address
      }
      Dyn<E>* table;
      uint64_t slots;
      if (dyn_at) {
        table = reinterpret_cast<Dyn<E>*>(blob.data() + *dyn_at);
        slots = dyn_slots;
      } else {
        slots = cur_.dynamic_slots();
        table = reinterpret_cast<Dyn<E>*>(out_.writable(*cur_.dynamic_offset(), slots * sizeof(Dyn<E>)).data());
      }
      for (uint64_t i = 0; i < slots; ++i) {
        table[i].d_tag = i < entries.size() ? entries[i].first : DT_NULL;
        table[i].d_val = i < entries.size() ? entries[i].second : 0;
      }
    }

    // Program headers.
    Phdr<E>& load = phdrs[*ours];
    load.p_offset = off;
    load.p_vaddr = vaddr;
    load.p_paddr = vaddr;
    load.p_filesz = blob.size();
    load.p_memsz = blob.size();
    // Writable only when it holds .dynamic (the loader writes DT_DEBUG).
    load.p_flags = dyn_at ? PF_R | PF_W : PF_R;
    load.p_align = page_;
    uint64_t table_size = phdrs.size() * sizeof(Phdr<E>);
    uint64_t table_off = phdr_at ? off + *phdr_at : uint64_t(cur_.header().e_phoff);
    for (Phdr<E>& p : phdrs) {
      if (p.p_type == PT_PHDR) {
        if (phdr_at) place_segment(p, table_off, vaddr + *phdr_at, table_size);
        else {
          p.p_filesz = table_size;
          p.p_memsz = table_size;
        }
      }
      if (p.p_type == PT_INTERP && interp_at) place_segment(p, off + *interp_at, vaddr + *interp_at, g_.interpreter->size() + 1);
      if (p.p_type == PT_DYNAMIC && dyn_at) place_segment(p, off + *dyn_at, vaddr + *dyn_at, dyn_slots * sizeof(Dyn<E>));
    }
    if (phdrs.size() >= PN_XNUM) cur_.fail("too many program headers");

    // Section headers follow the tables they describe (matched by address
    // before anything moved).
    move_section(SHT_DYNAMIC, cur_.dynamic_vaddr(), dyn_at, off, vaddr, dyn_slots * sizeof(Dyn<E>));
    if (str_at)
      move_section(SHT_STRTAB, cur_.dynamic_value(DT_STRTAB).value_or(0), str_at, off, vaddr, dynstr_size);
    if (interp_at)
      move_section(SHT_PROGBITS, cur_.find_segment(PT_INTERP)->p_vaddr, interp_at, off, vaddr, g_.interpreter->size() + 1);

    auto& eh = out_.at<Ehdr<E>>(0);
    eh.e_phoff = table_off;
    eh.e_phnum = static_cast<uint16_t>(phdrs.size());
    auto table = std::span(reinterpret_cast<const uint8_t*>(phdrs.data()), table_size);
    if (phdr_at) {
      std::memcpy(blob.data() + *phdr_at, table.data(), table.size());
    } else {
      // The table grows over the room the moved sections left; the rest of
      // that room is cleared, so no stale copy of a table stays behind.
      out_.write(table_off, table);
      if (room_.end > table_off + table_size) out_.fill(table_off + table_size, room_.end - table_off - table_size, 0);
    }
    // What follows a rebuilt segment (the section header table, section
    // names, symbols: nothing the loader maps) is carried after it.
    std::vector<uint8_t> tail;
    if (tail_begin_ && tail_begin_ < out_.size()) {
      auto rest = out_.bytes().subspan(tail_begin_);
      tail.assign(rest.begin(), rest.end());
    }
    blob.commit();
    if (!tail.empty()) append_tail(tail);
    if (g_.note) add_section(g_.note->section, SHT_NOTE, SHF_ALLOC, off + *note_at, vaddr + *note_at,
                             g_.note->bytes.size(), 4);
  }

 private:
  // The alignment the linker used for PT_LOAD (its max-page-size), at least 4 KiB.
  uint64_t file_page_size() const {
    uint64_t page = 4096;
    for (const Phdr<E>& p : cur_.segments())
      if (p.p_type == PT_LOAD) page = std::max<uint64_t>(page, p.p_align);
    return page;
  }


  // The number of program headers after this edit: the current ones, a
  // new PT_LOAD unless the added segment is rebuilt, the PT_GNU_STACK and
  // PT_NOTE asked for, less the PT_NULL entries those take.
  size_t header_count(bool new_load) const {
    size_t added = (new_load ? 1 : 0) + (g_.add_gnu_stack ? 1 : 0) + (g_.note ? 1 : 0);
    size_t nulls = 0;
    for (const Phdr<E>& p : cur_.segments())
      if (p.p_type == PT_NULL) ++nulls;
    return cur_.segments().size() + added - std::min(nulls, added);
  }

  static bool inside(uint64_t off, const Phdr<E>& s) {
    return off >= s.p_offset && off < uint64_t(s.p_offset) + uint64_t(s.p_filesz);
  }

  // A segment this writer added: the last PT_LOAD, ending the file, not
  // the first, no .bss, holding nothing but what this writer puts there:
  // the grown tables, sections moved out of the program header table's way
  // and (from earlier versions) the program header table itself.
  std::optional<size_t> find_added_segment() const {
    auto segs = cur_.segments();
    std::optional<size_t> last;
    for (size_t i = 0; i < segs.size(); ++i)
      if (segs[i].p_type == PT_LOAD && (!last || segs[i].p_offset > segs[*last].p_offset)) last = i;
    if (!last) return std::nullopt;
    const Phdr<E>& s = segs[*last];
    if (!only_unloaded_after(uint64_t(s.p_offset) + uint64_t(s.p_filesz)) || s.p_offset == 0 ||
        s.p_memsz != s.p_filesz)
      return std::nullopt;
    bool table = inside(cur_.header().e_phoff, s);
    size_t held = 0;
    for (const Shdr<E>& sec : secs_) {
      if (sec.sh_type == SHT_NOBITS || sec.sh_size == 0 || !inside(sec.sh_offset, s)) continue;
      std::string_view n = cur_.section_name(sec);
      bool grown = n == ".dynstr" || n == ".dynamic" || n == ".interp";
      if (!grown && (table || !movable(sec))) return std::nullopt;
      ++held;
    }
    if (!table && held == 0) return std::nullopt;  // nothing says it is ours
    return last;
  }

  // End of what a rebuilt segment keeps: every section in it but the
  // tables that are laid out again (the carried ones).
  uint64_t kept_prefix_end(const Phdr<E>& s) const {
    uint64_t end = s.p_offset;
    for (const Shdr<E>& sec : secs_) {
      if (sec.sh_type == SHT_NOBITS || sec.sh_size == 0 || !inside(sec.sh_offset, s)) continue;
      uint64_t at = sec.sh_offset;
      if (carried_.count(at)) continue;
      end = std::max<uint64_t>(end, at + uint64_t(sec.sh_size));
    }
    return end;
  }

  // Rebuilding our segment: what lives in it now must be written again.
  void carry_contents_of(const Phdr<E>& s) {
    if (const Phdr<E>* interp = cur_.find_segment(PT_INTERP); interp && inside(interp->p_offset, s)) {
      carried_.insert(interp->p_offset);
      if (!g_.interpreter) g_.interpreter = std::string(*cur_.interpreter());
    }
    if (cur_.dynstr_offset() && inside(*cur_.dynstr_offset(), s)) {
      carried_.insert(*cur_.dynstr_offset());
      if (!g_.dynstr) {
        auto table = cur_.bytes().subspan(*cur_.dynstr_offset(), cur_.dynstr_size());
        g_.dynstr.emplace(table.begin(), table.end());
      }
    }
    bool dyn_inside = cur_.dynamic_offset() && inside(*cur_.dynamic_offset(), s);
    if (dyn_inside) carried_.insert(*cur_.dynamic_offset());
    if ((dyn_inside || g_.dynstr) && !g_.dynamic) {
      g_.dynamic.emplace();
      for (const DynEntry& d : cur_.dynamic_entries()) g_.dynamic->emplace_back(d.tag, d.value);
    }
    // A table carried out of the segment must land in the rebuilt one even
    // if it now fits its slots: the old slots are being cut off.
    if (dyn_inside) force_dynamic_move_ = true;
  }

  // File offset and address of the added segment. The offset is the end of
  // the file (no padding but alignment); the address is above every
  // segment's end (.bss included), on the next page boundary plus the
  // offset's place in its page: the loader needs offset and address
  // congruent modulo the page size, not equal, so a large .bss costs
  // address space, not file bytes.
  //
  // When the program header table stays where it is, that is all. When it
  // moves into the segment, programs (files with PT_INTERP) keep the first
  // PT_LOAD's offset-to-address difference if the padding that needs is
  // bounded: then the table's address is "first segment's base + e_phoff",
  // which is how kernels before 5.18 and qemu-user before 8.0 compute
  // AT_PHDR (libraries' program headers are read by ld.so from the file),
  // and the offset is one binutils keeps (binutils_offset).
  std::pair<uint64_t, uint64_t> place_new_segment(const std::vector<Phdr<E>>& phdrs, bool table_home) const {
    const Phdr<E>* first = nullptr;
    uint64_t end = 0;
    for (const Phdr<E>& p : phdrs) {
      if (p.p_type != PT_LOAD) continue;
      if (!first) first = &p;
      // The larger of the two sizes: a segment whose file size exceeds its
      // memory size is refused before (check_input), but never overlapped.
      end = std::max<uint64_t>(end, uint64_t(p.p_vaddr) + std::max<uint64_t>(p.p_memsz, p.p_filesz));
    }
    if (!first) cur_.fail("has no PT_LOAD segment to extend");
    uint64_t lowest = align_up(end, page_);
    if (lowest > UINT64_MAX - page_) cur_.fail("no address space left for a new segment");
    uint64_t off = align_up(out_.size(), kTailAlign);
    if (table_home) return {off, lowest + off % page_};
    uint64_t delta = uint64_t(first->p_vaddr) - uint64_t(first->p_offset);
    bool same_delta = uint64_t(first->p_vaddr) >= uint64_t(first->p_offset) && delta % page_ == 0;
    if (cur_.find_segment(PT_INTERP) && same_delta) {
      uint64_t at = binutils_offset(std::max(off, lowest - std::min(lowest, delta)), phdrs);
      if (at - off <= kMaxProgramPadding) return {at, at + delta};
    }
    off = binutils_offset(off, phdrs);
    return {off, lowest + off % page_};
  }

  // The lowest offset from `off` on that binutils keeps. strip and objcopy
  // put the segment holding the program header table at the file offset
  // where the other loadable segments' contents end (non-loaded sections
  // and the section header table go after it), and keep its address only
  // if that offset is congruent with it modulo the segment's alignment;
  // otherwise they lower the address, and then "adjust" the load address
  // of every section in the segment, with a warning each (bfd/elf.c,
  // assign_file_positions_for_load_sections). An offset congruent with that
  // end costs less than a page of padding; it is used when the end is
  // aligned for the table and the page is not a huge one (2 MiB-aligned
  // libraries would pay up to 2 MiB).
  uint64_t binutils_offset(uint64_t off, const std::vector<Phdr<E>>& phdrs) const {
    uint64_t loaded_end = 0;
    for (const Phdr<E>& p : phdrs)
      if (p.p_type == PT_LOAD) loaded_end = std::max<uint64_t>(loaded_end, uint64_t(p.p_offset) + uint64_t(p.p_filesz));
    if (loaded_end % sizeof(typename E::Addr) != 0 || page_ > kMaxBinutilsPage) return off;
    return off + (loaded_end % page_ + page_ - off % page_) % page_;
  }

  // Sections that only the dynamic table, the program headers and symbol
  // tables point at, so moving them breaks no code: what may move out of the
  // program header table's way.
  bool movable(const Shdr<E>& s) const {
    if (!(uint64_t(s.sh_flags) & SHF_ALLOC)) return false;
    switch (uint32_t(s.sh_type)) {
      case SHT_NOTE: case SHT_HASH: case SHT_GNU_HASH: case SHT_DYNSYM:
      case SHT_GNU_versym: case SHT_GNU_verneed: case SHT_GNU_verdef: case kShtMipsAbiflags:
        return true;
      case SHT_STRTAB:
        return cur_.dynamic_value(DT_STRTAB) == uint64_t(s.sh_addr);
      case SHT_PROGBITS: {
        const Phdr<E>* interp = cur_.find_segment(PT_INTERP);
        return interp && interp->p_vaddr == s.sh_addr && cur_.section_name(s) == ".interp";
      }
      default:
        return false;
    }
  }

  // Plans room_ for a table of `count` entries at e_phoff: the smallest
  // block of movable sections after the table that frees enough bytes,
  // grown until no section or segment straddles its ends. False when the
  // table must move instead (no section headers, something else follows
  // it, the first segment ends too soon).
  bool plan_table_room(size_t count) {
    const Ehdr<E>& eh = cur_.header();
    uint64_t phoff = eh.e_phoff, entry = sizeof(Phdr<E>);
    if (eh.e_phentsize != entry || secs_.empty()) return false;
    uint64_t old_end = phoff + uint64_t(eh.e_phnum) * entry, need_end = phoff + count * entry;
    const Phdr<E>* first = nullptr;  // the PT_LOAD the table lives in
    for (const Phdr<E>& p : cur_.segments())
      if (p.p_type == PT_LOAD && p.p_offset <= phoff && old_end <= uint64_t(p.p_offset) + uint64_t(p.p_filesz))
        first = &p;
    if (!first) return false;
    uint64_t first_end = uint64_t(first->p_offset) + uint64_t(first->p_filesz);
    uint64_t begin = UINT64_MAX, hi = need_end, align = 1;
    auto meets = [&](uint64_t off, uint64_t size) { return size > 0 && off < hi && off + size > old_end; };
    for (bool grew = true; grew;) {
      grew = false;
      for (const Shdr<E>& sec : secs_) {
        uint64_t off = sec.sh_offset, size = sec.sh_type == SHT_NOBITS ? 0 : uint64_t(sec.sh_size);
        if (!meets(off, size)) continue;
        if (off < old_end || !movable(sec)) return false;
        begin = std::min(begin, off);
        align = std::max<uint64_t>(align, sec.sh_addralign);
        if (off + size > hi) hi = off + size, grew = true;
      }
      for (const Phdr<E>& p : cur_.segments()) {
        if (p.p_type == PT_LOAD || p.p_type == PT_PHDR || !meets(p.p_offset, p.p_filesz)) continue;
        if (p.p_offset < old_end || !is_movable_segment(p.p_type)) return false;
        begin = std::min<uint64_t>(begin, p.p_offset);
        align = std::max<uint64_t>(align, p.p_align);
        uint64_t end = uint64_t(p.p_offset) + uint64_t(p.p_filesz);
        if (end > hi) hi = end, grew = true;
      }
    }
    if (hi > first_end || align > first->p_align || align > page_) return false;
    if (begin == UINT64_MAX) return true;  // free bytes already
    room_.begin = begin;
    room_.end = hi;
    room_.align = align;
    room_.vaddr = uint64_t(first->p_vaddr) + (begin - uint64_t(first->p_offset));
    return true;
  }

  bool has_pointer_into_room() const {
    for (const DynEntry& d : cur_.dynamic_entries())
      if (is_pointer_tag(d.tag) && room_.holds_vaddr(d.value)) return true;
    return false;
  }

  // Points everything at the moved block's new place: program headers,
  // section headers and symbols of the moved sections (dynamic entries are
  // done with the rest of the dynamic table). `blob` holds the segment
  // starting at file offset `seg_off`.
  void move_room(std::vector<Phdr<E>>& phdrs, uint8_t* blob, uint64_t seg_off) {
    uint64_t doff = room_.offset_shift(), dv = room_.vaddr_shift();
    for (Phdr<E>& p : phdrs) {
      if (p.p_type == PT_LOAD || p.p_type == PT_PHDR || p.p_filesz == 0 || !room_.holds_offset(p.p_offset)) continue;
      p.p_offset = uint64_t(p.p_offset) + doff;
      p.p_vaddr = uint64_t(p.p_vaddr) + dv;
      p.p_paddr = uint64_t(p.p_paddr) + dv;
    }
    std::set<size_t> moved;
    for (size_t i = 0; i < secs_.size(); ++i) {
      const Shdr<E>& sec = secs_[i];
      if (sec.sh_type == SHT_NOBITS || sec.sh_size == 0 || !room_.holds_offset(sec.sh_offset)) continue;
      Shdr<E>& w = section_header(i);
      w.sh_offset = uint64_t(sec.sh_offset) + doff;
      w.sh_addr = uint64_t(sec.sh_addr) + dv;
      moved.insert(i);
    }
    // Symbols defined in a moved section (section symbols, mostly) move too.
    for (const Shdr<E>& sec : secs_) {
      if (sec.sh_type != SHT_SYMTAB && sec.sh_type != SHT_DYNSYM) continue;
      uint64_t off = sec.sh_offset, size = uint64_t(sec.sh_size) / sizeof(Sym<E>) * sizeof(Sym<E>);
      if (off > out_.size() || size > out_.size() - off) continue;  // not ours to judge; readers reject it
      uint8_t* table;
      if (room_.holds_offset(off)) table = blob + (room_.new_offset - seg_off) + (off - room_.begin);
      else table = out_.writable(off, size).data();
      for (uint64_t at = 0; at < size; at += sizeof(Sym<E>)) {
        auto& sym = *reinterpret_cast<Sym<E>*>(table + at);
        uint16_t shndx = sym.st_shndx;
        if (shndx != SHN_UNDEF && shndx < SHN_LORESERVE && moved.count(shndx))
          sym.st_value = uint64_t(sym.st_value) + dv;
      }
    }
  }

  static void place_segment(Phdr<E>& p, uint64_t off, uint64_t vaddr, uint64_t size) {
    p.p_offset = off;
    p.p_vaddr = vaddr;
    p.p_paddr = vaddr;
    p.p_filesz = size;
    p.p_memsz = size;
  }

  void move_section(uint32_t type, uint64_t old_addr, std::optional<uint64_t> at, uint64_t off, uint64_t vaddr,
                    uint64_t size) {
    if (!at || old_addr == 0) return;
    for (size_t i = 0; i < secs_.size(); ++i) {
      const Shdr<E>& s = secs_[i];
      if (s.sh_type != type || s.sh_addr != old_addr) continue;
      auto& w = section_header(i);
      w.sh_offset = off + *at;
      w.sh_addr = vaddr + *at;
      w.sh_size = size;
    }
  }

  Shdr<E>& section_header(size_t i) { return out_.at<Shdr<E>>(shoff_ + i * sizeof(Shdr<E>)); }

  // True when nothing the loader maps lies at or after `end`: only the
  // section header table and sections outside every segment (names,
  // symbols, debugging data) may follow it.
  bool only_unloaded_after(uint64_t end) const {
    if (end > out_.size()) return false;
    if (end == out_.size()) return true;
    for (const Phdr<E>& p : cur_.segments())
      if (p.p_filesz && uint64_t(p.p_offset) + uint64_t(p.p_filesz) > end) return false;
    for (const Shdr<E>& sec : secs_) {
      if (sec.sh_type == SHT_NOBITS || sec.sh_size == 0) continue;
      uint64_t b = sec.sh_offset, e = b + uint64_t(sec.sh_size);
      if (e > end && (b < end || (uint64_t(sec.sh_flags) & SHF_ALLOC))) return false;
    }
    uint64_t shoff = cur_.header().e_shoff;
    return shoff == 0 || shoff >= end || shoff + secs_.size() * sizeof(Shdr<E>) <= end;
  }

  // The alignment the tail keeps: its tables' (8 for the section header
  // table and symbols), at most a page.
  uint64_t tail_alignment() const {
    uint64_t align = 8;
    for (const Shdr<E>& sec : secs_)
      if (uint64_t(sec.sh_offset) >= tail_begin_) align = std::max<uint64_t>(align, sec.sh_addralign);
    return std::min(align, page_);
  }

  // Writes the tail (the bytes that followed the rebuilt segment) after
  // the segment as it is now, at the same offset modulo its alignment, and
  // points the section header table and the sections in it at their new
  // places.
  void append_tail(const std::vector<uint8_t>& tail) {
    uint64_t align = tail_alignment(), end = out_.size();
    uint64_t at = end + (tail_begin_ % align + align - end % align) % align;
    out_.resize(at + tail.size());
    out_.write(at, tail);
    uint64_t shift = at - tail_begin_;  // modulo 2^64: the tail may move down
    auto& eh = out_.at<Ehdr<E>>(0);
    if (uint64_t(eh.e_shoff) >= tail_begin_) {
      eh.e_shoff = uint64_t(eh.e_shoff) + shift;
      shoff_ = eh.e_shoff;
    }
    // Judged by the old offsets: a section the rebuilt segment now holds
    // may lie past the old end.
    for (size_t i = 1; i < secs_.size(); ++i)
      if (uint64_t(secs_[i].sh_offset) >= tail_begin_) {
        Shdr<E>& w = section_header(i);
        w.sh_offset = uint64_t(w.sh_offset) + shift;
      }
  }

  // Adds a section header (the last one) for bytes the segment holds. The
  // section name table grows by the name, so it and the header table are
  // written again at the end of the file; the old copies are cut off when
  // they end the file and cleared otherwise (both are outside every
  // segment).
  void add_section(const std::string& name, uint32_t type, uint64_t flags, uint64_t off, uint64_t addr,
                   uint64_t size, uint64_t align) {
    size_t n = secs_.size();
    uint64_t names_index = cur_.section_name_index();
    if (n == 0 || names_index == 0) cur_.fail("has no section headers to add a " + name + " section to");
    auto& eh0 = out_.at<Ehdr<E>>(0);
    if (eh0.e_shnum != 0 && n + 1 >= SHN_LORESERVE) cur_.fail("has too many sections to add another");
    Shdr<E> names = section_header(names_index);
    if (uint64_t(names.sh_flags) & SHF_ALLOC) cur_.fail("has its section name table in a loaded segment");
    uint64_t names_off = names.sh_offset, names_size = names.sh_size;
    if (names_off > out_.size() || names_size > out_.size() - names_off)
      cur_.fail("section name table extends past the end of the file", names_off);
    std::vector<uint8_t> strings(out_.bytes().begin() + names_off, out_.bytes().begin() + names_off + names_size);
    uint64_t name_at = strings.size();
    strings.insert(strings.end(), name.begin(), name.end());
    strings.push_back(0);
    std::vector<Shdr<E>> table(n + 1);
    std::memcpy(table.data(), out_.bytes().data() + shoff_, n * sizeof(Shdr<E>));
    Shdr<E>& added = table[n];
    std::memset(&added, 0, sizeof added);
    added.sh_name = static_cast<uint32_t>(name_at);
    added.sh_type = type;
    added.sh_flags = flags;
    added.sh_addr = addr;
    added.sh_offset = off;
    added.sh_size = size;
    added.sh_addralign = align;

    // Cut the old copies off when they end the file (the table last, the
    // names right before it but for alignment padding), clear them otherwise.
    uint64_t end = out_.size(), loaded_end = 0;
    const Ehdr<E>& now = *reinterpret_cast<const Ehdr<E>*>(out_.bytes().data());
    for (uint64_t i = 0; i < now.e_phnum; ++i) {
      const auto& p = *reinterpret_cast<const Phdr<E>*>(out_.bytes().data() + now.e_phoff + i * sizeof(Phdr<E>));
      if (p.p_type == PT_LOAD) loaded_end = std::max<uint64_t>(loaded_end, uint64_t(p.p_offset) + uint64_t(p.p_filesz));
    }
    uint64_t cut = end, table_end = shoff_ + n * sizeof(Shdr<E>);
    if (table_end == end && shoff_ >= loaded_end) cut = shoff_;
    if (names_off + names_size <= cut && cut - (names_off + names_size) < 8 && names_off >= loaded_end &&
        nothing_else_between(names_index, names_off, cut))
      cut = names_off;
    if (shoff_ < cut) out_.fill(shoff_, std::min(n * sizeof(Shdr<E>), cut - shoff_), 0);
    if (names_off < cut) out_.fill(names_off, std::min(names_size, cut - names_off), 0);

    uint64_t strings_at = cut;
    uint64_t table_at = align_up(strings_at + strings.size(), 8);
    out_.resize(cut);
    out_.resize(table_at + table.size() * sizeof(Shdr<E>));
    out_.write(strings_at, strings);
    table[names_index].sh_offset = strings_at;
    table[names_index].sh_size = strings.size();
    out_.write(table_at, {reinterpret_cast<const uint8_t*>(table.data()), table.size() * sizeof(Shdr<E>)});
    auto& eh = out_.at<Ehdr<E>>(0);
    eh.e_shoff = table_at;
    shoff_ = table_at;
    if (eh.e_shnum == 0) section_header(0).sh_size = n + 1;  // the count lives in section 0 (SHN_XINDEX style)
    else eh.e_shnum = static_cast<uint16_t>(n + 1);
  }

  // True when no section but `skip` has bytes in [begin, end) (the
  // section headers as they are now).
  bool nothing_else_between(size_t skip, uint64_t begin, uint64_t end) const {
    const auto* now = reinterpret_cast<const Shdr<E>*>(out_.bytes().data() + shoff_);
    for (size_t i = 1; i < secs_.size(); ++i) {
      const Shdr<E>& sec = now[i];
      if (i == skip || sec.sh_type == SHT_NOBITS || sec.sh_size == 0) continue;
      uint64_t b = sec.sh_offset, e = b + uint64_t(sec.sh_size);
      if (b < end && e > begin) return false;
    }
    return true;
  }

  const ElfFile<E>& cur_;
  Image& out_;
  Growth g_;
  uint64_t page_;
  // The section headers as they were: the writes go to the same bytes.
  std::vector<Shdr<E>> secs_;
  std::set<uint64_t> carried_;  // file offsets of the tables a rebuild lays out again
  uint64_t shoff_ = cur_.header().e_shoff;  // where the section header table is now
  uint64_t tail_begin_ = 0;  // a rebuilt segment's old end: what follows it is carried
  TableRoom room_;
  bool force_dynamic_move_ = false;
};

}  // namespace

void relayout(Image& image, Growth growth, std::optional<uint64_t> page_size) {
  // The in-place result is a valid file; it is parsed to read the current
  // layout. The writes go to the same bytes, so everything the relayout
  // reads from `cur` is read before the place it lives in is written
  // (dynamic entries are copied by the parser; section headers are matched
  // by their old addresses, which no moved section takes).
  bool sorted = sections_in_offset_order(image.path(), image.bytes());
  elf::visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& cur) {
    Relayout<E>(cur, image, std::move(growth), page_size).run();
  });
  // Moved sections kept their numbers; put the table back in offset order
  // if it was (section_order.h says why).
  if (sorted) sort_sections_by_offset(image);
}

}  // namespace shelf::patch
