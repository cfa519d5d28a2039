#!/bin/bash
# CPython 3.14+: pyperfmap's trampoline against the plain interpreter and -X perf, with
# and without CPython's JIT (PYTHON_JIT=1), and on 3.15+ with the specializer kept on
# under the hook (PYPERFMAP_SPECIALIZE=1). Medians of RUNS alternating runs of the
# in-process time of bench/tramp_workloads.py; the ratio is to the plain interpreter
# of the same run. Interpreters: those the trampoline was built for (3.14+ only; see
# scripts/sid-pythons.sh for Debian's).
set -euo pipefail
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
PYDIR=$BUILD/python
W=$(cd "$(dirname "$0")" && pwd)/tramp_workloads.py
RUNS=${RUNS:-7}
TMP=$(mktemp -d /tmp/ppm-bench.XXXXXX)
START=$(date +%s)
# The maps this benchmark's interpreters wrote, and only those.
trap 'rm -rf "$TMP"; find /tmp -maxdepth 1 -name "perf-*.map" -newermt "@$START" -exec grep -l tramp_workloads.py {} + 2>/dev/null | xargs -r rm -f' EXIT

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

run() {
	local c=$1 py=$2; shift 2
	case $c in
	plain) "$py" "$W" "$@" ;;
	xperf) "$py" -X perf "$W" "$@" ;;
	ppm) PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" "$@" ;;
	ppm_spec) PYPERFMAP_SPECIALIZE=1 PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" "$@" ;;
	jit) PYTHON_JIT=1 "$py" "$W" "$@" ;;
	jit_xperf) PYTHON_JIT=1 "$py" -X perf "$W" "$@" 2>/dev/null ;; # warns: JIT off
	jit_ppm) PYTHON_JIT=1 PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" "$@" ;;
	jit_ppm_spec) PYTHON_JIT=1 PYPERFMAP_SPECIALIZE=1 PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" "$@" ;;
	esac
}

found=0
while read -r ver py; do
	case $ver in 3.1[4-9].*) ;; *) continue ;; esac
	[ -x "$py" ] || continue
	found=1
	conds="plain xperf ppm"
	case $ver in 3.14.*) ;; *) conds="$conds ppm_spec" ;; esac
	if "$py" -c 'import sys; sys.exit(not sys._jit.is_available())' 2>/dev/null; then
		conds="$conds jit jit_xperf jit_ppm"
		case $ver in 3.14.*) ;; *) conds="$conds jit_ppm_spec" ;; esac
	else
		echo "trampoline-jit: $ver: built without the JIT, no PYTHON_JIT=1 columns"
	fi
	for w in fib loop oo; do
		scale=10; [ $w = fib ] && scale=30
		for c in $conds; do : >"$TMP/$c"; done
		for _ in $(seq "$RUNS"); do
			for c in $conds; do run "$c" "$py" $w $scale >>"$TMP/$c"; done
		done
		base=$(median "$TMP/plain")
		line=""
		for c in $conds; do
			m=$(median "$TMP/$c")
			line="$line $(awk -v c="$c" -v m="$m" -v b="$base" 'BEGIN { printf "%s %.4f s (%.2f)", c, m, m / b }'),"
		done
		printf "trampoline-jit: %-7s %-4s %s\n" "$ver" "$w" "${line%,}"
	done
done < <(cat "$PYDIR/interpreters.txt")
[ $found = 1 ] || echo "trampoline-jit: the trampoline was built for no CPython 3.14+ (scripts/sid-pythons.sh)"
