#!/bin/bash
# Builds the bad-input regression files: valid bases for three class/byte
# order combinations (x86_64 64-bit LE, i686 32-bit LE, s390x 64-bit BE; gen.py
# adds a hand-made 32-bit BE one), then one copy per defect (gen.py).
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../arch
rm -rf "$out"
mkdir -p "$out/base"
for tool in "gcc gcc" "i686-linux-gnu-gcc gcc-i686-linux-gnu" "s390x-linux-gnu-gcc gcc-s390x-linux-gnu" "python3 python3"; do
  read -r cmd package <<<"$tool"
  if ! command -v "$cmd" >/dev/null; then
    echo "testdata/bad/build.sh: $cmd not found: install the Debian package $package" >&2
    exit 1
  fi
done
bases=()
for pair in "x86_64 gcc" "i686 i686-linux-gnu-gcc" "s390x s390x-linux-gnu-gcc"; do
  read -r arch cc <<<"$pair"
  lib=$out/base/lib-$arch.so
  prog=$out/base/prog-$arch
  "$cc" -O1 -fPIC -shared -Wl,-soname,libgreet.so.1 -Wl,--version-script="$src/libgreet.map" \
    -o "$lib" "$src/libgreet.c"
  "$cc" -O1 -fPIE -pie -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN' -o "$prog" "$src/hello.c" "$lib"
  bases+=("$prog" "$lib")
done
python3 "$here/gen.py" "$out" "${bases[@]}"
