#!/bin/bash
# pyperfmap record with four events against perf record with the same four, on the
# same CPU-bound Python program, paired in one run (medians of 3): wall-time
# overhead over the plain run, samples, lost, bytes per sample. The events are four
# software ones here (no PMU); with a PMU, cycles,instructions,cache-misses,
# branch-misses. Both use -F 4000 and frame-pointer call chains. pyperfmap adds the
# CPU to each sample by default (8 bytes); --no-sample-cpu leaves perf's fields.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
W="$SRC/bench/cpu_work.py"
ROUNDS=${ROUNDS:-1500}
EVS=cpu-clock,task-clock,page-faults,context-switches
if [ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ]; then
	EVS=cycles,instructions,cache-misses,branch-misses
fi
echo "multi-event record: -e $EVS, workload $PY $W $ROUNDS"
for i in 1 2 3; do
	timed plain "$PY" "$W" $ROUNDS
	timed perf perf record -e "$EVS" -g -F 4000 --no-bpf-event -o "$TMP/perf.data" -- "$PY" "$W" $ROUNDS
	timed ours "$PYPERFMAP" record -e "$EVS" --no-trampoline --call-graph fp -F 4000 -o "$TMP/ours.data" -- "$PY" "$W" $ROUNDS
	timed ours_nocpu "$PYPERFMAP" record -e "$EVS" --no-trampoline --no-sample-cpu --call-graph fp -F 4000 -o "$TMP/ours_nocpu.data" -- "$PY" "$W" $ROUNDS
done
plain=$(median plain 1)
row() { # label file timing-label lost
	local n size w
	n=$(perf script -i "$2" -F event 2>/dev/null | wc -l); size=$(stat -c %s "$2"); w=$(median "$3" 1)
	printf "multi-event record: %-32s wall %6ss (%sx plain)  %6s samples  lost %s  %s bytes/sample\n" \
		"$1" "$w" "$(ratio "$w" "$plain")" "$n" "$4" "$(ratio "$size" "$n")"
}
echo "multi-event record: plain run ${plain}s"
row "perf record (anchor)" "$TMP/perf.data" perf "$(perf report -i "$TMP/perf.data" --stdio 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')"
row "pyperfmap record" "$TMP/ours.data" ours "$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$TMP/stderr.ours")"
row "  ... --no-sample-cpu (perf's fields)" "$TMP/ours_nocpu.data" ours_nocpu "$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$TMP/stderr.ours_nocpu")"
echo "multi-event record: overhead ratio pyperfmap/perf = $(ratio "$(median ours 1)" "$(median perf 1)")"
