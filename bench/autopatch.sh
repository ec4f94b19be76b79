#!/bin/bash
# shelf autopatch of a generated vendor tree of 200 ELF files (40 bundled
# libraries in four directories, 160 programs, each needing three bundled
# libraries and one from a dependency) against a shell loop doing what
# nixpkgs' autoPatchelfHook did in shell: per file an ELF check,
# `patchelf --print-needed`, a search of the candidate directories with an
# architecture check (objdump -f, cached per library), then
# `patchelf --set-interpreter` and `patchelf --set-rpath`.
#   bench/autopatch.sh [PATH/TO/shelf]     (default: build/release/src/cli/shelf)
# Both commands start from a fresh copy of the tree (cp -a, included in both
# times: an already patched tree would leave shelf nothing to write).
# Environment: REPEAT (runs per shelf measurement, median reported; default 5),
# LOOP_REPEAT (runs of the slow patchelf loop; default 1),
# BENCH_DIR (scratch space; default a temporary directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shelf=$(realpath "${1:-$here/../build/release/src/cli/shelf}")
source "$here/lib.sh"
require patchelf patchelf; require objdump binutils; require gcc gcc
require hyperfine hyperfine; require python3 python3; [ -x /usr/bin/time ] || require /usr/bin/time time

scratch=${BENCH_DIR:-$(mktemp -d)}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$scratch"' EXIT
src=$scratch/src orig=$scratch/orig store=$scratch/store
rm -rf "$src" "$orig" "$store"
mkdir -p "$src" "$orig/bin" "$store"

# --- the dependencies: a glibc store path (the host's loader and libc) and
# one of ten extra libraries.
glibc=$store/0k2yfvbz3w7kqvcnl1q6dxc6h3r8j1f2-glibc-host
extras=$store/9wq0pdl8b5ad2gzfjv0ms1dbyhxk4n7c-extras-1.0
mkdir -p "$glibc/lib" "$extras/lib"
cp -L /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/libc.so.6 "$glibc/lib/"
interp=$glibc/lib/ld-linux-x86-64.so.2

cat >"$src/lib.c" <<'C'
#ifdef NEXT
int NEXT(void);
#endif
int FUNC(void) {
#ifdef NEXT
  return VALUE + NEXT();
#else
  return VALUE;
#endif
}
C
cat >"$src/main.c" <<'C'
#include <stdio.h>
int A(void); int B(void); int C(void); int X(void);
int main(void) { printf("%d\n", A() + B() + C() + X()); return 0; }
C

# Compiles run two at a time (the machine is shared).
jobs_file=$scratch/jobs
: >"$jobs_file"
for i in $(seq 0 9); do
  echo "gcc -O1 -shared -fPIC -Wl,-soname,libextra$i.so -o $extras/lib/libextra$i.so $src/lib.c -DFUNC=extra$i -DVALUE=$((1000 + i))" >>"$jobs_file"
done
xargs -P 2 -I{} bash -c '{}' <"$jobs_file"
rpath_link=$(for g in 0 1 2 3; do printf -- '-Wl,-rpath-link,%s ' "$orig/lib/g$g"; done)
# Bundled library i lives in lib/g(i%4) and needs library i+1 (chains), so
# they are built one after the other.
for i in $(seq 39 -1 0); do
  dir=$orig/lib/g$((i % 4)); mkdir -p "$dir"
  next=""
  if [ "$i" -lt 39 ]; then
    next="-DNEXT=f$((i + 1)) -L$orig/lib/g$(((i + 1) % 4)) -l:libb$((i + 1)).so.1"
  fi
  gcc -O1 -shared -fPIC -Wl,-soname,libb$i.so.1 -o "$dir/libb$i.so.1" "$src/lib.c" -DFUNC=f$i -DVALUE=$i $next $rpath_link
done
: >"$jobs_file"
for p in $(seq 0 159); do
  a=$((p % 40)) b=$(((p * 7 + 3) % 40)) c=$(((p * 13 + 5) % 40)) x=$((p % 10))
  echo "gcc -O1 -o $orig/bin/prog$p $src/main.c -DA=f$a -DB=f$b -DC=f$c -DX=extra$x" \
    "-L$orig/lib/g$((a % 4)) -l:libb$a.so.1 -L$orig/lib/g$((b % 4)) -l:libb$b.so.1" \
    "-L$orig/lib/g$((c % 4)) -l:libb$c.so.1 -L$extras/lib -lextra$x $rpath_link" \
    "-Wl,--enable-new-dtags,-rpath,/build/vendor/lib" >>"$jobs_file"
