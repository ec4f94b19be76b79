# Shared helpers for the benchmark scripts (sourced, not run).
# measure CMD...: prints "<median seconds> <peak RSS KiB>": the median wall time
# of REPEAT runs by hyperfine and the peak resident set size of one run by GNU time.
REPEAT=${REPEAT:-5}

measure() {
  local json stats cmd median rss
  json=$(mktemp); stats=$(mktemp)
  cmd=$(printf '%q ' "$@")
  # -N: no intermediate shell, so even millisecond commands time accurately;
  # hyperfine discards the command's output itself.
  hyperfine -N --style none --warmup 1 --runs "$REPEAT" --export-json "$json" \
    --ignore-failure "$cmd" >/dev/null 2>&1
  median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
  # -o: GNU time writes its figures to a file, apart from the command's output.
  /usr/bin/time -o "$stats" -f '%M' "$@" >/dev/null 2>&1 || true
  rss=$(tail -1 "$stats")
  rm -f "$json" "$stats"
  printf '%s %s\n' "$median" "$rss"
}

# measure_shell 'shell code': like measure, for a loop written in shell.
measure_shell() {
  measure bash -c "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b <= 0) b = 0.0001; printf "%.1f", a / b }'; }

require() {
  command -v "$1" >/dev/null || { echo "bench: '$1' not found: install the Debian package '$2'" >&2; exit 2; }
}
