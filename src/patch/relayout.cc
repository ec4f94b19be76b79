#include "patch/relayout.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "elf/identify.h"

namespace shelf::patch {

using namespace shelf::elf;

namespace {

constexpr uint64_t kSpareDynamicSlots = 4;  // room for later in-place additions
constexpr uint64_t kDtMipsRldMapRel = 0x70000035;  // relative to its own entry's address
constexpr uint64_t kMaxProgramPadding = 64ull << 20;
constexpr uint64_t kTailAlign = 16;  // the segment opens with the program header table
constexpr uint64_t kMaxBinutilsPage = 64 << 10;  // see binutils_offset

uint64_t align_up(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

template <typename E>
class Relayout {
 public:
  Relayout(const ElfFile<E>& cur, Image& out, Growth growth, std::optional<uint64_t> page_size)
      : cur_(cur), out_(out), g_(std::move(growth)), page_(page_size.value_or(file_page_size())) {}

  void run() {
    std::vector<Phdr<E>> phdrs(cur_.segments().begin(), cur_.segments().end());
    std::optional<size_t> ours = find_added_segment();
    uint64_t off, vaddr;
    if (ours) {
      // Everything the segment holds is rebuilt from the current file.
      const Phdr<E>& s = phdrs[*ours];
      off = s.p_offset;
      vaddr = s.p_vaddr;
      carry_contents_of(s);
    } else {
      std::tie(off, vaddr) = place_new_segment(phdrs);
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
    if (E::bits == 32 && vaddr > UINT32_MAX - (1u << 24)) cur_.fail("no address space left for a new segment");

    // Segment layout: phdr table | interpreter | dynamic | dynstr.
    std::vector<uint8_t> blob;
    auto reserve = [&](uint64_t size, uint64_t align) {
      uint64_t at = align_up(blob.size(), align);
      blob.resize(at + size);
      return at;
    };
    // The table opens the segment: binutils (strip, objcopy) only keep a
    // program header table that starts the segment holding it.
    uint64_t phdr_at = reserve(phdrs.size() * sizeof(Phdr<E>), 8);
    std::optional<uint64_t> interp_at, dyn_at, str_at;
    if (g_.interpreter) {
      interp_at = reserve(g_.interpreter->size() + 1, 1);
      std::memcpy(blob.data() + *interp_at, g_.interpreter->data(), g_.interpreter->size());
    }
    uint64_t dyn_slots = 0;
    if (g_.dynamic && (force_dynamic_move_ || g_.dynamic->size() + 1 > cur_.dynamic_slots())) {
      dyn_slots = g_.dynamic->size() + 1 + kSpareDynamicSlots;
      dyn_at = reserve(dyn_slots * sizeof(Dyn<E>), sizeof(typename E::Addr));
    }
    if (g_.dynstr) {
      str_at = reserve(g_.dynstr->size(), 1);
      std::memcpy(blob.data() + *str_at, g_.dynstr->data(), g_.dynstr->size());
    }

    // Dynamic entries: the string table's new place, and MIPS's relative tag.
    if (g_.dynamic) {
      uint64_t old_dyn_vaddr = dynamic_vaddr();
      uint64_t new_dyn_vaddr = dyn_at ? vaddr + *dyn_at : old_dyn_vaddr;
      std::vector<std::pair<uint64_t, uint64_t>> entries = *g_.dynamic;
      for (size_t i = 0; i < entries.size(); ++i) {
        auto& [tag, value] = entries[i];
        if (str_at && tag == DT_STRTAB) value = vaddr + *str_at;
        if (str_at && tag == DT_STRSZ) value = g_.dynstr->size();
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
    load.p_flags = PF_R | PF_W;
    load.p_align = page_;
    for (Phdr<E>& p : phdrs) {
      if (p.p_type == PT_PHDR) place_segment(p, off + phdr_at, vaddr + phdr_at, phdrs.size() * sizeof(Phdr<E>));
      if (p.p_type == PT_INTERP && interp_at) place_segment(p, off + *interp_at, vaddr + *interp_at, g_.interpreter->size() + 1);
      if (p.p_type == PT_DYNAMIC && dyn_at) place_segment(p, off + *dyn_at, vaddr + *dyn_at, dyn_slots * sizeof(Dyn<E>));
    }
    std::memcpy(blob.data() + phdr_at, phdrs.data(), phdrs.size() * sizeof(Phdr<E>));

    // Section headers follow the tables they describe (matched by address
    // before anything moved).
    move_section(SHT_DYNAMIC, dynamic_vaddr(), dyn_at, off, vaddr, dyn_slots * sizeof(Dyn<E>));
    if (str_at)
      move_section(SHT_STRTAB, cur_.dynamic_value(DT_STRTAB).value_or(0), str_at, off, vaddr, g_.dynstr->size());
    if (interp_at)
      move_section(SHT_PROGBITS, cur_.find_segment(PT_INTERP)->p_vaddr, interp_at, off, vaddr, g_.interpreter->size() + 1);

    if (phdrs.size() >= PN_XNUM) cur_.fail("too many program headers");
    auto& eh = out_.at<Ehdr<E>>(0);
    eh.e_phoff = off + phdr_at;
    eh.e_phnum = static_cast<uint16_t>(phdrs.size());
    out_.resize(off);
    out_.resize(off + blob.size());
    out_.write(off, blob);
  }

 private:
  // The alignment the linker used for PT_LOAD (its max-page-size), at least 4 KiB.
  uint64_t file_page_size() const {
    uint64_t page = 4096;
    for (const Phdr<E>& p : cur_.segments())
      if (p.p_type == PT_LOAD) page = std::max<uint64_t>(page, p.p_align);
    return page;
  }

  uint64_t dynamic_vaddr() const {
    const Phdr<E>* p = cur_.find_segment(PT_DYNAMIC);
    return p ? uint64_t(p->p_vaddr) : 0;
  }

  static bool inside(uint64_t off, const Phdr<E>& s) {
    return off >= s.p_offset && off < uint64_t(s.p_offset) + uint64_t(s.p_filesz);
  }

  // A segment this writer added: the last PT_LOAD, ending the file, holding
  // the program header table and nothing but the tables we put there.
  std::optional<size_t> find_added_segment() const {
    auto segs = cur_.segments();
    std::optional<size_t> last;
    for (size_t i = 0; i < segs.size(); ++i)
      if (segs[i].p_type == PT_LOAD && (!last || segs[i].p_offset > segs[*last].p_offset)) last = i;
    if (!last) return std::nullopt;
    const Phdr<E>& s = segs[*last];
    if (uint64_t(s.p_offset) + uint64_t(s.p_filesz) != out_.size() || !inside(cur_.header().e_phoff, s))
      return std::nullopt;
    if (s.p_offset == 0) return std::nullopt;  // a file's first segment is never ours
    for (const Shdr<E>& sec : cur_.sections()) {
      if (sec.sh_type == SHT_NOBITS || sec.sh_size == 0 || !inside(sec.sh_offset, s)) continue;
      std::string_view n = cur_.section_name(sec);
      if (n != ".dynstr" && n != ".dynamic" && n != ".interp") return std::nullopt;
    }
    return last;
  }

  // Rebuilding our segment: what lives in it now must be written again.
  void carry_contents_of(const Phdr<E>& s) {
    if (const Phdr<E>* interp = cur_.find_segment(PT_INTERP); interp && inside(interp->p_offset, s) && !g_.interpreter)
      g_.interpreter = std::string(*cur_.interpreter());
    if (cur_.dynstr_offset() && inside(*cur_.dynstr_offset(), s) && !g_.dynstr) {
      auto table = cur_.bytes().subspan(*cur_.dynstr_offset(), cur_.dynstr_size());
      g_.dynstr.emplace(table.begin(), table.end());
    }
    bool dyn_inside = cur_.dynamic_offset() && inside(*cur_.dynamic_offset(), s);
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
  // Programs (files with PT_INTERP) keep the first PT_LOAD's offset-to-
  // address difference when the padding that needs is bounded: then the
  // program header table's address is "first segment's base + e_phoff",
  // which is how kernels before 5.18 and qemu-user before 8.0 compute
  // AT_PHDR. Libraries' program headers are read by ld.so from the file.
  std::pair<uint64_t, uint64_t> place_new_segment(const std::vector<Phdr<E>>& phdrs) const {
    const Phdr<E>* first = nullptr;
    uint64_t end = 0;
    for (const Phdr<E>& p : phdrs) {
      if (p.p_type != PT_LOAD) continue;
      if (!first) first = &p;
      end = std::max<uint64_t>(end, uint64_t(p.p_vaddr) + uint64_t(p.p_memsz));
    }
    if (!first) cur_.fail("has no PT_LOAD segment to extend");
    uint64_t lowest = align_up(end, page_);
    uint64_t off = align_up(out_.size(), kTailAlign);
    uint64_t delta = uint64_t(first->p_vaddr) - uint64_t(first->p_offset);
    bool same_delta = uint64_t(first->p_vaddr) >= uint64_t(first->p_offset) && delta % page_ == 0;
    if (cur_.find_segment(PT_INTERP) && same_delta) {
      uint64_t at = binutils_offset(std::max(off, lowest - std::min(lowest, delta)), phdrs);
      if (at - off <= kMaxProgramPadding) return {at, at + delta};
    }
    if (lowest > UINT64_MAX - page_) cur_.fail("no address space left for a new segment");
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
    uint64_t shoff = cur_.header().e_shoff;
    for (size_t i = 0; i < cur_.sections().size(); ++i) {
      const Shdr<E>& s = cur_.sections()[i];
      if (s.sh_type != type || s.sh_addr != old_addr) continue;
      auto& w = out_.at<Shdr<E>>(shoff + i * sizeof(Shdr<E>));
      w.sh_offset = off + *at;
      w.sh_addr = vaddr + *at;
      w.sh_size = size;
    }
  }

  const ElfFile<E>& cur_;
  Image& out_;
  Growth g_;
  uint64_t page_;
  bool force_dynamic_move_ = false;
};

}  // namespace

void relayout(Image& image, const Growth& growth, std::optional<uint64_t> page_size) {
  // The in-place result is a valid file; it is parsed to read the current
  // layout. The writes go to the same bytes, so everything the relayout
  // reads from `cur` is read before the place it lives in is written
  // (dynamic entries are copied by the parser; section headers are matched
  // by their old addresses, which no moved section takes).
  elf::visit(image.path(), image.bytes(), [&]<typename E>(const ElfFile<E>& cur) {
    Relayout<E>(cur, image, growth, page_size).run();
  });
}

}  // namespace shelf::patch
