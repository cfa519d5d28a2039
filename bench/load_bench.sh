#!/bin/bash
# A recording under load (issue 13), beside perf record on the same load in the same
# run: two CPU-bound Python processes plus the recorder at -F 9999 with DWARF stacks
# for SECS seconds (default 60) on this machine's cores. Per recorder: samples per
# CPU-second achieved, lost records, peak memory (and whether it grew with the
# recording: sampled every second), file size.
. "$(dirname "$0")/common.sh"
SECS=${SECS:-60}
PY=$(find_python)
need_rate=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
[ "$need_rate" -ge 9999 ] || echo "load: kernel.perf_event_max_sample_rate is $need_rate: the figures are at that rate"
LOAD="'$PY' -c 'import time
end = time.process_time() + $SECS
while time.process_time() < end: sum(i * i % 7 for i in range(1000))' &
'$PY' -c 'import time
end = time.process_time() + $SECS
while time.process_time() < end: sum(i * i % 7 for i in range(1000))'; wait"

# run LABEL RECORDER...: the load under it; the recorder's RSS every second into $TMP/LABEL.rss
run() {
	local label=$1 rec
	shift
	/usr/bin/time -f "%M %U %S %e" -o "$TMP/$label.time" "$@" -- sh -c "$LOAD" >/dev/null 2>"$TMP/$label.err" &
	rec=$!
	: >"$TMP/$label.rss"
	while kill -0 $rec 2>/dev/null; do
		for p in $(pgrep -P $rec); do
			awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null >>"$TMP/$label.rss"
		done
		sleep 1
	done
	wait $rec
}
run perf perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/p.data"
run ours "$PYPERFMAP" record -q -F 9999 --call-graph dwarf -o "$TMP/o.data"
for x in perf ours; do
	f=$TMP/$([ $x = perf ] && echo p || echo o).data
	n=$(samples_of "$f")
	lost=$(perf report -i "$f" --stdio 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')
	read -r peak _ _ wall <"$TMP/$x.time"
	first=$(awk 'NR == 3' "$TMP/$x.rss"); last=$(tail -1 "$TMP/$x.rss")
	printf "load: %-10s %s samples in %ss (%s per CPU-second over 2 busy CPUs), lost %s, peak RSS %s KiB (at 3 s %s, at the end %s), file %s MB\n" \
		"$([ $x = perf ] && echo "perf" || echo pyperfmap)" "$n" "$wall" "$(awk -v n="$n" -v s="$SECS" 'BEGIN { printf "%.0f", n / (2 * s) }')" \
		"${lost:-?}" "$peak" "${first:-?}" "${last:-?}" "$(( $(stat -c %s "$f") >> 20 ))"
done
