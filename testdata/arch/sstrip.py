#!/usr/bin/env python3
"""sstrip.py IN OUT: copy an ELF file without its section headers.

Debian ships no sstrip (ELFkickers), so this does what it does: the section
header table and every byte after the last byte a program header refers to
are cut off, and e_shoff/e_shnum/e_shstrndx are zeroed. What the loader sees
(the program headers and the segments) is unchanged, so the result still runs;
readers must find the dynamic data through PT_DYNAMIC alone."""
import struct
import sys


def main(src, dst):
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF":
        sys.exit(f"sstrip.py: {src}: not an ELF file")
    is64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if is64:
        ehdr = struct.Struct(order + "16sHHIQQQIHHHHHH")
        phdr = struct.Struct(order + "IIQQQQQQ")  # type flags offset vaddr paddr filesz memsz align
        p_offset, p_filesz = 2, 5
    else:
        ehdr = struct.Struct(order + "16sHHIIIIIHHHHHH")
        phdr = struct.Struct(order + "IIIIIIII")  # type offset vaddr paddr filesz memsz flags align
        p_offset, p_filesz = 1, 4
    fields = list(ehdr.unpack_from(data, 0))
    e_phoff, e_phentsize, e_phnum = fields[5], fields[9], fields[10]
    end = max(ehdr.size, e_phoff + e_phentsize * e_phnum)
    for i in range(e_phnum):
        p = phdr.unpack_from(data, e_phoff + i * e_phentsize)
        if p[p_filesz]:
            end = max(end, p[p_offset] + p[p_filesz])
    fields[6] = 0    # e_shoff
    fields[12] = 0   # e_shnum
    fields[13] = 0   # e_shstrndx
    ehdr.pack_into(data, 0, *fields)
    with open(dst, "wb") as out:
        out.write(data[:end])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: sstrip.py IN OUT")
    main(sys.argv[1], sys.argv[2])
