#!/bin/bash
# NAR dump and NAR hash of a large tree: shelf against Nix's own tools.
#   bench/store_nar.sh [PATH/TO/shelf] [TREE]
# shelf defaults to build/release/src/cli/shelf; TREE defaults to a scratch
# copy of /usr/lib/x86_64-linux-gnu (about 1 GiB, 6000 entries, symlinks and
# executables), so every tool reads the same files from the page cache.
# Environment: REPEAT (runs per measurement, median reported; default 5),
# BENCH_DIR (scratch space; default a temporary directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shelf=$(realpath "${1:-$here/../build/release/src/cli/shelf}")
REPEAT=${REPEAT:-5}
require() {
  command -v "$1" >/dev/null || { echo "bench: '$1' not found: install the Debian package '$2'" >&2; exit 2; }
}
require nix-store nix-bin; require nix-hash nix-bin; require nix nix-bin; require cmp diffutils
require hyperfine hyperfine; require python3 python3; [ -x /usr/bin/time ] || require /usr/bin/time time

# median_seconds 'shell command': hyperfine's median over REPEAT runs.
median_seconds() {
  local json
  json=$(mktemp)
  hyperfine --style none --warmup 1 --runs "$REPEAT" --export-json "$json" "$1" >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
  rm -f "$json"
}
# peak_rss_kib 'shell command': GNU time's maximum resident set size.
peak_rss_kib() {
  local out
  out=$(mktemp)
  /usr/bin/time -f '%M' -o "$out" bash -c "$1" >/dev/null
  cat "$out"
  rm -f "$out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b <= 0) b = 0.001; printf "%.2f", a / b }'; }

scratch=${BENCH_DIR:-$(mktemp -d)}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$scratch"' EXIT
tree=${2:-}
if [ -z "$tree" ]; then
  tree=$scratch/tree
  [ -d "$tree" ] || cp -a /usr/lib/x86_64-linux-gnu "$tree"
fi
nix=(nix --extra-experimental-features nix-command)

# The outputs must agree before their speed means anything.
"$shelf" store dump "$tree" | cmp - <(nix-store --dump "$tree") ||
  { echo "bench: shelf store dump differs from nix-store --dump" >&2; exit 1; }
[ "$("$shelf" store hash --sri "$tree")" = "$("${nix[@]}" hash path "$tree")" ] ||
  { echo "bench: shelf store hash differs from nix hash path" >&2; exit 1; }
size=$(nix-store --dump "$tree" | wc -c)
cat "$tree"/* >/dev/null 2>&1 || true  # warm the page cache

echo "tree: $tree ($(awk -v b="$size" 'BEGIN{printf "%.0f MiB NAR", b/1048576}'), $(find "$tree" | wc -l) entries), median of $REPEAT runs"
echo "| case | shelf | other tool | other | ratio (other/shelf) | shelf peak RSS |"
echo "|---|---|---|---|---|---|"
# row CASE SHELF_COMMAND OTHER_TOOL_NAME OTHER_COMMAND
row() {
  local st nt rss
  st=$(median_seconds "$2"); nt=$(median_seconds "$4"); rss=$(peak_rss_kib "$2")
  printf '| %s | %.3f s | %s | %.3f s | %s× | %s MiB |\n' "$1" "$st" "$3" "$nt" "$(ratio "$nt" "$st")" \
    "$(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}')"
}
row "NAR dump to /dev/null" "'$shelf' store dump '$tree' > /dev/null" \
  "nix-store --dump" "nix-store --dump '$tree' > /dev/null"
row "NAR dump through a pipe" "'$shelf' store dump '$tree' | cat > /dev/null" \
  "nix-store --dump" "nix-store --dump '$tree' | cat > /dev/null"
row "NAR hash (SRI)" "'$shelf' store hash --sri '$tree'" \
  "nix hash path" "nix --extra-experimental-features nix-command hash path '$tree'"
row "NAR hash (base-32)" "'$shelf' store hash --base32 '$tree'" \
  "nix-hash --type sha256 --base32" "nix-hash --type sha256 --base32 '$tree'"
