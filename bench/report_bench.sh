#!/bin/bash
# pyperfmap report vs perf report --stdio on the same perf.data of >= 200,000 samples
# with callchains, made here: wall time and peak memory, medians of 3 runs each.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
XPERF=""
"$PY" -X perf -c pass 2>/dev/null && XPERF="-X perf"

# Two CPU-bound processes for about 11 s each at 9999 Hz: one C, one Python.
echo "report: recording the input (about 12 s)..."
"$PYPERFMAP" record -q -g -F 9999 -o "$TMP/big.data" -- sh -c \
	"'$(cd "$BUILD" && pwd)/tests/hot_c' 16 & '$PY' $XPERF '$SRC/bench/cpu_work.py' 8000 >/dev/null; wait" >/dev/null 2>&1 \
	|| "$PYPERFMAP" record -q -g -F 9999 -o "$TMP/big.data" -- sh -c \
	"'$PY' $XPERF '$SRC/bench/cpu_work.py' 8000 >/dev/null & '$PY' '$SRC/bench/cpu_work.py' 8000 >/dev/null; wait"
n=$(samples_of "$TMP/big.data")
echo "report: input has $n samples with callchains, $(stat -c %s "$TMP/big.data") bytes"
[ "$n" -ge 200000 ] || echo "report: WARNING: fewer than 200,000 samples"
for i in 1 2 3; do
	timed perf perf report -i "$TMP/big.data" --stdio
	timed ours "$PYPERFMAP" report -i "$TMP/big.data" --stdio
	timed ours_folded "$PYPERFMAP" report -i "$TMP/big.data" --format folded
	if [ -n "$BEFORE" ]; then
		timed before "$BEFORE" report -i "$TMP/big.data" --stdio
		timed before_folded "$BEFORE" report -i "$TMP/big.data" --format folded
	fi
done
pw=$(median perf 1); pm=$(median perf 2); ow=$(median ours 1); om=$(median ours 2)
fw=$(median ours_folded 1); fm=$(median ours_folded 2)
printf "report: %-38s %8s s %9s KiB\n" "perf report --stdio (anchor)" "$pw" "$pm"
printf "report: %-38s %8s s %9s KiB   speed %sx, memory %sx less\n" "pyperfmap report --stdio" "$ow" "$om" \
	"$(ratio "$pw" "$ow")" "$(ratio "$pm" "$om")"
printf "report: %-38s %8s s %9s KiB   speed %sx, memory %sx less\n" "pyperfmap report --format folded" "$fw" "$fm" \
	"$(ratio "$pw" "$fw")" "$(ratio "$pm" "$fm")"
if [ -n "$BEFORE" ]; then
	for l in "" _folded; do
		bw=$(median "before$l" 1); bm=$(median "before$l" 2); aw=$(median "ours$l" 1); am=$(median "ours$l" 2)
		printf "report: %-38s %8s s %9s KiB   after: %s s %s KiB, %sx the speed\n" \
			"before (${BEFORE##*/}) ${l:-_stdio}" "$bw" "$bm" "$aw" "$am" "$(ratio "$bw" "$aw")"
	done
fi
