#!/bin/bash
# Growing edits on large files: shelf patch against patchelf, in one run.
# For each input and edit: median time of the edit alone (the copy of the
# input is made before each run, outside the timing), peak RSS, file growth,
# bytes the process wrote (write/pwrite family, from strace) and bytes it had
# the kernel copy (copy_file_range). Edits: a --set-rpath that does not fit in
# place, --set-interpreter on executables, and an edit that fits (a shorter
# RUNPATH). shelf runs in both output modes: the default (a checked copy
# renamed over the file) and --in-place (the inode kept, as patchelf does).
# Summary rows per edit give shelf (both modes) against patchelf: the
# speed-up, the share of patchelf's peak memory and both growths.
# With SHELF_PATCHELF set to shelf's `patchelf` front end built as a program
# of its own (linked with the patcher only), it is measured too, with
# --in-place, and gets its own summary row: the full shelf binary also maps
# libcrypto and SQLite before main (libarchive and libcurl only on first
# use), about 2.5 MiB of RSS more.
#   bench/patch_grow.sh SHELF SCRATCH FILE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shelf=$1 scratch=$2; shift 2
source "$here/lib.sh"
require strace strace; require hyperfine hyperfine; require patchelf patchelf

long_rpath=/shelf-bench/$(printf 'x%.0s' $(seq 200))/lib
copy="$scratch/edit.copy"

# median_time SRC CMD...: median seconds of CMD on a fresh copy of SRC ($copy).
median_time() {
  local src=$1 json; shift
  json=$(mktemp)
  hyperfine --style none --runs "${REPEAT_PATCH:-3}" --prepare "cp '$src' '$copy' && sync" \
    --export-json "$json" "$(printf '%q ' "$@")" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
  rm -f "$json"
}

# written SYSCALLS CMD...: bytes returned by those system calls, summed.
written() {
  local calls=$1; shift
  strace -f -qq -e trace="$calls" -e signal=none -o "$scratch/strace.out" "$@" >/dev/null 2>&1 || true
  awk -F' = ' '/= [0-9]+$/ {s += $NF} END {print s + 0}' "$scratch/strace.out"
}

echo "| input | edit | tool | time | peak RSS | growth | bytes written | copied in kernel |"
echo "|---|---|---|---|---|---|---|---|"
declare -A T R G  # per tool of the current edit: time, RSS KiB, growth

# edit_row LABEL EDIT TOOL SRC CMD...: one measured row; CMD gets the file last.
edit_row() {
  local label=$1 edit=$2 tool=$3 src=$4; shift 4
  local rc=0 t rss growth out cfr
  cp "$src" "$copy"; sync
  "$@" "$copy" >/dev/null 2>"$scratch/edit.err" || rc=$?
  if [ "$rc" != 0 ]; then
    printf '| %s | %s | %s | refused (exit %s): %s | | | | |\n' "$label" "$edit" "$tool" "$rc" \
      "$(head -c 160 "$scratch/edit.err" | tr '\n|' ' /')"
    return 0
  fi
  growth=$(( $(stat -c %s "$copy") - $(stat -c %s "$src") ))
  t=$(median_time "$src" "$@" "$copy")
  cp "$src" "$copy"; sync
  /usr/bin/time -o "$scratch/time.out" -f '%M' "$@" "$copy" >/dev/null 2>&1
  rss=$(tail -1 "$scratch/time.out")
  cp "$src" "$copy"; sync; out=$(written write,pwrite64,writev,pwritev "$@" "$copy")
  cp "$src" "$copy"; sync; cfr=$(written copy_file_range "$@" "$copy")
  T[$tool]=$t R[$tool]=$rss G[$tool]=$growth
  printf '| %s | %s | %s | %.4f s | %.1f MiB | %d B | %s B | %s B |\n' "$label" "$edit" "$tool" "$t" \
    "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$growth" "$out" "$cfr"
}

summary() {  # LABEL EDIT [TOOL]: TOOL (default shelf --in-place) against patchelf
  local a=${3:-shelf-in-place} b=patchelf
  [ -n "${T[$a]:-}" ] && [ -n "${T[$b]:-}" ] || return 0
  printf '| %s | %s | **%s vs patchelf** | **%s× faster** | **%s %% of its RSS** | **%d B vs %d B** | | |\n' \
    "$1" "$2" "$a" "$(ratio "${T[$b]}" "${T[$a]}")" \
    "$(awk -v a="${R[$a]}" -v b="${R[$b]}" 'BEGIN{printf "%.1f", 100 * a / b}')" "${G[$a]}" "${G[$b]}"
}

edit_group() {  # LABEL EDIT SRC SHELF-ARGS... -- PATCHELF-ARGS...
  local label=$1 edit=$2 src=$3; shift 3
  local -a ours=() theirs=()
  while [ "$1" != -- ]; do ours+=("$1"); shift; done
  shift; theirs=("$@")
  T=() R=() G=()
  edit_row "$label" "$edit" shelf "$src" "$shelf" patch "${ours[@]}"
  edit_row "$label" "$edit" shelf-in-place "$src" "$shelf" patch --in-place "${ours[@]}"
  if [ -n "${SHELF_PATCHELF:-}" ]; then
    edit_row "$label" "$edit" front-in-place "$src" "$SHELF_PATCHELF" --in-place "${theirs[@]}"
  fi
  edit_row "$label" "$edit" patchelf "$src" patchelf "${theirs[@]}"
  summary "$label" "$edit" shelf
  summary "$label" "$edit"
  summary "$label" "$edit" front-in-place
}

for file in "$@"; do
  label="$(basename "$file") ($(( $(stat -c %s "$file") / 1048576 )) MB)"
  edit_group "$label" "grow --set-rpath" "$file" --set-rpath "$long_rpath" -- --set-rpath "$long_rpath"
  if readelf -lW "$file" 2>/dev/null | grep -q INTERP; then
    edit_group "$label" "grow --set-interpreter" "$file" --set-interpreter "$long_rpath/ld.so" -- \
      --set-interpreter "$long_rpath/ld.so"
  fi
  # An edit that fits: give the file a long RUNPATH first, then shorten it.
  cp "$file" "$scratch/fits.src"
  "$shelf" patch --set-rpath "$long_rpath" "$scratch/fits.src" || continue
  edit_group "$label, long RUNPATH" "shorter --set-rpath" "$scratch/fits.src" --set-rpath /opt/x -- --set-rpath /opt/x
done
rm -f "$copy" "$scratch/fits.src" "$scratch/strace.out" "$scratch/time.out" "$scratch/edit.err"
