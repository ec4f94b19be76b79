#!/bin/bash
# Builds the cross-architecture fixtures: for the host and every Debian cross
# compiler, OUTDIR/<arch>/ gets
#   libgreet.so.1     SONAME, version script (GREET_1.0, GREET_2.0 <- GREET_1.0)
#   hello             PIE, NEEDED libgreet.so.1 + libc, RUNPATH $ORIGIN
#   hello-rpath       DT_RPATH instead of DT_RUNPATH (--disable-new-dtags)
#   hello-nopie       ET_EXEC (-no-pie)
#   hello-execstack   PT_GNU_STACK with PF_X (-z execstack)
#   hello-static      -static: no interpreter, no dynamic dependencies
#   nosections/       hello and libgreet.so.1 without section headers (sstrip.py)
# and OUTDIR/arches.txt lists "arch qemu sysroot" per line for the tests.
# A missing compiler fails the build, naming the Debian package to install.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

# arch  compiler  Debian package  qemu-user binary  sysroot for qemu -L
arches=(
  "x86_64   gcc                         gcc                         -               /"
  "i686     i686-linux-gnu-gcc          gcc-i686-linux-gnu          qemu-i386       /usr/i686-linux-gnu"
  "aarch64  aarch64-linux-gnu-gcc       gcc-aarch64-linux-gnu       qemu-aarch64    /usr/aarch64-linux-gnu"
  "armhf    arm-linux-gnueabihf-gcc     gcc-arm-linux-gnueabihf     qemu-arm        /usr/arm-linux-gnueabihf"
  "ppc64el  powerpc64le-linux-gnu-gcc   gcc-powerpc64le-linux-gnu   qemu-ppc64le    /usr/powerpc64le-linux-gnu"
  "s390x    s390x-linux-gnu-gcc         gcc-s390x-linux-gnu         qemu-s390x      /usr/s390x-linux-gnu"
  "riscv64  riscv64-linux-gnu-gcc       gcc-riscv64-linux-gnu       qemu-riscv64    /usr/riscv64-linux-gnu"
  "mips64el mips64el-linux-gnuabi64-gcc gcc-mips64el-linux-gnuabi64 qemu-mips64el   /usr/mips64el-linux-gnuabi64"
)

# Checked up front so a missing package is reported before any work.
for line in "${arches[@]}"; do
  read -r arch cc package _ _ <<<"$line"
  if ! command -v "$cc" >/dev/null; then
    echo "testdata/arch/build.sh: $cc not found: install the Debian package $package" >&2
    exit 1
  fi
done
if ! command -v python3 >/dev/null; then
  echo "testdata/arch/build.sh: python3 not found: install the Debian package python3" >&2
  exit 1
fi

# Newer binutils warn about -z execstack; the executable stack is the point.
no_warn_execstack() {
  if "$1" -Wl,--help 2>/dev/null | grep -q -- --no-warn-execstack; then echo -Wl,--no-warn-execstack; fi
}

build_arch() {
  local arch=$1 cc=$2 dir=$out/$1
  rm -rf "$dir"
  mkdir -p "$dir/nosections"
  local cflags=(-O1 -g0 -Wall -Wextra -Werror)
  "$cc" "${cflags[@]}" -fPIC -shared -Wl,-soname,libgreet.so.1 \
    -Wl,--version-script="$here/libgreet.map" -o "$dir/libgreet.so.1" "$here/libgreet.c"
  local lib=("$dir/libgreet.so.1")
  "$cc" "${cflags[@]}" -fPIE -pie -o "$dir/hello" "$here/hello.c" "${lib[@]}" \
    -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN'
  "$cc" "${cflags[@]}" -fPIE -pie -o "$dir/hello-rpath" "$here/hello.c" "${lib[@]}" \
    -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN:/opt/shelf-fixture/lib'
  "$cc" "${cflags[@]}" -fno-pie -no-pie -o "$dir/hello-nopie" "$here/hello.c" "${lib[@]}" \
    -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN'
  "$cc" "${cflags[@]}" -fPIE -pie -o "$dir/hello-execstack" "$here/hello.c" "${lib[@]}" \
    -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN' -Wl,-z,execstack $(no_warn_execstack "$cc")
  "$cc" "${cflags[@]}" -static -o "$dir/hello-static" "$here/hello_static.c"
  python3 "$here/sstrip.py" "$dir/hello" "$dir/nosections/hello"
  python3 "$here/sstrip.py" "$dir/libgreet.so.1" "$dir/nosections/libgreet.so.1"
  chmod +x "$dir/nosections/hello"
}

: >"$out/arches.txt.tmp"
for line in "${arches[@]}"; do
  read -r arch cc _ qemu sysroot <<<"$line"
  build_arch "$arch" "$cc"
  echo "$arch $qemu $sysroot" >>"$out/arches.txt.tmp"
done
mv "$out/arches.txt.tmp" "$out/arches.txt"
