#!/bin/bash
# CPython's own trampoline (-X perf) recorded with DWARF stacks, on every CPython 3.12+
# built for, against the anchor in the same run: perf record --call-graph dwarf of the
# same python -X perf command. Per interpreter: wall time over plain (medians of RUNS
# alternating runs at -F 9999), and how many samples at the bottom of a 30-level
# Python recursion carry all 30 levels.
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-1200}
W=$SRC/bench/cpu_work.py
R=$SRC/tests/progs/recurse.py
# Of the samples in work(), those whose stack holds all 30 py::down levels.
whole() { awk '/py::work:/ { t += $NF; if (gsub("py::down:", "&") >= 30) w += $NF }
	END { printf "%.1f%% of %d", t ? 100 * w / t : 0, t }'; }
perf_folded() { perf script -i "$1" -F ip,sym 2>/dev/null | awk '
	/^$/ { if (s) print s " 1"; s = ""; next } { s = ($2 == "" ? "?" : $2) (s == "" ? "" : ";" s) }
	END { if (s) print s " 1" }'; }

while read -r ver py; do
	"$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' || continue
	rm -f "$TMP"/plain "$TMP"/perf "$TMP"/ours
	for i in $(seq "$RUNS"); do
		timed plain "$py" "$W" "$ROUNDS"
		timed perf perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/p.data" -- "$py" -X perf "$W" "$ROUNDS"
		timed ours "$PYPERFMAP" record -q -F 9999 --call-graph dwarf -o "$TMP/o.data" -- "$py" -X perf "$W" "$ROUNDS"
	done
	plain=$(median plain 1) pw=$(median perf 1) ow=$(median ours 1)
	perf record -q -F 2000 --call-graph dwarf --no-bpf-event -o "$TMP/pr.data" -- "$py" -X perf "$R" 1 30 >/dev/null 2>&1
	"$PYPERFMAP" record -q -F 2000 --call-graph dwarf -o "$TMP/or.data" -- "$py" -X perf "$R" 1 30 >/dev/null 2>&1
	printf "xperf: %-8s plain %ss | perf --call-graph dwarf (anchor) %ss = %sx plain, whole 30-level stacks %s, %s bytes/sample\n" \
		"$ver" "$plain" "$pw" "$(ratio "$pw" "$plain")" "$(perf_folded "$TMP/pr.data" | whole)" \
		"$(ratio "$(stat -c %s "$TMP/p.data")" "$(samples_of "$TMP/p.data")")"
	printf "xperf: %-8s pyperfmap record --call-graph dwarf %ss = %sx plain (%sx the anchor), whole 30-level stacks %s, %s bytes/sample\n" \
		"$ver" "$ow" "$(ratio "$ow" "$plain")" "$(ratio "$ow" "$pw")" \
		"$("$PYPERFMAP" report -i "$TMP/or.data" --format folded | whole)" \
		"$(ratio "$(stat -c %s "$TMP/o.data")" "$(samples_of "$TMP/o.data")")"
	# The maps CPython wrote for these runs (their pids are in the recordings).
	for f in p o pr or; do
		for pid in $(perf script -i "$TMP/$f.data" -F pid 2>/dev/null | sort -u); do rm -f "/tmp/perf-$pid.map"; done
	done
done <"$BUILD/python/interpreters.txt"
