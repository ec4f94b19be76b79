#!/bin/bash
# Start-up overhead of wrappers over a direct exec of the same program:
# shelf's shell wrapper (dash), shelf's compiled wrapper, and a
# makeWrapper-style bash script doing the same work. One hyperfine run;
# prints mean times and each wrapper's overhead in milliseconds.
#
#   bench/wrap_overhead.sh SHELF [RUNS]
# SHELF is the shelf executable (its shelf-launcher must be beside it).
set -euo pipefail
shelf=$(realpath "${1:?usage: wrap_overhead.sh SHELF [RUNS]}")
runs=${2:-500}
here=$(cd "$(dirname "$0")/.." && pwd)
for tool in hyperfine gcc python3 bash dash; do
  command -v "$tool" >/dev/null || { echo "wrap_overhead.sh: $tool missing (Debian package: $tool)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The wrapped program: does nothing, statically linked, so only start-up counts.
gcc -O2 -static -o "$work/noop" "$here/testdata/wrap/noop.c"

flags=(--set BENCH_A "value a" --set-default BENCH_B b --prefix BENCH_PATH : /opt/x/bin:/opt/y/bin
       --suffix BENCH_LIBS : /opt/x/lib --add-flags "--one --two" --append-flag last)
"$shelf" wrap "$work/noop" "$work/shell-wrapper" "${flags[@]}"
"$shelf" wrap --binary "$work/noop" "$work/binary-wrapper" "${flags[@]}"
# What makeWrapper writes for the same flags: a bash script.
cat > "$work/makewrapper-style" <<SH
#!/bin/bash -e
export BENCH_A='value a'
export BENCH_B=\${BENCH_B-'b'}
BENCH_PATH=\${BENCH_PATH:+':'\$BENCH_PATH':'}
BENCH_PATH=\${BENCH_PATH/':/opt/y/bin:'/':'}
BENCH_PATH='/opt/y/bin'\$BENCH_PATH
BENCH_PATH=\${BENCH_PATH#':'}
BENCH_PATH=\${BENCH_PATH%':'}
export BENCH_PATH
BENCH_PATH=\${BENCH_PATH:+':'\$BENCH_PATH':'}
BENCH_PATH=\${BENCH_PATH/':/opt/x/bin:'/':'}
BENCH_PATH='/opt/x/bin'\$BENCH_PATH
BENCH_PATH=\${BENCH_PATH#':'}
BENCH_PATH=\${BENCH_PATH%':'}
export BENCH_PATH
BENCH_LIBS=\${BENCH_LIBS:+':'\$BENCH_LIBS':'}
if [[ \$BENCH_LIBS != *':/opt/x/lib:'* ]]; then
    BENCH_LIBS=\$BENCH_LIBS'/opt/x/lib'
fi
BENCH_LIBS=\${BENCH_LIBS#':'}
BENCH_LIBS=\${BENCH_LIBS%':'}
export BENCH_LIBS
exec "$work/noop" --one --two "\$@" 'last'
SH
chmod +x "$work/makewrapper-style"

hyperfine -N --warmup 50 --runs "$runs" --export-json "$work/result.json" \
  -n direct "$work/noop" \
  -n shell-wrapper "$work/shell-wrapper" \
  -n binary-wrapper "$work/binary-wrapper" \
  -n makewrapper-bash "$work/makewrapper-style" >/dev/null 2>"$work/hyperfine.err" ||
  { cat "$work/hyperfine.err" >&2; exit 1; }

python3 - "$work/result.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
direct = results["direct"]
# Medians as well as means: on a busy machine a few slow runs move the mean.
print(f"{'program':<18} {'mean ms':>8} {'median ms':>10} {'overhead (mean)':>16} {'overhead (median)':>18}")
for name in ("direct", "binary-wrapper", "shell-wrapper", "makewrapper-bash"):
    r = results[name]
    print(f"{name:<18} {r['mean']*1e3:8.3f} {r['median']*1e3:10.3f} "
          f"{(r['mean']-direct['mean'])*1e3:16.3f} {(r['median']-direct['median'])*1e3:18.3f}")
over = (results["binary-wrapper"]["median"] - direct["median"]) * 1e3
print(f"compiled wrapper overhead (median) {over:.3f} ms, target <= 1 ms: {'ok' if over <= 1.0 else 'MISSED'}")
PY
