#!/bin/bash
# Time to write each report format for a 1,000,000-sample file, against perf script on
# the same file (the first step of every perf-based flame graph pipeline): wall time
# and peak memory, medians of 3 runs; and the flame graph page's size per distinct stack.
# The file comes from the tests' deterministic generator (tests/gen, 'perfgen stacks'):
# 100,000 distinct stacks of 6-29 frames over libpython's functions.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
PERFGEN=$(cd "$BUILD" && pwd)/tests/perfgen
[ -x "$PERFGEN" ] || { echo "export: $PERFGEN missing (build with tests)"; exit 1; }
LIB=$("$PY" -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
nm --defined-only "$LIB" | awk '$2 ~ /^[tT]$/ { print $1 }' >"$TMP/addrs.txt"
"$PERFGEN" stacks "$TMP/big.data" "$LIB" "$TMP/addrs.txt" 1000000 100000 >/dev/null
distinct=$("$PYPERFMAP" report -i "$TMP/big.data" -F folded | wc -l)
echo "export: input $(samples_of "$TMP/big.data") samples, $distinct distinct stacks, $(stat -c %s "$TMP/big.data") bytes"
formats="text folded json flamegraph speedscope pprof"
for i in 1 2 3; do
	timed perf_script perf script -i "$TMP/big.data"
	timed script "$PYPERFMAP" script -i "$TMP/big.data"
	for f in $formats; do
		timed "$f" "$PYPERFMAP" report -i "$TMP/big.data" -F "$f" -o "$TMP/out.$f"
		[ -z "$BEFORE" ] || timed "before_$f" "$BEFORE" report -i "$TMP/big.data" -F "$f" -o "$TMP/before.$f"
	done
done
aw=$(median perf_script 1); am=$(median perf_script 2)
printf "export: %-36s %8s s %9s KiB\n" "perf script (anchor)" "$aw" "$am"
for f in script $formats; do
	label="report -F $f"
	[ "$f" = script ] && label="pyperfmap script"
	w=$(median "$f" 1); m=$(median "$f" 2)
	printf "export: %-36s %8s s %9s KiB   %sx perf script's speed\n" "$label" "$w" "$m" "$(ratio "$aw" "$w")"
done
size=$(stat -c %s "$TMP/out.flamegraph")
echo "export: flame graph page: $size bytes for $distinct distinct stacks = $(awk -v s="$size" -v n="$distinct" 'BEGIN { printf "%.1f", s / n }') bytes per stack" \
	"(speedscope $(stat -c %s "$TMP/out.speedscope") bytes, pprof $(stat -c %s "$TMP/out.pprof") bytes, perf script text $(perf script -i "$TMP/big.data" 2>/dev/null | wc -c) bytes)"
if [ -n "$BEFORE" ]; then
	for f in $formats; do
		bw=$(median "before_$f" 1); aw=$(median "$f" 1)
		printf "export: before (%s) -F %-12s %8s s %9s KiB   after: %s s %s KiB, %sx the speed\n" \
			"${BEFORE##*/}" "$f" "$bw" "$(median "before_$f" 2)" "$aw" "$(median "$f" 2)" "$(ratio "$bw" "$aw")"
	done
fi
