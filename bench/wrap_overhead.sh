#!/bin/bash
# Start-up cost of wrappers against a direct exec of the same program:
# shelf's compiled wrapper, shelf's shell wrapper (dash), and a
# makeWrapper-style bash script doing the same work, side by side in one
# run.
#
# Paired runs: each round starts the direct program and every wrapper once,
# back to back (in an order that rotates from round to round), so all of a
# round's runs see the same machine load. A wrapper's ratio is the median
# over rounds of (its time / the direct run's time in the same round). On a
# busy machine that ratio is steadier than a ratio of two separate means.
# hyperfine then times the same programs the usual way, as a cross-check.
# Two reference rows: "exec-only", a program that does nothing but execve
# the no-op (what any wrapper that execs costs at least), and the compiled
# wrapper around a dynamically linked no-op.
#
#   bench/wrap_overhead.sh SHELF [ROUNDS]
# SHELF is the shelf executable; the launcher is $SHELF_LAUNCHER, else the
# shelf-launcher beside it (as `shelf wrap --binary` finds it).
set -euo pipefail
shelf=$(realpath "${1:?usage: wrap_overhead.sh SHELF [ROUNDS]}")
launcher=${SHELF_LAUNCHER:-$(dirname "$shelf")/shelf-launcher}
rounds=${2:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
for tool in hyperfine gcc python3 bash dash; do
  command -v "$tool" >/dev/null || { echo "wrap_overhead.sh: $tool missing (Debian package: $tool)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The wrapped program: does nothing, statically linked, so only start-up
# counts. A dynamically linked copy too, as most wrapped programs are.
gcc -O2 -static -o "$work/noop" "$here/testdata/wrap/noop.c"
gcc -O2 -o "$work/noop-dynamic" "$here/testdata/wrap/noop.c"
# The floor for any wrapper that execs: a libc-free program (the launcher's
# own system call glue) that only execve()s the no-op with its arguments.
cat > "$work/exec-only.c" <<'C'
#include "arch.h"
__asm__(ARCH_START_ASM);
__attribute__((noreturn, used)) void launcher_start(long* sp);
void launcher_start(long* sp) {
  char** argv = (char**)(sp + 1);
  argv[0] = (char*)TARGET;
  arch_syscall(__NR_execve, (long)TARGET, (long)argv, (long)(argv + sp[0] + 1), 0, 0, 0);
  for (;;) arch_syscall(__NR_exit_group, 127, 0, 0, 0, 0, 0);
}
C
gcc -O2 -ffreestanding -fno-stack-protector -fno-pie -nostdlib -static -no-pie -Wl,-z,noseparate-code -s \
  -I "$here/src/wrap/launcher" -DTARGET="\"$work/noop\"" -o "$work/exec-only" "$work/exec-only.c"

flags=(--set BENCH_A "value a" --set-default BENCH_B b --prefix BENCH_PATH : /opt/x/bin:/opt/y/bin
       --suffix BENCH_LIBS : /opt/x/lib --add-flags "--one --two" --append-flag last)
"$shelf" wrap "$work/noop" "$work/shell-wrapper" "${flags[@]}"
"$shelf" wrap --binary "$work/noop" "$work/binary-wrapper" "${flags[@]}"
"$shelf" wrap --binary "$work/noop-dynamic" "$work/binary-wrapper-dynamic" "${flags[@]}"
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

# The paired timer: posix_spawn (as hyperfine -N starts programs), output
# to /dev/null, wall time from spawn to reaped exit. One line per round:
# the nanoseconds of each program, in the order given.
cat > "$work/paired.c" <<'C'
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
extern char** environ;
static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}
int main(int argc, char** argv) {
  int rounds = atoi(argv[1]), warmup = atoi(argv[2]), k = argc - 3;
  long long* ns = calloc((size_t)k, sizeof *ns);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  for (int r = -warmup; r < rounds; ++r) {
    for (int j = 0; j < k; ++j) {
      int c = (j + (r < 0 ? 0 : r)) % k; /* rotate who goes first */
      char* args[] = {argv[3 + c], NULL};
      long long t0 = now();
      pid_t pid;
      int status;
      if (posix_spawn(&pid, args[0], &fa, NULL, args, environ) != 0 || waitpid(pid, &status, 0) != pid ||
          !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "paired: %s failed\n", args[0]);
        return 1;
      }
      ns[c] = now() - t0;
    }
    if (r >= 0)
      for (int c = 0; c < k; ++c) printf("%lld%c", ns[c], c + 1 < k ? ' ' : '\n');
  }
  return 0;
}
C
gcc -O2 -o "$work/paired" "$work/paired.c"
# name, program, the row it is compared with (0: the static no-op).
names=(direct exec-only binary-wrapper shell-wrapper makewrapper-bash direct-dynamic binary-wrapper-dynamic)
programs=("$work/noop" "$work/exec-only" "$work/binary-wrapper" "$work/shell-wrapper" "$work/makewrapper-style"
          "$work/noop-dynamic" "$work/binary-wrapper-dynamic")
bases=(0 0 0 0 0 5 5)
"$work/paired" "$rounds" 50 "${programs[@]}" > "$work/paired.txt"

hyperfine_args=()
for i in "${!names[@]}"; do hyperfine_args+=(-n "${names[$i]}" "${programs[$i]}"); done
hyperfine -N --warmup 50 --runs "$rounds" --export-json "$work/result.json" "${hyperfine_args[@]}" \
  >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }

python3 - "$work/paired.txt" "$work/result.json" "$(stat -c %s "$launcher")" "${bases[*]}" "${names[@]}" <<'PY'
import json, statistics as st, sys
paired, hyper, launcher_size, bases, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
bases = list(map(int, bases.split()))
rows = [list(map(int, line.split())) for line in open(paired)]
hf = [{r["command"]: r for r in json.load(open(hyper))["results"]}[n]["median"] for n in names]
print(f"{len(rows)} paired rounds; shelf-launcher {launcher_size} bytes")
print(f"{'program':<23} {'median ms':>9} {'ratio':>6} {'overhead ms':>11}   {'hyperfine median ms':>19} {'ratio':>6}")
def ratio(i):
    return st.median(r[i] / r[bases[i]] for r in rows)
for i, name in enumerate(names):
    over = st.median(r[i] - r[bases[i]] for r in rows) / 1e6
    print(f"{name:<23} {st.median(r[i] for r in rows) / 1e6:9.3f} {ratio(i):5.2f}x {over:11.3f}   "
          f"{hf[i] * 1e3:19.3f} {hf[i] / hf[bases[i]]:5.2f}x")
b = names.index("binary-wrapper")
print(f"compiled wrapper: {ratio(b):.2f}x a direct exec (median of paired runs; exec-only floor "
      f"{ratio(names.index('exec-only')):.2f}x), target <= 1.25x: {'ok' if ratio(b) <= 1.25 else 'MISSED'}")
PY
