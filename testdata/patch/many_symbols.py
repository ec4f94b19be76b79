#!/usr/bin/env python3
"""many_symbols.py OUT.c COUNT: C source of a library exporting COUNT
functions, so a relayout that renumbers section indices touches every
symbol's st_shndx (tests bound the writer's system calls by the pages
touched, not the number of symbols)."""
import sys

out, count = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for i in range(count):
        f.write(f"int shelf_symbol_{i}(int x) {{ return x + {i}; }}\n")
