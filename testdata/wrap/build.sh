#!/bin/bash
# Fixtures for the wrapper tests (tests/wrap): printargs reports argv, cwd
# and environment in hex; noop exits at once (start-up benchmark). Static,
# so they also run in a sandbox where only the store is visible.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
command -v gcc >/dev/null || { echo "gcc missing: install the Debian package gcc" >&2; exit 1; }
gcc -static -O2 -Wall -Wextra -o "$out/printargs" "$here/printargs.c"
gcc -static -O2 -Wall -Wextra -o "$out/noop" "$here/noop.c"
