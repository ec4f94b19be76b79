#!/bin/bash
# Host fixtures for the patcher (tests/patch). OUTDIR gets
#   lib/libpgreet.so.1     a library with a long SONAME string and symbol versions
#   prog-runpath           PIE, NEEDED libpgreet + libc, a long DT_RUNPATH whose last
#                          entry is $ORIGIN/lib (so shorter paths can be set in place)
#   prog-rpath             the same with DT_RPATH (--disable-new-dtags)
#   prog-nopie             ET_EXEC with the long DT_RUNPATH
#   prog-static            no interpreter, no dynamic section
#   prog-nosections        prog-runpath without section headers
#   gap/lib/libpgreet.so.1 libpgreet with a 256 MiB .bss: its highest address
#                          lies far above the end of the file
#   gap/prog-gap           PIE with a 256 MiB .bss, NEEDED libpgreet, RUNPATH
#                          $ORIGIN/lib
#   s390x/libsysv.so       s390x, only a System V DT_HASH (8-byte entries on
#                          s390x), versioned symbols; libsysv-nosections.so
#                          without section headers, so the symbol count must
#                          come from DT_HASH
#   edge/...               files the writer once wrote wrongly (edge_cases.py)
#   lib/libmany.so.1       8,000 exported functions (many_symbols.py)
#   tailmerge/prog         imports the variable `lib`, RUNPATH $ORIGIN/lib: ld
#                          stores the symbol's name as the tail of the RUNPATH
#                          string (tailmerge/lib/liblib.so defines it)
# The long placeholder directory does not exist; the programs find their
# library through $ORIGIN/lib.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
for tool in gcc python3; do
  if ! command -v $tool >/dev/null; then
    echo "testdata/patch/build.sh: $tool not found: install the Debian package $tool" >&2
    exit 1
  fi
done
rm -rf "$out"
mkdir -p "$out/lib"
cflags=(-O1 -g0 -Wall -Wextra -Werror)
placeholder=/nonexistent/shelf-placeholder/directory/that/is/quite/long/on/purpose
gcc "${cflags[@]}" -fPIC -shared -Wl,-soname,libpgreet.so.1 -Wl,--version-script="$here/greet.map" \
  -o "$out/lib/libpgreet.so.1" "$here/greet.c"
ln -sf libpgreet.so.1 "$out/lib/libpgreet.so"
link=("$here/main.c" -L"$out/lib" -lpgreet)
gcc "${cflags[@]}" -fPIE -pie -o "$out/prog-runpath" "${link[@]}" \
  -Wl,--enable-new-dtags -Wl,-rpath,"$placeholder:\$ORIGIN/lib"
gcc "${cflags[@]}" -fPIE -pie -o "$out/prog-rpath" "${link[@]}" \
  -Wl,--disable-new-dtags -Wl,-rpath,"$placeholder:\$ORIGIN/lib"
gcc "${cflags[@]}" -fno-pie -no-pie -o "$out/prog-nopie" "${link[@]}" \
  -Wl,--enable-new-dtags -Wl,-rpath,"$placeholder:\$ORIGIN/lib"
gcc "${cflags[@]}" -static -o "$out/prog-static" "$here/main.c" "$here/greet.c"
"$here/no_sections.py" "$out/prog-runpath" "$out/prog-nosections"
chmod +x "$out/prog-nosections"
mkdir -p "$out/gap/lib"
gcc "${cflags[@]}" -fPIC -shared -Wl,-soname,libpgreet.so.1 -Wl,--version-script="$here/greet.map" \
  -DGAP_NAME=lib_gap -o "$out/gap/lib/libpgreet.so.1" "$here/greet.c" "$here/gap.c"
gcc "${cflags[@]}" -fPIE -pie -DGAP_NAME=prog_gap -o "$out/gap/prog-gap" "$here/main.c" "$here/gap.c" \
  -L"$out/gap/lib" -l:libpgreet.so.1 -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/lib'

# s390x with a DT_HASH: ld's .hash there has 8-byte entries.
if ! command -v s390x-linux-gnu-gcc >/dev/null; then
  echo "testdata/patch/build.sh: s390x-linux-gnu-gcc not found: install the Debian package gcc-s390x-linux-gnu" >&2
  exit 1
fi
mkdir -p "$out/s390x"
s390x-linux-gnu-gcc "${cflags[@]}" -fPIC -shared -nostdlib -Wl,--hash-style=sysv \
  -Wl,--version-script="$here/sysv.map" -o "$out/s390x/libsysv.so" "$here/sysv.c"
"$here/no_sections.py" "$out/s390x/libsysv.so" "$out/s390x/libsysv-nosections.so"

# Files on which the writer once wrote a wrong result (edge_cases.py).
if ! command -v i686-linux-gnu-gcc >/dev/null; then
  echo "testdata/patch/build.sh: i686-linux-gnu-gcc not found: install the Debian package gcc-i686-linux-gnu" >&2
  exit 1
fi
mkdir -p "$out/edge/base"
i686-linux-gnu-gcc -O1 -fPIC -shared -Wl,-soname,libgreet.so.1 -Wl,--version-script="$here/../arch/libgreet.map" \
  -o "$out/edge/base/libgreet.so.1" "$here/../arch/libgreet.c"
i686-linux-gnu-gcc -O1 -fno-pie -no-pie -o "$out/edge/base/prog-i686" "$here/../arch/hello.c" "$out/edge/base/libgreet.so.1" \
  -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN'
gcc "${cflags[@]}" -fPIC -shared -nostdlib -o "$out/edge/base/libempty.so" "$here/empty.c"
"$here/edge_cases.py" "$out/edge" "$out/prog-runpath" "$out/prog-nopie" "$out/edge/base/prog-i686" \
  "$out/edge/base/libempty.so"

# A library with 8,000 exported functions (many_symbols.py).
python3 "$here/many_symbols.py" "$out/many.c" 8000
gcc -O0 -g0 -fPIC -shared -Wl,-soname,libmany.so.1 -o "$out/lib/libmany.so.1" "$out/many.c"
rm "$out/many.c"

# A symbol name that is the tail of the RUNPATH string (patchelf issue 162).
mkdir -p "$out/tailmerge/lib"
printf 'int lib = 42;\n' > "$out/tailmerge/lib.c"
printf '#include <stdio.h>\nextern int lib;\nint main(void) { printf("lib=%%d\\n", lib); return 0; }\n' \
  > "$out/tailmerge/main.c"
gcc "${cflags[@]}" -fPIC -shared -Wl,-soname,liblib.so -o "$out/tailmerge/lib/liblib.so" "$out/tailmerge/lib.c"
gcc "${cflags[@]}" -fPIE -pie -o "$out/tailmerge/prog" "$out/tailmerge/main.c" -L"$out/tailmerge/lib" -llib \
  -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/lib'
