#!/bin/bash
# Time to write each report format for a 1,000,000-sample file, against two anchors in
# the same runs: cat of the file from the page cache (reading its bytes once: the
# physical limit) and perf script on it (the first step of every perf-based flame graph
# pipeline); wall time and peak memory, medians of 3 runs; the flame graph page's size
# per distinct stack; the counter report of six events on such a file; then the text
# report at 1M, 4M and 16M samples (the same 100,000 stacks), which must grow linearly
# in time and stay flat in memory.
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
	timed cat cat "$TMP/big.data"
	timed perf_script perf script -i "$TMP/big.data"
	timed script "$PYPERFMAP" script -i "$TMP/big.data"
	for f in $formats; do
		timed "$f" "$PYPERFMAP" report -i "$TMP/big.data" -F "$f" -o "$TMP/out.$f"
		[ -z "$BEFORE" ] || timed "before_$f" "$BEFORE" report -i "$TMP/big.data" -F "$f" -o "$TMP/before.$f"
	done
done
cw=$(median cat 1)
aw=$(median perf_script 1); am=$(median perf_script 2)
printf "export: %-36s %8s s %9s KiB\n" "cat of the file (the limit)" "$cw" "$(median cat 2)"
printf "export: %-36s %8s s %9s KiB   %sx cat's time\n" "perf script (anchor)" "$aw" "$am" "$(ratio "$aw" "$cw")"
for f in script $formats; do
	label="report -F $f"
	[ "$f" = script ] && label="pyperfmap script"
	w=$(median "$f" 1); m=$(median "$f" 2)
	printf "export: %-36s %8s s %9s KiB   %sx perf script's speed, %sx cat's time\n" "$label" "$w" "$m" \
		"$(ratio "$aw" "$w")" "$(ratio "$w" "$cw")"
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
# The counter report: the same stacks sampled by six hardware events in turn (a
# machine with a PMU recording cycles, instructions, cache and branch events), one
# table of every event's counts per function. (perf report --stdio is no anchor here:
# on this file it ran past 100 s and 8 GB before it was stopped.)
rm -f "$TMP/big.data" "$TMP"/out.* "$TMP"/before.*
"$PERFGEN" stacks "$TMP/hw6.data" "$LIB" "$TMP/addrs.txt" 1000000 100000 6 >/dev/null
for i in 1 2 3; do
	timed hw6cat cat "$TMP/hw6.data"
	timed hw6 "$PYPERFMAP" report -i "$TMP/hw6.data" -o "$TMP/out.hw6"
	[ -z "$BEFORE" ] || timed before_hw6 "$BEFORE" report -i "$TMP/hw6.data" -o "$TMP/before.hw6"
done
printf "export: six events, counter report %8s s %9s KiB   %sx cat's time (cat %s s)\n" \
	"$(median hw6 1)" "$(median hw6 2)" "$(ratio "$(median hw6 1)" "$(median hw6cat 1)")" \
	"$(median hw6cat 1)"
[ -z "$BEFORE" ] || printf "export: six events, before (%s) %8s s %9s KiB   %sx the speed after\n" \
	"${BEFORE##*/}" "$(median before_hw6 1)" "$(median before_hw6 2)" \
	"$(ratio "$(median before_hw6 1)" "$(median hw6 1)")"
rm -f "$TMP/hw6.data" "$TMP"/out.* "$TMP"/before.*
# Scaling: the same 100,000 stacks, 1M, 4M and 16M samples (196 MB to 3.1 GB), one run
# each after a cat (page cache warm); each figure beside the 1M one.
for n in 1 4 16; do
	"$PERFGEN" stacks "$TMP/s$n.data" "$LIB" "$TMP/addrs.txt" $((n * 1000000)) 100000 >/dev/null
	cat "$TMP/s$n.data" >/dev/null
	timed "cat$n" cat "$TMP/s$n.data"
	timed "scale$n" "$PYPERFMAP" report -i "$TMP/s$n.data" -o "$TMP/out.scale"
	printf "export: scaling %2sM samples, %5s MB: report %7s s (%sx cat's %s s) %8s KiB;" "$n" \
		"$(( $(stat -c %s "$TMP/s$n.data") / 1000000 ))" "$(median "scale$n" 1)" \
		"$(ratio "$(median "scale$n" 1)" "$(median "cat$n" 1)")" "$(median "cat$n" 1)" "$(median "scale$n" 2)"
	printf " %sx the time, %sx the memory of 1M\n" "$(ratio "$(median "scale$n" 1)" "$(median scale1 1)")" \
		"$(ratio "$(median "scale$n" 2)" "$(median scale1 2)")"
	rm -f "$TMP/s$n.data"
done
# perf's own DWARF files (perf record --call-graph dwarf): every sample carries its
# registers and 8 KB of stack, unwound one by one as the file is read (counting by
# chain cannot apply before that); against cat of the file and perf report on it.
XP=()
"$PY" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && XP=(-X perf)
perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/pd.data" -- sh -c \
	"'$PY' ${XP[*]} '$SRC/bench/cpu_work.py' 2000 >/dev/null & '$PY' ${XP[*]} '$SRC/bench/cpu_work.py' 2000 >/dev/null; wait" \
	>/dev/null 2>&1
for i in 1 2 3; do
	timed dcat cat "$TMP/pd.data"
	timed dperf perf report -i "$TMP/pd.data" --stdio
	timed dours "$PYPERFMAP" report -i "$TMP/pd.data" -o "$TMP/out.dwarf"
	[ -z "$BEFORE" ] || timed before_dours "$BEFORE" report -i "$TMP/pd.data" -o "$TMP/before.dwarf"
done
printf "export: perf DWARF file, %s samples, %s MB: cat %s s; perf report %s s %s KiB; pyperfmap report %s s %s KiB (%sx cat's time, %sx perf report's speed)\n" \
	"$(samples_of "$TMP/pd.data")" "$(( $(stat -c %s "$TMP/pd.data") / 1000000 ))" "$(median dcat 1)" \
	"$(median dperf 1)" "$(median dperf 2)" "$(median dours 1)" "$(median dours 2)" \
	"$(ratio "$(median dours 1)" "$(median dcat 1)")" "$(ratio "$(median dperf 1)" "$(median dours 1)")"
[ -z "$BEFORE" ] || printf "export: perf DWARF file, before (%s) %s s %s KiB\n" "${BEFORE##*/}" \
	"$(median before_dours 1)" "$(median before_dours 2)"
