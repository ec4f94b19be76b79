#!/bin/bash
# Growing edits on large files: shelf patch against patchelf, in one run.
# For each input: median time, peak RSS, file growth, and bytes written by
# the process (summed from strace), for a --set-rpath that does not fit in
# place (and --set-interpreter on an executable); then an in-place edit
# (a shorter RUNPATH) to show how much an edit that fits writes.
#   bench/patch_grow.sh SHELF SCRATCH LIB...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shelf=$1 scratch=$2; shift 2
source "$here/lib.sh"
require strace strace

long_rpath=/shelf-bench/$(printf 'x%.0s' $(seq 200))/lib
# bytes_written CMD...: total bytes the process wrote (write/pwrite family).
bytes_written() {
  strace -f -qq -e trace=write,pwrite64,writev,pwritev,copy_file_range -e signal=none \
    -o "$scratch/strace.out" "$@" >/dev/null 2>&1 || true
  awk -F' = ' '/= [0-9]+$/ {s += $NF} END {print s + 0}' "$scratch/strace.out"
}

echo "| input | edit | tool | time | peak RSS | growth | bytes written |"
echo "|---|---|---|---|---|---|---|"
edit_row() {  # label edit-name tool file-before args...
  local label=$1 edit=$2 tool=$3 src=$4; shift 4
  local copy="$scratch/edit.copy" t rss growth written
  cp "$src" "$copy"
  read -r t rss < <(REPEAT=${REPEAT_PATCH:-3} measure bash -c 'cp "$1" "$2" && shift 2 && "$@"' _ "$src" "$copy" "$@" "$copy")
  local rc=0
  cp "$src" "$copy"; "$@" "$copy" >/dev/null 2>"$scratch/edit.err" || rc=$?
  if [ "$rc" != 0 ]; then
    printf '| %s | %s | %s | refused (exit %s): %s | | | |\n' "$label" "$edit" "$tool" "$rc" \
      "$(head -c 160 "$scratch/edit.err" | tr '\n|' ' /')"
    return 0
  fi
  growth=$(( $(stat -c %s "$copy") - $(stat -c %s "$src") ))
  cp "$src" "$copy"; written=$(bytes_written "$@" "$copy")
  printf '| %s | %s | %s | %.3f s | %.1f MiB | %d B | %s |\n' "$label" "$edit" "$tool" "$t" \
    "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$growth" "$written"
}

for lib in "$@"; do
  label="$(basename "$lib") ($(( $(stat -c %s "$lib") / 1048576 )) MB)"
  edit_row "$label" "grow --set-rpath" shelf "$lib" "$shelf" patch --set-rpath "$long_rpath"
  edit_row "$label" "grow --set-rpath" patchelf "$lib" patchelf --set-rpath "$long_rpath"
  if readelf -lW "$lib" 2>/dev/null | grep -q INTERP; then
    edit_row "$label" "grow --set-interpreter" shelf "$lib" "$shelf" patch --set-interpreter "$long_rpath/ld.so"
    edit_row "$label" "grow --set-interpreter" patchelf "$lib" patchelf --set-interpreter "$long_rpath/ld.so"
  fi
  # An edit that fits: give the file a long RUNPATH first, then shorten it.
  cp "$lib" "$scratch/fits.src"
  patchelf --set-rpath "$long_rpath" "$scratch/fits.src" || continue
  edit_row "$label (long RUNPATH)" "shorter --set-rpath --in-place" shelf "$scratch/fits.src" "$shelf" patch --in-place --set-rpath /opt/x
  edit_row "$label (long RUNPATH)" "shorter --set-rpath" patchelf "$scratch/fits.src" patchelf --set-rpath /opt/x
done
rm -f "$scratch/edit.copy" "$scratch/fits.src" "$scratch/strace.out"
