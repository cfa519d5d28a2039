#!/bin/bash
# A CPU-bound Python workload plain, under pyperfmap record -F 9999 -g and under
# perf record -F 9999 -g --no-bpf-event, paired in one run (medians of 3):
# wall-time overhead, achieved rate, lost samples, bytes per sample.
# Like is paired with like: --no-trampoline against perf on the plain program, and
# the default (pyperfmap's trampoline on) against perf of python -X perf (3.12+).
. "$(dirname "$0")/common.sh"
PY=$(find_python)
W="$SRC/bench/cpu_work.py"
ROUNDS=${ROUNDS:-1500}
echo "record: workload $PY $W $ROUNDS"
XPERF=0
"$PY" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && XPERF=1
for i in 1 2 3; do
	timed plain "$PY" "$W" $ROUNDS
	timed perf perf record -g -F 9999 --no-bpf-event -o "$TMP/perf.data" -- "$PY" "$W" $ROUNDS
	timed ours "$PYPERFMAP" record --no-trampoline -g -F 9999 -o "$TMP/ours.data" -- "$PY" "$W" $ROUNDS
	timed ours_nocpu "$PYPERFMAP" record --no-trampoline --no-sample-cpu -g -F 9999 -o "$TMP/ours_nocpu.data" -- "$PY" "$W" $ROUNDS
	if [ $XPERF = 1 ]; then
		timed perf_x perf record -g -F 9999 --no-bpf-event -o "$TMP/perf_x.data" -- "$PY" -X perf "$W" $ROUNDS
		timed ours_t "$PYPERFMAP" record -g -F 9999 -o "$TMP/ours_t.data" -- "$PY" "$W" $ROUNDS
	fi
done
cpu=$(mean_cpu plain)
plain=$(median plain 1)
row() { # label file timing-label lost
	local n size data w
	n=$(samples_of "$2"); size=$(stat -c %s "$2"); data=$(data_size_of "$2"); w=$(median "$3" 1)
	local c; c=$(mean_cpu "$3")  # the profiled run's CPU seconds: the rate it was sampled at
	printf "record: %-34s wall %6ss (%sx plain)  %6s samples  %5s Hz  lost %s  %s bytes/sample (data section %s)\n" \
		"$1" "$w" "$(ratio "$w" "$plain")" "$n" "$(awk -v n="$n" -v c="$c" 'BEGIN { printf "%.0f", n / c }')" \
		"$4" "$(ratio "$size" "$n")" "$(ratio "$data" "$n")"
}
echo "record: plain run ${plain}s wall, ${cpu}s CPU"
row "perf record -g -F 9999 (anchor)" "$TMP/perf.data" perf \
	"$(perf report -i "$TMP/perf.data" --stdio 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')"
lost_of() { sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$TMP/stderr.$1"; }
row "pyperfmap record --no-trampoline" "$TMP/ours.data" ours "$(lost_of ours)"
row "  ... --no-sample-cpu" "$TMP/ours_nocpu.data" ours_nocpu "$(lost_of ours_nocpu)"
echo "record: overhead ratio pyperfmap/perf (same program) = $(ratio "$(median ours 1)" "$(median perf 1)")"
if [ $XPERF = 1 ]; then
	row "perf record of python -X perf (anchor)" "$TMP/perf_x.data" perf_x \
		"$(perf report -i "$TMP/perf_x.data" --stdio 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')"
	row "pyperfmap record (trampoline on)" "$TMP/ours_t.data" ours_t "$(lost_of ours_t)"
	echo "record: with Python names, pyperfmap/perf+-X perf = $(ratio "$(median ours_t 1)" "$(median perf_x 1)")"
fi
