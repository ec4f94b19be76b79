#!/usr/bin/env python3
"""gen.py OUTDIR BASE...: writes hostile ELF files, one defect per file.

Each BASE is a valid ELF file (built by build.sh for several classes and byte
orders); every defect is applied to a fresh copy of it, so each output file is
wrong in exactly one way. A 32-bit big-endian base is built here from scratch
(no Debian cross compiler targets one). OUTDIR/manifest.txt lists
"FILE<TAB>words" per line: the error message for FILE must contain one of the
'|'-separated words, i.e. name the field that is wrong."""
import os
import struct
import sys


class Elf:
    """Just enough of an ELF reader to find the fields to corrupt."""

    def __init__(self, data):
        self.data = data
        self.is64 = data[4] == 2
        self.order = "<" if data[5] == 1 else ">"
        self.word = 8 if self.is64 else 4
        if self.is64:
            self.f = dict(e_phoff=(32, 8), e_shoff=(40, 8), e_phentsize=(54, 2), e_phnum=(56, 2),
                          e_shentsize=(58, 2), e_shnum=(60, 2), e_shstrndx=(62, 2))
            self.pf = dict(p_type=(0, 4), p_flags=(4, 4), p_offset=(8, 8), p_vaddr=(16, 8),
                           p_filesz=(32, 8), p_memsz=(40, 8))
            self.phsize = 56
        else:
            self.f = dict(e_phoff=(28, 4), e_shoff=(32, 4), e_phentsize=(42, 2), e_phnum=(44, 2),
                          e_shentsize=(46, 2), e_shnum=(48, 2), e_shstrndx=(50, 2))
            self.pf = dict(p_type=(0, 4), p_offset=(4, 4), p_vaddr=(8, 4), p_filesz=(16, 4),
                           p_memsz=(20, 4), p_flags=(24, 4))
            self.phsize = 32

    def get(self, off, size):
        return int.from_bytes(self.data[off:off + size], "little" if self.order == "<" else "big")

    def put(self, off, size, value):
        self.data[off:off + size] = (value % (1 << (8 * size))).to_bytes(
            size, "little" if self.order == "<" else "big")

    def hdr(self, name, value=None):
        off, size = self.f[name]
        if value is None:
            return self.get(off, size)
        self.put(off, size, value)

    def phdrs(self):
        base = self.hdr("e_phoff")
        return [base + i * self.phsize for i in range(self.hdr("e_phnum"))]

    def ph(self, at, name, value=None):
        off, size = self.pf[name]
        if value is None:
            return self.get(at + off, size)
        self.put(at + off, size, value)

    def segment(self, ptype):
        """The program header of type `ptype`; Skip if the file has none."""
        for at in self.phdrs():
            if self.ph(at, "p_type") == ptype:
                return at
        raise Skip

    def dyn_entries(self):
        """(file offset of the entry, tag, value) up to DT_NULL."""
        at = self.segment(2)  # PT_DYNAMIC
        out = []
        off = self.ph(at, "p_offset")
        for i in range(self.ph(at, "p_filesz") // (2 * self.word)):
            e = off + i * 2 * self.word
            tag, val = self.get(e, self.word), self.get(e + self.word, self.word)
            if tag == 0:
                break
            out.append((e, tag, val))
        return out

    def dyn(self, tag):
        """(entry offset, value) of the first entry with `tag`; Skip if none."""
        for e, t, v in self.dyn_entries():
            if t == tag:
                return e, v
        raise Skip

    def set_dyn(self, tag, value):
        e, _ = self.dyn(tag)
        self.put(e + self.word, self.word, value)

    def offset_of(self, vaddr):
        for at in self.phdrs():
            if self.ph(at, "p_type") != 1:
                continue
            start, size = self.ph(at, "p_vaddr"), self.ph(at, "p_filesz")
            if start <= vaddr < start + size:
                return self.ph(at, "p_offset") + vaddr - start
        raise Skip


DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RUNPATH = 1, 5, 10, 14, 29
DT_VERDEF, DT_VERNEED, DT_VERNEEDNUM = 0x6ffffffc, 0x6ffffffe, 0x6fffffff
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_GNU_STACK = 1, 2, 3, 0x6474e551


class Skip(Exception):
    """The base lacks the structure a defect needs (no DT_VERDEF in a program,
    no section headers in the hand-made file): that defect is not written."""


def require(condition):
    if not condition:
        raise Skip


def huge_phnum(e):
    e.hdr("e_phnum", 0xfffe)


def phnum_xnum(e):
    # PN_XNUM: the real count is in section 0's sh_info; make it enormous.
    e.hdr("e_phnum", 0xffff)
    shoff = e.hdr("e_shoff")
    sh_info = shoff + (44 if e.is64 else 28)
    require(shoff != 0 and sh_info + 4 <= len(e.data))
    e.put(sh_info, 4, 0x7fffffff)


def truncate_at(e, where):
    del e.data[where:]


def strsz_unterminated(e):
    # DT_STRSZ ends inside the first DT_NEEDED name, so it has no NUL in the table.
    _, name = e.dyn(DT_NEEDED)
    e.set_dyn(DT_STRSZ, name + 3)


def interp_unterminated(e):
    at = e.segment(PT_INTERP)
    e.ph(at, "p_filesz", e.ph(at, "p_filesz") - 1)


def verneed_field(e, field_off, value):
    _, addr = e.dyn(DT_VERNEED)
    e.put(e.offset_of(addr) + field_off, 4, value)


def verdef_field(e, field_off, value):
    _, addr = e.dyn(DT_VERDEF)
    e.put(e.offset_of(addr) + field_off, 4, value)


def verneed_quadratic(e):
    """A version need chain whose records overlap: every 16-byte record is
    both a Verneed (vn_cnt 0xffff, vn_aux 16, vn_next 16) and a Vernaux
    (vna_name 16, vna_next 16). Walked naively, each of the N records
    revisits all later ones: N²/2 versions from 64 KiB. The chain is
    well-terminated; only its overlap gives it away."""
    count = 4096
    # A new PT_LOAD (taking over PT_GNU_STACK's slot) maps the appended records.
    at = e.segment(PT_GNU_STACK)
    start = (len(e.data) + 15) & ~15
    e.data.extend(b"\0" * (start - len(e.data)))
    record = bytearray(16)
    put = lambda off, size, v: record.__setitem__(
        slice(off, off + size), v.to_bytes(size, "little" if e.order == "<" else "big"))
    put(0, 2, 1)        # vn_version
    put(2, 2, 0xffff)   # vn_cnt
    put(4, 4, 1)        # vn_file: a string offset inside .dynstr
    put(8, 4, 16)       # vn_aux == vna_name
    put(12, 4, 16)      # vn_next == vna_next
    e.data.extend(record * count)
    e.put(len(e.data) - 8, 8, 0)  # the last record: vn_aux 0 (itself), next 0 ends both chains
    vaddr = 0x40000000
    e.ph(at, "p_type", PT_LOAD)
    e.ph(at, "p_offset", start)
    e.ph(at, "p_vaddr", vaddr)
    e.ph(at, "p_filesz", 16 * count)
    e.ph(at, "p_memsz", 16 * count)
    e.set_dyn(DT_VERNEED, vaddr)
    e.set_dyn(DT_VERNEEDNUM, 0xffffffff)


def needed_repeated(e):
    """A new dynamic table of 4096 DT_NEEDED entries that all name one 64 KiB
    string: every entry is valid, but copying each name would take 256 MiB
    from a 128 KiB file."""
    count, length = 4096, 0xffff
    at = e.segment(PT_GNU_STACK)
    start = (len(e.data) + 15) & ~15
    e.data.extend(b"\0" * (start - len(e.data)))
    vaddr = 0x40000000
    strings = b"\0" + b"a" * length + b"\0"
    dyn_off = (len(strings) + 15) & ~15
    region = bytearray(strings + bytes(dyn_off - len(strings)))
    order = "little" if e.order == "<" else "big"
    word = lambda v: v.to_bytes(e.word, order)
    for _ in range(count):
        region += word(DT_NEEDED) + word(1)
    region += word(DT_STRTAB) + word(vaddr) + word(DT_STRSZ) + word(len(strings)) + word(0) + word(0)
    e.data.extend(region)
    e.ph(at, "p_type", PT_LOAD)
    e.ph(at, "p_offset", start)
    e.ph(at, "p_vaddr", vaddr)
    e.ph(at, "p_filesz", len(region))
    e.ph(at, "p_memsz", len(region))
    dyn = e.segment(PT_DYNAMIC)
    e.ph(dyn, "p_offset", start + dyn_off)
    e.ph(dyn, "p_vaddr", vaddr + dyn_off)
    e.ph(dyn, "p_filesz", len(region) - dyn_off)
    e.ph(dyn, "p_memsz", len(region) - dyn_off)


def past(e):
    return len(e.data) + 0x1000


# name: (defect, words the error must contain). Defects that need a structure
# the base lacks (no PT_INTERP in a library, no DT_VERDEF in a program) skip.
DEFECTS = {
    "trunc-in-ehdr": (lambda e: truncate_at(e, 30), "header|ELF"),
    "trunc-in-phdrs": (lambda e: truncate_at(e, e.hdr("e_phoff") + e.phsize + 5), "program header"),
    "trunc-in-dynamic": (lambda e: truncate_at(e, e.ph(e.segment(PT_DYNAMIC), "p_offset") + 8), "past the end"),
    "trunc-before-shdrs": (lambda e: (require(e.hdr("e_shoff")), truncate_at(e, e.hdr("e_shoff") + 10)), "section header"),
    "wrong-magic": (lambda e: e.data.__setitem__(3, ord("G")), "magic"),
    "bad-class": (lambda e: e.data.__setitem__(4, 3), "class"),
    "bad-data": (lambda e: e.data.__setitem__(5, 9), "data encoding|endian"),
    "phoff-past-end": (lambda e: e.hdr("e_phoff", past(e)), "program header"),
    "huge-phnum": (huge_phnum, "program header"),
    "phnum-xnum": (phnum_xnum, "program header"),
    "bad-phentsize": (lambda e: e.hdr("e_phentsize", e.phsize - 8), "e_phentsize"),
    "shoff-past-end": (lambda e: e.hdr("e_shoff", past(e)), "section header"),
    "bad-shentsize": (lambda e: (require(e.hdr("e_shoff")), e.hdr("e_shentsize", 7)), "e_shentsize"),
    "shstrndx-out-of-range": (lambda e: (require(e.hdr("e_shoff")), e.hdr("e_shstrndx", 0xfeff)), "e_shstrndx"),
    "dynamic-past-end": (lambda e: e.ph(e.segment(PT_DYNAMIC), "p_offset", past(e)), "PT_DYNAMIC"),
    "dynamic-size-huge": (lambda e: e.ph(e.segment(PT_DYNAMIC), "p_filesz", 0x7ffffff0), "PT_DYNAMIC"),
    "strtab-unmapped": (lambda e: e.set_dyn(DT_STRTAB, 0x7ead0000), "DT_STRTAB"),
    "strsz-past-end": (lambda e: e.set_dyn(DT_STRSZ, 0x7fffff00), "DT_STRSZ"),
    "needed-past-strsz": (lambda e: e.set_dyn(DT_NEEDED, e.dyn(DT_STRSZ)[1] + 1), "DT_NEEDED"),
    "needed-unterminated": (strsz_unterminated, "DT_NEEDED"),
    "soname-past-strsz": (lambda e: e.set_dyn(DT_SONAME, 0x7fffffff), "DT_SONAME"),
    "runpath-past-strsz": (lambda e: e.set_dyn(DT_RUNPATH, e.dyn(DT_STRSZ)[1]), "DT_RUNPATH"),
    "interp-past-end": (lambda e: e.ph(e.segment(PT_INTERP), "p_offset", past(e)), "PT_INTERP"),
    "interp-unterminated": (interp_unterminated, "PT_INTERP"),
    "verneed-unmapped": (lambda e: e.set_dyn(DT_VERNEED, 0x7eadbee0), "DT_VERNEED"),
    "verneed-next-wraps": (lambda e: verneed_field(e, 12, 0xfffffff0), "DT_VERNEED"),
    "vernaux-out-of-range": (lambda e: verneed_field(e, 8, 0x7ffffff0), "DT_VERNEED"),
    "verneed-file-past-strsz": (lambda e: verneed_field(e, 4, 0x7ffffff0), "vn_file"),
    "verneed-quadratic": (verneed_quadratic, "DT_VERNEED"),
    "needed-repeated": (needed_repeated, "DT_NEEDED"),
    "verdef-unmapped": (lambda e: e.set_dyn(DT_VERDEF, 0x7eadbee0), "DT_VERDEF"),
    "verdef-next-wraps": (lambda e: verdef_field(e, 16, 0xfffffff0), "DT_VERDEF"),
    "verdaux-out-of-range": (lambda e: verdef_field(e, 12, 0x7ffffff0), "DT_VERDEF"),
}


def scratch_32be():
    """A minimal 32-bit big-endian (PowerPC) program: ELF header, PT_LOAD,
    PT_DYNAMIC, PT_INTERP, PT_GNU_STACK, .dynstr, .dynamic; no sections."""
    interp = b"/lib/ld.so.1\0"
    strtab = b"\0libc.so.6\0libm.so.6\0$ORIGIN/lib\0"
    base, nph = 0x10000000, 4
    phoff, interp_off = 52, 52 + 32 * nph
    str_off = interp_off + len(interp)
    dyn_off = (str_off + len(strtab) + 3) & ~3
    dyn = [(DT_NEEDED, 1), (DT_NEEDED, 11), (DT_RUNPATH, 21), (DT_STRTAB, base + str_off),
           (DT_STRSZ, len(strtab)), (0, 0)]
    size = dyn_off + 8 * len(dyn)
    ident = b"\x7fELF" + bytes([1, 2, 1, 0]) + bytes(8)
    out = bytearray(ident + struct.pack(">HHIIIIIHHHHHH", 2, 20, 1, base + 0x100, phoff, 0, 0,
                                        52, 32, nph, 40, 0, 0))
    ph = [(PT_LOAD, 0, base, size, 5, 0x10000), (PT_DYNAMIC, dyn_off, base + dyn_off, 8 * len(dyn), 6, 4),
          (PT_INTERP, interp_off, base + interp_off, len(interp), 4, 1), (PT_GNU_STACK, 0, 0, 0, 6, 16)]
    for t, off, va, fs, fl, al in ph:
        out += struct.pack(">IIIIIIII", t, off, va, va, fs, fs, fl, al)
    out += interp + strtab
    out += bytes(dyn_off - len(out))
    for t, v in dyn:
        out += struct.pack(">II", t, v)
    return out


def main(outdir, bases):
    os.makedirs(outdir, exist_ok=True)
    manifest = []
    scratch = os.path.join(outdir, "base-ppc32be")
    with open(scratch, "wb") as f:
        f.write(scratch_32be())
    for base in [scratch] + bases:
        original = bytearray(open(base, "rb").read())
        tag = os.path.basename(base)
        for name, (defect, words) in DEFECTS.items():
            e = Elf(bytearray(original))
            try:
                defect(e)
            except Skip:
                continue
            path = os.path.join(outdir, f"{tag}--{name}")
            with open(path, "wb") as f:
                f.write(e.data)
            manifest.append((os.path.basename(path), words))
    # Defects that need no base.
    open(os.path.join(outdir, "empty"), "wb").close()
    manifest.append(("empty", "ELF"))
    with open(os.path.join(outdir, "three-bytes"), "wb") as f:
        f.write(b"\x7fEL")
    manifest.append(("three-bytes", "ELF"))
    with open(os.path.join(outdir, "text-file"), "wb") as f:
        f.write(b"#!/bin/sh\necho this is a shell script, not an ELF file\n")
    manifest.append(("text-file", "ELF"))
    os.makedirs(os.path.join(outdir, "a-directory"), exist_ok=True)
    manifest.append(("a-directory", "regular file|directory"))
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        for name, words in manifest:
            f.write(f"{name}\t{words}\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: gen.py OUTDIR BASE...")
    main(sys.argv[1], sys.argv[2:])
