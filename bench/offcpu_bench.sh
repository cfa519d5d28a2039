#!/bin/bash
# What --off-cpu costs on a program switching 10,000 times a second (two threads
# passing a byte through pipes, tests/progs/pingpong.c, 40,000 switches): its wall time
# plain, under pyperfmap record --off-cpu, and under perf record -e sched:sched_switch -g
# (perf 6.1's --off-cpu needs BPF), medians of 3; and the bytes each off-CPU sample
# takes in the file.
. "$(dirname "$0")/common.sh"
PP=$(cd "$BUILD" && pwd)/tests/pingpong
[ -x "$PP" ] || { echo "offcpu: $PP missing (build with tests)"; exit 1; }
TRIPS=20000

for i in 1 2 3; do
	timed plain "$PP" "$TRIPS"
	timed ours "$PYPERFMAP" record -q --off-cpu --call-graph fp -o "$TMP/ours.data" -- "$PP" "$TRIPS"
	timed ours_plain "$PYPERFMAP" record -q --call-graph fp -o "$TMP/plain.data" -- "$PP" "$TRIPS"
	timed perf perf record -q -e sched:sched_switch -g -o "$TMP/perf.data" -- "$PP" "$TRIPS"
done
pw=$(median plain 1); ow=$(median ours 1); opw=$(median ours_plain 1); fw=$(median perf 1)
off=$("$PYPERFMAP" report -i "$TMP/ours.data" --event offcpu-time -G 2>/dev/null | sed -n 's/^# Samples: \([0-9]*\).*/\1/p')
extra=$(( $(stat -c %s "$TMP/ours.data") - $(stat -c %s "$TMP/plain.data") ))
sw=$(perf report -i "$TMP/perf.data" --stdio -G 2>/dev/null | sed -n "s/^# Samples: \([0-9.K]*\) *of event 'sched:sched_switch'.*/\1/p")
# the program is paced (it sleeps to hold 10,000 switches a second): its wall time
# shows whether the recorder keeps up, the CPU time (user + system, the recorder's
# included) what recording costs
for l in plain ours_plain ours perf; do eval "c_$l=$(mean_cpu $l)"; done
printf "offcpu: %-44s %8s s wall %7s s CPU\n" "plain (anchor)" "$pw" "$c_plain"
printf "offcpu: %-44s %8s s wall %7s s CPU   %sx plain's CPU\n" "pyperfmap record --call-graph fp (no off-CPU)" "$opw" "$c_ours_plain" "$(ratio "$c_ours_plain" "$c_plain")"
printf "offcpu: %-44s %8s s wall %7s s CPU   %sx plain's CPU\n" "pyperfmap record --off-cpu --call-graph fp" "$ow" "$c_ours" "$(ratio "$c_ours" "$c_plain")"
printf "offcpu: %-44s %8s s wall %7s s CPU   %sx plain's CPU\n" "perf record -e sched:sched_switch -g (anchor)" "$fw" "$c_perf" "$(ratio "$c_perf" "$c_plain")"
echo "offcpu: $((TRIPS * 2)) switches written as $off off-CPU samples (waits under 500 ms summed per thread and stack):" \
	"$extra bytes more than without --off-cpu, $(awk -v e="$extra" -v n="$off" 'BEGIN { printf "%.0f", n ? e / n : 0 }') bytes per sample," \
	"$(awk -v e="$extra" -v n="$((TRIPS * 2))" 'BEGIN { printf "%.1f", e / n }') per switch;" \
	"perf's file $(stat -c %s "$TMP/perf.data") bytes for ${sw:-?} sched_switch samples"
# every wait a sample of its own: --off-cpu-thresh 0
"$PYPERFMAP" record -q --off-cpu --off-cpu-thresh 0 --call-graph fp -o "$TMP/each.data" -- "$PP" "$TRIPS" >/dev/null
each=$("$PYPERFMAP" report -i "$TMP/each.data" --event offcpu-time -G 2>/dev/null | sed -n 's/^# Samples: \([0-9]*\).*/\1/p')
ebytes=$(( $(stat -c %s "$TMP/each.data") - $(stat -c %s "$TMP/plain.data") ))
echo "offcpu: with --off-cpu-thresh 0, every wait its own sample: $each samples, $(awk -v e="$ebytes" -v n="$each" 'BEGIN { printf "%.0f", n ? e / n : 0 }') bytes each"