done
xargs -P 2 -I{} bash -c '{}' <"$jobs_file"
echo "vendor readme" >"$orig/README"
nelf=$(find "$orig" -type f -exec sh -c 'head -c4 "$1" | grep -q ELF && echo' _ {} \; | wc -l)
[ "$nelf" -ge 200 ] || { echo "bench: only $nelf ELF files generated" >&2; exit 1; }

# --- the shell loop: autoPatchelfHook's steps, one program per step.
cat >"$scratch/loop.sh" <<'SH'
# loop.sh TREE INTERP DEP...: patch every ELF file under TREE.
tree=$1 interp=$2; shift 2
declare -A arch_of
arch() { [ -n "${arch_of[$1]:-}" ] || arch_of[$1]=$(objdump -f "$1" | sed -ne 's/^architecture: *\([^,]*\).*/\1/p'); echo "${arch_of[$1]}"; }
# Candidate directories: every directory of the tree and the dependencies holding a library.
mapfile -t dirs < <(find "$tree" "$@" -name '*.so*' -printf '%h\n' | sort -u)
while IFS= read -r -d '' f; do
  [ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
  needed=$(patchelf --print-needed "$f" 2>/dev/null) || continue
  want=$(arch "$f") rpath=""
  for n in $needed; do
    found=""
    for d in "${dirs[@]}"; do
      if [ -f "$d/$n" ] && [ "$(arch "$d/$n")" = "$want" ]; then found=$d; break; fi
    done
    [ -n "$found" ] || { echo "$f: missing $n" >&2; exit 1; }
    case ":$rpath:" in *":$found:"*) ;; *) rpath=$rpath${rpath:+:}$found ;; esac
  done
  if patchelf --print-interpreter "$f" >/dev/null 2>&1; then patchelf --set-interpreter "$interp" "$f"; fi
  patchelf --set-rpath "$rpath" "$f"
done < <(find "$tree" -type f -print0)
SH

# --- both must give a tree whose programs run before their times count.
check() {  # check TREE: every program prints what it printed with its libraries by hand
  local p out want
  for p in $(seq 0 159); do
    out=$("$1/bin/prog$p") || { echo "bench: $1/bin/prog$p does not run" >&2; exit 1; }
    [ "$out" = "${expected[$p]}" ] || { echo "bench: $1/bin/prog$p printed $out, not ${expected[$p]}" >&2; exit 1; }
  done
}
declare -a expected
libpath=$orig/lib/g0:$orig/lib/g1:$orig/lib/g2:$orig/lib/g3:$extras/lib
for p in $(seq 0 159); do expected[$p]=$("$interp" --library-path "$libpath" "$orig/bin/prog$p"); done
rm -rf "$scratch/t1" "$scratch/t2"
cp -a "$orig" "$scratch/t1"; "$shelf" autopatch "$scratch/t1" --deps "$glibc" "$extras"; check "$scratch/t1"
cp -a "$orig" "$scratch/t2"; bash "$scratch/loop.sh" "$scratch/t2" "$interp" "$glibc" "$extras"; check "$scratch/t2"

t=$scratch/t
read -r ct _ < <(measure_shell "rm -rf '$t' && cp -a '$orig' '$t'")
read -r st sr < <(measure_shell "rm -rf '$t' && cp -a '$orig' '$t' && '$shelf' autopatch '$t' --deps '$glibc' '$extras'")
read -r lt _ < <(REPEAT=${LOOP_REPEAT:-1} measure_shell "rm -rf '$t' && cp -a '$orig' '$t' && bash '$scratch/loop.sh' '$t' '$interp' '$glibc' '$extras'")
rm -rf "$t" "$scratch/t1" "$scratch/t2"

