#!/bin/bash
# Builds the example recipes' sources from the C files in src/ (nothing is
# downloaded) and writes the recipes, with the sources' sha256, into OUTDIR:
#   OUTDIR/sources/hello-vendor-1.0.tar.gz  an x86_64 vendor tarball: bin/hello
#       with the FHS loader and no RUNPATH, its library in lib/
#   OUTDIR/sources/game-demo-1.0.run        a makeself installer of an i386 game:
#       bundled engine library, a too old bundled libgcc_s.so.1 (no GCC_3.3),
#       an RPATH naming the build machine's directory, data read from the cwd
#   OUTDIR/{glibc,glibc-i686,hello-vendor,game-demo}.toml
# The glibc recipes take the host's loader and libc (and the i686 cross
# toolchain's, with its libgcc_s) as sources; their sha256 are computed here,
# which is why the recipes are generated from the *.toml.in templates.
#   recipes/examples/build-sources.sh OUTDIR && shelf build OUTDIR/game-demo.toml
set -euo pipefail
out=${1:?usage: build-sources.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
need() { command -v "$1" >/dev/null || { echo "build-sources.sh: $1 missing (Debian package $2)" >&2; exit 1; }; }
need gcc gcc
need i686-linux-gnu-gcc gcc-i686-linux-gnu
need makeself makeself
mkdir -p "$out/sources" "$out/build"
out=$(cd "$out" && pwd)
b=$out/build
rm -rf "$b/hello-1.0" "$b/game"

# The vendor tarball: a program and its library, built for the FHS.
mkdir -p "$b/hello-1.0/bin" "$b/hello-1.0/lib"
gcc -O2 -shared -fPIC -Wl,-soname,libvendor.so.1 -o "$b/hello-1.0/lib/libvendor.so.1" "$here/src/libvendor.c"
ln -sf libvendor.so.1 "$b/hello-1.0/lib/libvendor.so"
gcc -O2 -o "$b/hello-1.0/bin/hello" "$here/src/hello.c" -L"$b/hello-1.0/lib" -lvendor
# Reproducible archives: fixed order, times and owners (and xz for the
# installer: makeself gzips with the current time in the header).
repro_tar=(--sort=name --mtime=@1 --owner=0 --group=0 --numeric-owner)
tar "${repro_tar[@]}" -C "$b" -cf - hello-1.0 | gzip -n -9 > "$out/sources/hello-vendor-1.0.tar.gz"

# The game installer's payload.
mkdir -p "$b/game/bin" "$b/game/lib" "$b/game/data"
i686-linux-gnu-gcc -O2 -shared -fPIC -Wl,-soname,libgamecore.so -o "$b/game/lib/libgamecore.so" "$here/src/libgamecore.c"
# Linked on the "build machine" with an RPATH into its own directory.
i686-linux-gnu-gcc -O2 -o "$b/game/bin/game" "$here/src/game.c" -L"$b/game/lib" -lgamecore \
  -Wl,--push-state,--as-needed -lgcc_s -Wl,--pop-state -Wl,--disable-new-dtags,-rpath,/home/builder/game-demo/lib
# The old libgcc_s is added after linking: the linker must see the real one.
i686-linux-gnu-gcc -O2 -shared -fPIC -nostdlib -Wl,-soname,libgcc_s.so.1 \
  -Wl,--version-script="$here/src/old_libgcc_s.map" -o "$b/game/lib/libgcc_s.so.1" "$here/src/old_libgcc_s.c"
echo "The Cave of Offsets" > "$b/game/data/level1.txt"
rm -f "$out/sources/game-demo-1.0.run"
# Relative paths: makeself records its command line in the installer.
(cd "$out" && makeself --quiet --nox11 --xz --packaging-date "Thu Jan  1 00:00:01 UTC 1970" \
  --tar-extra "${repro_tar[*]}" build/game sources/game-demo-1.0.run "Game Demo 1.0" ./bin/game >/dev/null)

sha() { sha256sum "$1" | cut -d' ' -f1; }
sed -e "s|@LD_SO_SHA256@|$(sha /lib64/ld-linux-x86-64.so.2)|" \
    -e "s|@LIBC_SHA256@|$(sha /lib/x86_64-linux-gnu/libc.so.6)|" \
    "$here/glibc.toml.in" > "$out/glibc.toml"
cross=/usr/i686-linux-gnu/lib
sed -e "s|@LD_SO_SHA256@|$(sha $cross/ld-linux.so.2)|" \
    -e "s|@LIBC_SHA256@|$(sha $cross/libc.so.6)|" \
    -e "s|@LIBGCC_S_SHA256@|$(sha $cross/libgcc_s.so.1)|" \
    "$here/glibc-i686.toml.in" > "$out/glibc-i686.toml"
sed -e "s|@SHA256@|$(sha "$out/sources/hello-vendor-1.0.tar.gz")|" "$here/hello-vendor.toml.in" > "$out/hello-vendor.toml"
sed -e "s|@SHA256@|$(sha "$out/sources/game-demo-1.0.run")|" "$here/game-demo.toml.in" > "$out/game-demo.toml"
