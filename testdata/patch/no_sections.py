#!/usr/bin/env python3
"""no_sections.py IN OUT: copy an ELF file and drop its section header table
from the ELF header (e_shoff, e_shnum, e_shstrndx = 0), as sstrip leaves
files: readers must find everything through the program headers."""
import sys

data = bytearray(open(sys.argv[1], "rb").read())
is64 = data[4] == 2
if is64:
    data[0x28:0x30] = bytes(8)   # e_shoff
    data[0x3C:0x40] = bytes(4)   # e_shnum, e_shstrndx
else:
    data[0x20:0x24] = bytes(4)
    data[0x30:0x34] = bytes(4)
open(sys.argv[2], "wb").write(data)
