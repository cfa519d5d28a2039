#!/bin/bash
# pyperfmap stat against perf stat on the same short commands, paired in one run:
# the time each adds to the command (median of N runs each), as a ratio.
# Same events for both: the four software events (this machine has no PMU; where
# there is one, the four hardware ones are added to both).
. "$(dirname "$0")/common.sh"
N=${N:-21}
EVS=task-clock,context-switches,cpu-migrations,page-faults
if [ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ]; then
	EVS="$EVS,cycles,instructions,branches,branch-misses"
fi
PY=$(find_python)
for cmd in "/bin/true" "$PY -c pass"; do
	label=$(echo "$cmd" | tr -c 'a-z0-9\n' _)
	for i in $(seq "$N"); do
		timed "plain_$label" $cmd
		timed "perf_$label" perf stat -e "$EVS" -- $cmd
		timed "ours_$label" "$PYPERFMAP" stat -e "$EVS" -- $cmd
	done
	p=$(median "plain_$label" 1); a=$(median "perf_$label" 1); o=$(median "ours_$label" 1)
	ao=$(awk -v a="$a" -v p="$p" 'BEGIN { printf "%.4f", a - p }')
	oo=$(awk -v a="$o" -v p="$p" 'BEGIN { printf "%.4f", a - p }')
	printf "stat: %-28s plain %ss  perf stat %ss (+%ss, %s KB)  pyperfmap stat %ss (+%ss, %s KB)  added-time ratio pyperfmap/perf = %s\n" \
		"$cmd" "$p" "$a" "$ao" "$(median "perf_$label" 2)" "$o" "$oo" "$(median "ours_$label" 2)" "$(ratio "$oo" "$ao")"
done
