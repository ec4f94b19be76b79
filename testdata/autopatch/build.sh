#!/bin/bash
# Fixtures for `shelf autopatch`. Usage: build.sh OUTDIR. Builds:
#   vendor/   a vendor-like tree mixing x86_64, i386 and aarch64:
#     bin/app64        x86_64, NEEDED libcore.so.1, build-machine RUNPATH
#     bin/app64-rpath  the same with DT_RPATH (--disable-new-dtags)
#     bin/app32        i386, NEEDED libcore.so.1 (bin/libcore.so.1)
#     bin/libcore.so.1 i386 libcore, NEEDED libvutil.so.1 (lib32/): right name,
#                      wrong class for app64, in app64's own directory
#     bin/static64     static x86_64 program
#     bin/run.sh       a shell script (not ELF)
#     lib/libcore.so.1 x86_64, NEEDED libvutil.so.1 (lib/util/); lib/libcore.so -> libcore.so.1
#     lib/util/libvutil.so.1, lib32/libvutil.so.1
#     arm/app-arm, arm/lib/libcore.so.1, arm/lib/libvutil.so.1   aarch64
#     share/doc/README
#   versions/ old/libver.so.1 (VER_1.0), new/libver.so.1 (VER_1.0, VER_2.0),
#             app_ver: x86_64, needs ver_two@VER_2.0 and libcore.so.1
#   gone/     app_gone: NEEDED libgone.so.1 and libnvidia-fake.so.1;
#             libuser.so.1: NEEDED libgone2.so.1 (none of them shipped)
#   dlopen/   app_note: dlopen()s libplugin.so.1 directly and through
#             libloader.so.1, declares it in .note.dlopen (alternatives
#             libplugin-missing.so.9, libplugin.so.1); app_plain: the same
#             without the note; libloader.so.1; plugin/libplugin.so.1 (x86_64);
#             plugin32/libplugin.so.1 (i386)
# A missing compiler fails the build, naming the Debian package.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)
need() {
  command -v "$1" >/dev/null || { echo "autopatch fixtures need $1 (Debian package $2)" >&2; exit 1; }
}
need gcc gcc
need i686-linux-gnu-gcc gcc-i686-linux-gnu
need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu

rm -rf "$out"
mkdir -p "$out"
cd "$out"
flags=(-O1 -g0 -Wall -Wextra -Werror)
lib() {  # lib CC OUT SONAME ARGS...: a shared library
  local cc=$1 o=$2 soname=$3
  shift 3
  $cc "${flags[@]}" -shared -fPIC -Wl,-soname,"$soname" -o "$o" "$@"
}

# --- the mixed vendor tree
v=vendor
mkdir -p $v/bin $v/lib/util $v/lib32 $v/arm/lib $v/share/doc
lib gcc $v/lib/util/libvutil.so.1 libvutil.so.1 "$src/util.c" -DVALUE=64
lib gcc $v/lib/libcore.so.1 libcore.so.1 "$src/core.c" -L$v/lib/util -l:libvutil.so.1
ln -s libcore.so.1 $v/lib/libcore.so
gcc "${flags[@]}" -o $v/bin/app64 "$src/app.c" -DNAME='"app64"' -L$v/lib -l:libcore.so.1 \
  -Wl,-rpath-link,$v/lib/util -Wl,--enable-new-dtags,-rpath,/home/builder/build/lib
gcc "${flags[@]}" -o $v/bin/app64-rpath "$src/app.c" -DNAME='"app64-rpath"' -L$v/lib -l:libcore.so.1 \
  -Wl,-rpath-link,$v/lib/util -Wl,--disable-new-dtags,-rpath,/home/builder/build/lib
gcc "${flags[@]}" -static -o $v/bin/static64 "$src/static.c"

lib i686-linux-gnu-gcc $v/lib32/libvutil.so.1 libvutil.so.1 "$src/util.c" -DVALUE=32
lib i686-linux-gnu-gcc $v/bin/libcore.so.1 libcore.so.1 "$src/core.c" -L$v/lib32 -l:libvutil.so.1
i686-linux-gnu-gcc "${flags[@]}" -o $v/bin/app32 "$src/app.c" -DNAME='"app32"' -L$v/bin -l:libcore.so.1 \
  -Wl,-rpath-link,$v/lib32

lib aarch64-linux-gnu-gcc $v/arm/lib/libvutil.so.1 libvutil.so.1 "$src/util.c" -DVALUE=8
lib aarch64-linux-gnu-gcc $v/arm/lib/libcore.so.1 libcore.so.1 "$src/core.c" -L$v/arm/lib -l:libvutil.so.1
aarch64-linux-gnu-gcc "${flags[@]}" -o $v/arm/app-arm "$src/app.c" -DNAME='"app-arm"' -L$v/arm/lib \
  -l:libcore.so.1 -Wl,-rpath-link,$v/arm/lib

printf '#!/bin/sh\nexec "$(dirname "$0")/app64" "$@"\n' > $v/bin/run.sh
chmod +x $v/bin/run.sh
echo "A vendor tree for shelf autopatch tests." > $v/share/doc/README

# --- symbol versions
mkdir -p versions/old versions/new
lib gcc versions/old/libver.so.1 libver.so.1 "$src/ver.c" -Wl,--version-script="$src/ver-old.map"
lib gcc versions/new/libver.so.1 libver.so.1 "$src/ver.c" -DNEW -Wl,--version-script="$src/ver-new.map"
gcc "${flags[@]}" -o versions/app_ver "$src/app_ver.c" -Lversions/new -l:libver.so.1 \
  -L$v/lib -l:libcore.so.1 -Wl,-rpath-link,$v/lib/util

# --- libraries nobody ships: linked against stubs that are then deleted
mkdir -p gone/stubs
echo 'int gone_value(void) { return 0; }' > gone/stubs/gone.c
lib gcc gone/stubs/libgone.so.1 libgone.so.1 gone/stubs/gone.c
lib gcc gone/stubs/libnvidia-fake.so.1 libnvidia-fake.so.1 gone/stubs/gone.c
lib gcc gone/stubs/libgone2.so.1 libgone2.so.1 gone/stubs/gone.c
gcc "${flags[@]}" -o gone/app_gone "$src/gone.c" -Lgone/stubs -Wl,--no-as-needed -l:libgone.so.1 \
  -l:libnvidia-fake.so.1
lib gcc gone/libuser.so.1 libuser.so.1 "$src/util.c" -DVALUE=1 -Lgone/stubs -Wl,--no-as-needed -l:libgone2.so.1
rm -rf gone/stubs

# --- dlopen
mkdir -p dlopen/plugin dlopen/plugin32
lib gcc dlopen/plugin/libplugin.so.1 libplugin.so.1 "$src/plugin.c" -DNAME='"x86_64"'
lib i686-linux-gnu-gcc dlopen/plugin32/libplugin.so.1 libplugin.so.1 "$src/plugin.c" -DNAME='"i386"'
lib gcc dlopen/libloader.so.1 libloader.so.1 "$src/loader.c"
gcc "${flags[@]}" -o dlopen/app_note "$src/dlopen_app.c" -DWITH_NOTE -Ldlopen -l:libloader.so.1
gcc "${flags[@]}" -o dlopen/app_plain "$src/dlopen_app.c" -Ldlopen -l:libloader.so.1