echo "autopatch: $nelf ELF files (40 libraries, 160 programs), shelf median of $REPEAT runs, loop median of ${LOOP_REPEAT:-1}; both times include cp -a of the tree ($(printf '%.4f' "$ct") s)"
echo "| case | shelf | other tool | other | ratio (other/shelf) | shelf peak RSS |"
echo "|---|---|---|---|---|---|"
printf '| autopatch %s ELF files | %.4f s | patchelf + objdump loop (autoPatchelfHook steps) | %.4f s | %s× | %s MiB |\n' \
  "$nelf" "$st" "$lt" "$(ratio "$lt" "$st")" "$(awk -v k="$sr" 'BEGIN{printf "%.1f", k/1024}')"

# --- a tree of real files: programs of /usr/bin without a RUNPATH and
# libraries of the host's library directory (hundreds of MB), against a
# shell loop of patchelf doing the two edits autopatch makes per file
# (--set-interpreter on programs, --set-rpath on everything). Both start
# from a fresh copy; the copy's own time is measured and taken off both.
# SYSTEM_PROGRAMS and SYSTEM_LIBRARIES set the sizes (default 137 and 150).
libdir=/usr/lib/x86_64-linux-gnu
sys=$scratch/system
rm -rf "$sys"; mkdir -p "$sys/bin" "$sys/lib"
n=0
for f in /usr/bin/*; do
  [ "$n" -lt "${SYSTEM_PROGRAMS:-137}" ] || break
  [ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
  patchelf --print-interpreter "$f" >/dev/null 2>&1 || continue
  [ -z "$(patchelf --print-rpath "$f" 2>/dev/null)" ] || continue
  cp "$f" "$sys/bin/" && n=$((n + 1))
done
m=0
for f in $(ls -S "$libdir"/*.so* 2>/dev/null); do
  [ "$m" -lt "${SYSTEM_LIBRARIES:-150}" ] || break
  [ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c4 "$f")" = $'\x7fELF' ] || continue
  patchelf --print-soname "$f" >/dev/null 2>&1 || continue
  cp "$f" "$sys/lib/" && m=$((m + 1))
done
size=$(du -sm "$sys" | cut -f1)
sysrpath=$glibc/lib:$libdir
cat >"$scratch/sysloop.sh" <<SH
for f in "\$1"/bin/*; do patchelf --set-interpreter '$interp' --set-rpath '$sysrpath' "\$f"; done
for f in "\$1"/lib/*; do patchelf --set-rpath '$sysrpath' "\$f"; done
SH
read -r sct _ < <(measure_shell "rm -rf '$t' && cp -a '$sys' '$t'")
read -r sst ssr < <(measure_shell "rm -rf '$t' && cp -a '$sys' '$t' && '$shelf' autopatch '$t' --deps '$glibc' '$libdir' --ignore-missing '*'")
read -r sct2 _ < <(measure_shell "rm -rf '$t' && cp -a '$sys' '$t' && '$shelf' autopatch '$t' --copy --deps '$glibc' '$libdir' --ignore-missing '*'")
read -r slt _ < <(REPEAT=${LOOP_REPEAT:-1} measure_shell "rm -rf '$t' && cp -a '$sys' '$t' && bash '$scratch/sysloop.sh' '$t'")
rm -rf "$t" "$sys"
net() { awk -v a="$1" -v b="$2" 'BEGIN{ d = a - b; if (d < 0.0001) d = 0.0001; printf "%.4f", d }'; }
s_in=$(net "$sst" "$sct") s_copy=$(net "$sct2" "$sct") s_loop=$(net "$slt" "$sct")
echo
echo "autopatch of real files: $n programs of /usr/bin and $m libraries of $libdir ($size MB), times without the cp -a of the tree ($(printf '%.4f' "$sct") s)"
echo "| case | shelf | other tool | other | ratio (other/shelf) | shelf peak RSS |"
echo "|---|---|---|---|---|---|"
printf '| autopatch %s real files, in place | %s s | patchelf loop (--set-interpreter, --set-rpath) | %s s | %s× | %s MiB |\n' \
  "$((n + m))" "$s_in" "$s_loop" "$(ratio "$s_loop" "$s_in")" "$(awk -v k="$ssr" 'BEGIN{printf "%.1f", k/1024}')"
printf '| autopatch %s real files, --copy | %s s | patchelf loop (--set-interpreter, --set-rpath) | %s s | %s× | |\n' \
  "$((n + m))" "$s_copy" "$s_loop" "$(ratio "$s_loop" "$s_copy")"
