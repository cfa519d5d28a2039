#!/bin/bash
# pyperfmap's trampoline vs CPython's own -X perf (3.12, 3.13) and vs the plain
# interpreter (3.8-3.11), on three workloads, paired in one run: medians of 5
# alternating runs of in-process time. Then the cost of a new function (stub + map
# line) and the bytes it takes.
set -euo pipefail
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
PYDIR=$BUILD/python
W=$(cd "$(dirname "$0")" && pwd)/tramp_workloads.py
RUNS=${RUNS:-5}
[ -s "$PYDIR/interpreters.txt" ] || { echo "trampoline: no interpreter was built for"; exit 1; }

START=$(date +%s)
# The maps this benchmark's interpreters wrote, and only those.
trap 'find /tmp -maxdepth 1 -name "perf-*.map" -newermt "@$START" -exec grep -l -e tramp_workloads.py -e "<generated>" {} + 2>/dev/null | xargs -r rm -f' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

while read -r ver py; do
	[ -x "$py" ] || continue
	xperf=0
	"$py" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && xperf=1
	for w in fib loop oo; do
		scale=10; [ $w = fib ] && scale=30
		: >"/tmp/ppm_b_ref" ; : >"/tmp/ppm_b_ours"
		for i in $(seq $RUNS); do
			if [ $xperf = 1 ]; then
				"$py" -X perf "$W" $w $scale >>/tmp/ppm_b_ref
			else
				"$py" "$W" $w $scale >>/tmp/ppm_b_ref
			fi
			PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" $w $scale >>/tmp/ppm_b_ours
		done
		ref=$(median </tmp/ppm_b_ref); ours=$(median </tmp/ppm_b_ours)
		label=$([ $xperf = 1 ] && echo "-X perf" || echo "plain")
		printf "trampoline: %-8s %-5s %-8s %.4f s  pyperfmap %.4f s  ratio %s\n" "$ver" "$w" "$label" "$ref" "$ours" "$(ratio "$ours" "$ref")"
	done
done < <(cat "$PYDIR/interpreters.txt")
rm -f /tmp/ppm_b_ref /tmp/ppm_b_ours

# New functions: 20,000 compiled and called once each; time per function and bytes.
while read -r ver py; do
	"$py" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null || continue
	plain=$("$py" "$W" newfuncs 20)
	xp=$("$py" -X perf "$W" newfuncs 20)
	ours=$(PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" "$W" newfuncs 20 2>/tmp/ppm_b_stats)
	read -r _ stubs mapbytes </tmp/ppm_b_stats
	awk -v p="$plain" -v x="$xp" -v o="$ours" -v v="$ver" 'BEGIN {
		printf "trampoline: %s new function: plain %.2f us, -X perf %.2f us (+%.2f), pyperfmap %.2f us (+%.2f): pyperfmap/-X perf %.2f\n",
			v, p / 20000 * 1e6, x / 20000 * 1e6, (x - p) / 20000 * 1e6, o / 20000 * 1e6, (o - p) / 20000 * 1e6, o / x }'
	awk -v s="$stubs" -v m="$mapbytes" 'BEGIN { printf "trampoline: memory per Python function: 16 bytes of stub + %.1f bytes of perf map line (%d stubs)\n", s ? m / s : 0, s }'
	break
done < <(cat "$PYDIR/interpreters.txt")
rm -f /tmp/ppm_b_stats
