#!/usr/bin/env python3
"""edge_cases.py OUTDIR PIE-X86_64 NOPIE-X86_64 NOPIE-I686 LIB-EMPTY: well-formed or
nearly well-formed files on which the patcher once wrote a wrong result
(found by fuzzing an edit plan against its own re-parse), one per case:

  dynamic-exact-x86_64, dynamic-exact-i686
      non-PIE programs (no DT_FLAGS_1) with PT_DYNAMIC (and the .dynamic
      section) shrunk to exactly their entries and one DT_NULL: a new tag
      moves the table while every string still fits in .dynstr (the RUNPATH
      was left pointing at the old bytes).
  filesz-over-memsz
      a PT_LOAD whose p_filesz exceeds its p_memsz (the kernel refuses such
      a file; a new segment was placed inside its file bytes).
  no-strsz.so
      a library whose dynamic table has DT_STRTAB but no DT_STRSZ (a grown
      .dynstr got no size).
  interp-in-dynamic
      PT_INTERP placed in the spare DT_NULL slots of the dynamic table (the
      interpreter written in place was overwritten by the dynamic table).
  no-pt-dynamic
      the PIE program with its PT_DYNAMIC entry made PT_NULL, as a linker
      script whose PHDRS leave it out: the .dynamic section is still there,
      and patchelf reads and edits the file through it (shelf took it for a
      static file).
"""
import importlib.util
import os
import sys

# The ELF field access of the bad-input generator, shared rather than copied.
_spec = importlib.util.spec_from_file_location(
    "gen", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bad", "gen.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)
Elf, PT_LOAD, PT_DYNAMIC, PT_INTERP = gen.Elf, gen.PT_LOAD, gen.PT_DYNAMIC, gen.PT_INTERP
DT_STRSZ = gen.DT_STRSZ
SHT_DYNAMIC = 6


def sections(e):
    """File offsets of the section headers."""
    shoff, num = e.hdr("e_shoff"), e.hdr("e_shnum")
    size = 64 if e.is64 else 40
    return [shoff + i * size for i in range(num)]


def sh_field(e, at, name, value=None):
    fields64 = dict(sh_type=(4, 4), sh_offset=(24, 8), sh_size=(32, 8))
    fields32 = dict(sh_type=(4, 4), sh_offset=(16, 4), sh_size=(20, 4))
    off, size = (fields64 if e.is64 else fields32)[name]
    if value is None:
        return e.get(at + off, size)
    e.put(at + off, size, value)


def dynamic_exact(e):
    entries = len(e.dyn_entries())
    size = (entries + 1) * 2 * e.word
    e.ph(e.segment(PT_DYNAMIC), "p_filesz", size)
    e.ph(e.segment(PT_DYNAMIC), "p_memsz", size)
    for at in sections(e):
        if sh_field(e, at, "sh_type") == SHT_DYNAMIC:
            sh_field(e, at, "sh_size", size)


def filesz_over_memsz(e):
    load = next(at for at in e.phdrs() if e.ph(at, "p_type") == PT_LOAD)
    e.ph(load, "p_memsz", e.ph(load, "p_filesz") - 0x10)


def no_strsz(e):
    entries = e.dyn_entries()
    at = next(i for i, (_, tag, _) in enumerate(entries) if tag == DT_STRSZ)
    rest = [(tag, value) for _, tag, value in entries[at + 1:]] + [(0, 0)]
    for i, (tag, value) in enumerate(rest):
        off = entries[at][0] + i * 2 * e.word
        e.put(off, e.word, tag)
        e.put(off + e.word, e.word, value)


def interp_in_dynamic(e):
    dyn = e.segment(PT_DYNAMIC)
    entry = 2 * e.word
    first_null = len(e.dyn_entries())
    slots = e.ph(dyn, "p_filesz") // entry
    text = bytes(e.data[e.ph(e.segment(PT_INTERP), "p_offset"):][:e.ph(e.segment(PT_INTERP), "p_filesz")])
    need = (len(text) + entry - 1) // entry
    if slots < first_null + 1 + need:
        sys.exit("edge_cases.py: the base has too few spare dynamic slots for interp-in-dynamic")
    off = e.ph(dyn, "p_offset") + (first_null + 1) * entry
    vaddr = e.ph(dyn, "p_vaddr") + (first_null + 1) * entry
    e.data[off:off + len(text)] = text
    interp = e.segment(PT_INTERP)
    e.ph(interp, "p_offset", off)
    e.ph(interp, "p_vaddr", vaddr)
    e.ph(interp, "p_filesz", len(text))
    e.ph(interp, "p_memsz", len(text))


def no_pt_dynamic(e):
    e.ph(e.segment(PT_DYNAMIC), "p_type", 0)


def write(outdir, name, base, defect):
    e = Elf(bytearray(open(base, "rb").read()))
    defect(e)
    path = os.path.join(outdir, name)
    with open(path, "wb") as f:
        f.write(e.data)
    os.chmod(path, 0o755)


def main(outdir, pie64, nopie64, prog32, lib):
    os.makedirs(outdir, exist_ok=True)
    prog64 = pie64
    write(outdir, "dynamic-exact-x86_64", nopie64, dynamic_exact)
    write(outdir, "dynamic-exact-i686", prog32, dynamic_exact)
    write(outdir, "filesz-over-memsz", prog64, filesz_over_memsz)
    write(outdir, "no-strsz.so", lib, no_strsz)
    write(outdir, "interp-in-dynamic", prog64, interp_in_dynamic)
    write(outdir, "no-pt-dynamic", prog64, no_pt_dynamic)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit("usage: edge_cases.py OUTDIR PIE-X86_64 NOPIE-X86_64 NOPIE-I686 LIB-EMPTY")
    main(*sys.argv[1:])
