#!/bin/bash
# Fixtures for the resolver: small programs and libraries whose search paths
# exercise one loader rule each. Usage: build.sh OUTDIR
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
src=$(cd "$(dirname "$0")" && pwd)
command -v gcc >/dev/null || { echo "resolve fixtures need gcc (Debian package gcc)" >&2; exit 1; }
command -v i686-linux-gnu-gcc >/dev/null ||
  { echo "resolve fixtures need i686-linux-gnu-gcc (Debian package gcc-i686-linux-gnu)" >&2; exit 1; }
command -v aarch64-linux-gnu-gcc >/dev/null ||
  { echo "resolve fixtures need aarch64-linux-gnu-gcc (Debian package gcc-aarch64-linux-gnu)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
cd "$out"
CC="gcc -O1"
CC32="i686-linux-gnu-gcc -O1"
RPATH="-Wl,--disable-new-dtags,-rpath"   # DT_RPATH
RUNPATH="-Wl,--enable-new-dtags,-rpath"  # DT_RUNPATH
lib() { # lib CC OUT SONAME ARGS...: a shared library
  local cc=$1 o=$2 soname=$3; shift 3
  $cc -shared -fPIC -Wl,-soname,"$soname" -o "$o" "$@"
}

# RPATH is inherited by the libraries a program loads, RUNPATH is not:
# libmid needs libleaf and has no search path; only the program says where
# libleaf is.
mkdir -p chain/leaf chain/mid links
lib "$CC" chain/leaf/libleaf.so libleaf.so "$src/lib.c" -DFUNC=leaf -DVALUE=42
lib "$CC" chain/mid/libmid.so libmid.so "$src/mid.c" -Lchain/leaf -lleaf
$CC -o chain/prog_rpath "$src/call.c" -DFUNC=mid -Lchain/mid -lmid \
  -Wl,-rpath-link,chain/leaf "$RPATH,\$ORIGIN/mid:\$ORIGIN/leaf"
$CC -o chain/prog_runpath "$src/call.c" -DFUNC=mid -Lchain/mid -lmid \
  -Wl,-rpath-link,chain/leaf "$RUNPATH,\$ORIGIN/mid:\$ORIGIN/leaf"
# Started through a symlink elsewhere, $ORIGIN is still the real directory.
ln -s ../chain/prog_rpath links/prog_rpath

# LD_LIBRARY_PATH comes after RPATH and before RUNPATH.
mkdir -p prec/a prec/b
lib "$CC" prec/a/libprec.so libprec.so "$src/lib.c" -DFUNC=prec -DVALUE=1
lib "$CC" prec/b/libprec.so libprec.so "$src/lib.c" -DFUNC=prec -DVALUE=2
$CC -o prec/prog_rpath "$src/call.c" -DFUNC=prec -Lprec/a -lprec "$RPATH,\$ORIGIN/a"
$CC -o prec/prog_runpath "$src/call.c" -DFUNC=prec -Lprec/a -lprec "$RUNPATH,\$ORIGIN/a"

# A library of the wrong class earlier in the search path is passed over.
mkdir -p wrongclass/lib32 wrongclass/lib64
lib "$CC32" wrongclass/lib32/libwc.so libwc.so "$src/lib.c" -DFUNC=wc -DVALUE=32
lib "$CC" wrongclass/lib64/libwc.so libwc.so "$src/lib.c" -DFUNC=wc -DVALUE=64
$CC -o wrongclass/prog64 "$src/call.c" -DFUNC=wc -Lwrongclass/lib64 -lwc \
  "$RUNPATH,\$ORIGIN/lib32:\$ORIGIN/lib64"
$CC32 -o wrongclass/prog32 "$src/call.c" -DFUNC=wc -Lwrongclass/lib32 -lwc \
  "$RUNPATH,\$ORIGIN/lib64:\$ORIGIN/lib32"

# A library for another machine is passed over too; one with a foreign OS
# ABI stops the loader ("ELF file OS ABI invalid").
mkdir -p abi/machine abi/osabi abi/good
lib "aarch64-linux-gnu-gcc -O1" abi/machine/libwc.so libwc.so "$src/lib.c" -DFUNC=wc -DVALUE=99
cp wrongclass/lib64/libwc.so abi/good/libwc.so
cp wrongclass/lib64/libwc.so abi/osabi/libwc.so
printf '\011' | dd of=abi/osabi/libwc.so bs=1 seek=7 conv=notrunc status=none  # ELFOSABI_FREEBSD
$CC -o abi/prog_machine "$src/call.c" -DFUNC=wc -Labi/good -lwc "$RUNPATH,\$ORIGIN/machine:\$ORIGIN/good"
$CC -o abi/prog_osabi "$src/call.c" -DFUNC=wc -Labi/good -lwc "$RUNPATH,\$ORIGIN/osabi:\$ORIGIN/good"

# A library that is nowhere: linked against a stub that is then removed.
mkdir -p missing
lib "$CC" missing/libgone.so libgone.so "$src/lib.c" -DFUNC=gone
$CC -o missing/prog "$src/call.c" -DFUNC=gone -Lmissing -lgone
rm missing/libgone.so

# A symbol version the library found does not define: the consumer was
# linked against a libgccx_s with GCCX_3.4, its RUNPATH finds an older one
# that defines GCCX_3.0 only.
mkdir -p versions/old versions/new
lib "$CC" versions/old/libgccx_s.so.1 libgccx_s.so.1 "$src/gccx.c" \
  -Wl,--version-script,"$src/gccx-old.map"
lib "$CC" versions/new/libgccx_s.so.1 libgccx_s.so.1 "$src/gccx.c" -DNEW \
  -Wl,--version-script,"$src/gccx-new.map"
lib "$CC" versions/libconsumer.so.1 libconsumer.so.1 "$src/consumer.c" \
  -Lversions/new -l:libgccx_s.so.1 "$RUNPATH,\$ORIGIN/old"
$CC -o versions/prog "$src/call.c" -DFUNC=consume -Lversions -l:libconsumer.so.1 \
  -Wl,-rpath-link,versions/new "$RUNPATH,\$ORIGIN"

# Two libraries that need each other.
mkdir -p cycle
lib "$CC" cycle/libcycb.so libcycb.so "$src/cycle.c"
lib "$CC" cycle/libcyca.so libcyca.so "$src/cycle.c" -DSIDE_A -Lcycle -lcycb "$RUNPATH,\$ORIGIN"
lib "$CC" cycle/libcycb.so libcycb.so "$src/cycle.c" -Lcycle -lcyca "$RUNPATH,\$ORIGIN"
$CC -o cycle/prog "$src/call.c" -DFUNC=cyc_a_calls_b -Lcycle -lcyca "$RUNPATH,\$ORIGIN"

# $LIB and $PLATFORM, expanded as this system's loader expands them (and the
# ${...} spelling of tokens).
mkdir -p tokens/lib/x86_64-linux-gnu/x86_64
lib "$CC" tokens/lib/x86_64-linux-gnu/x86_64/libtok.so libtok.so "$src/lib.c" -DFUNC=tok -DVALUE=7
$CC -o tokens/prog "$src/call.c" -DFUNC=tok -Ltokens/lib/x86_64-linux-gnu/x86_64 -ltok \
  "$RUNPATH,\${ORIGIN}/\$LIB/\${PLATFORM}"

# DF_1_NODEFLIB: neither ld.so.cache nor the default directories.
mkdir -p nodeflib
$CC -o nodeflib/prog "$src/hello.c" -Wl,-z,nodefaultlib

# Search path hygiene: a build directory in /tmp, a relative entry, an
# executable stack.
mkdir -p hygiene
$CC -o hygiene/prog "$src/hello.c" -Wl,-z,execstack \
  "$RPATH,/tmp/shelf-resolve-build-dir/lib:build/lib:\$ORIGIN"

# Plain programs of both classes: resolved through ld.so.cache.
mkdir -p plain
$CC -o plain/hello64 "$src/hello.c"
$CC32 -o plain/hello32 "$src/hello.c"
# ... and for other machines, audited against the cross toolchains' roots.
for t in aarch64-linux-gnu arm-linux-gnueabihf s390x-linux-gnu riscv64-linux-gnu \
         mips64el-linux-gnuabi64; do
  command -v "$t-gcc" >/dev/null ||
    { echo "resolve fixtures need $t-gcc (Debian package gcc-$t)" >&2; exit 1; }
  "$t-gcc" -O1 -o "plain/hello-$t" "$src/hello.c"
done
