#!/bin/bash
# Fixtures for --rename-dynamic-symbols (tests/patch/rename_test.cc runs this
# into a scratch directory). For each architecture and hash style,
# OUTDIR/<arch>-<style>/ gets
#   libren.so.1        the real library: old_fn (REN_2.0), old_counter, f0..f29,
#                      bump, lib_report (REN_1.0), built with --hash-style=<style>
#   stub/libren.so.1   the stand-in defining new_fn and new_counter instead
#   prog-old           PIE using old_fn/old_counter, linked against the real library
#   prog-new           PIE using new_fn/new_counter, linked against the stub
# Both programs have RUNPATH $ORIGIN. OUTDIR/variants.txt lists
# "variant qemu sysroot" per line ("-" for the host: no qemu).
# OUTDIR/mips64el/ gets the same four files (MIPS's default DT_HASH only) and
# libren-xhash.so.1 (--hash-style=gnu: DT_MIPS_XHASH, which is refused).
# A missing compiler fails the build, naming the Debian package to install.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)

# arch  compiler  Debian package  qemu-user binary  sysroot  hash styles
arches=(
  "x86_64  gcc                      gcc                      -            /                         gnu,both,sysv"
  "i686    i686-linux-gnu-gcc       gcc-i686-linux-gnu       qemu-i386    /usr/i686-linux-gnu       both"
  "aarch64 aarch64-linux-gnu-gcc    gcc-aarch64-linux-gnu    qemu-aarch64 /usr/aarch64-linux-gnu    both"
  "armhf   arm-linux-gnueabihf-gcc  gcc-arm-linux-gnueabihf  qemu-arm     /usr/arm-linux-gnueabihf  both"
  "s390x   s390x-linux-gnu-gcc      gcc-s390x-linux-gnu      qemu-s390x   /usr/s390x-linux-gnu      both"
)
mips_cc=mips64el-linux-gnuabi64-gcc
for line in "${arches[@]}" "mips64el $mips_cc gcc-mips64el-linux-gnuabi64"; do
  read -r _ cc package _ _ _ <<<"$line"
  if ! command -v "$cc" >/dev/null; then
    echo "testdata/patch/rename/build.sh: $cc not found: install the Debian package $package" >&2
    exit 1
  fi
done

mkdir -p "$out"
: >"$out/variants.txt"
cflags=(-O1 -g0 -Wall -Wextra -Werror)
for line in "${arches[@]}"; do
  read -r arch cc _ qemu sysroot styles <<<"$line"
  for style in ${styles//,/ }; do
    dir=$out/$arch-$style
    rm -rf "$dir"
    mkdir -p "$dir/stub"
    lib=(-fPIC -shared -Wl,-soname,libren.so.1 -Wl,--version-script="$here/libren.map" -Wl,--hash-style="$style")
    "$cc" "${cflags[@]}" "${lib[@]}" -o "$dir/libren.so.1" "$here/libren.c"
    "$cc" "${cflags[@]}" "${lib[@]}" -o "$dir/stub/libren.so.1" "$here/stub.c"
    prog=(-fPIE -pie -Wl,--hash-style="$style" -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN' "$here/main.c")
    "$cc" "${cflags[@]}" "${prog[@]}" -DFN=old_fn -DCOUNTER=old_counter -o "$dir/prog-old" "$dir/libren.so.1"
    "$cc" "${cflags[@]}" "${prog[@]}" -DFN=new_fn -DCOUNTER=new_counter -o "$dir/prog-new" "$dir/stub/libren.so.1"
    echo "$arch-$style $qemu $sysroot" >>"$out/variants.txt"
  done
done

# MIPS: not in variants.txt (eu-elflint does not know MIPS's tags).
dir=$out/mips64el
rm -rf "$dir"
mkdir -p "$dir/stub"
lib=(-fPIC -shared -Wl,-soname,libren.so.1 -Wl,--version-script="$here/libren.map")
"$mips_cc" "${cflags[@]}" "${lib[@]}" -o "$dir/libren.so.1" "$here/libren.c"
"$mips_cc" "${cflags[@]}" "${lib[@]}" -Wl,--hash-style=gnu -o "$dir/libren-xhash.so.1" "$here/libren.c"
"$mips_cc" "${cflags[@]}" "${lib[@]}" -o "$dir/stub/libren.so.1" "$here/stub.c"
prog=(-fPIE -pie -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN' "$here/main.c")
"$mips_cc" "${cflags[@]}" "${prog[@]}" -DFN=old_fn -DCOUNTER=old_counter -o "$dir/prog-old" "$dir/libren.so.1"
"$mips_cc" "${cflags[@]}" "${prog[@]}" -DFN=new_fn -DCOUNTER=new_counter -o "$dir/prog-new" "$dir/stub/libren.so.1"
