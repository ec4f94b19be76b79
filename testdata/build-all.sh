#!/bin/bash
# Builds every fixture group: testdata/<group>/build.sh OUTDIR/<group>.
# A group that needs a missing compiler fails the build, naming the package.
set -euo pipefail
out=${1:?usage: build-all.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for script in "$here"/*/build.sh; do
  [ -e "$script" ] || continue
  group=$(basename "$(dirname "$script")")
  mkdir -p "$out/$group"
  "$script" "$out/$group"
done
