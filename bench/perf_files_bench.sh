#!/bin/bash
# pyperfmap report against perf report --stdio on files perf record wrote, made here:
# a frame-pointer file (perf record -g) of >= 200,000 samples with kernel frames, and
# a DWARF file (perf record --call-graph dwarf) of >= 100,000 samples, whose stacks
# both tools unwind while reading. Wall time and peak memory, medians of 3 runs each.
# The programs: a C loop (hot_c, or hot_nofp for DWARF), a Python loop under -X perf
# where the interpreter has it, and dd moving bytes through the kernel.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
XPERF=""
"$PY" -X perf -c pass 2>/dev/null && XPERF="-X perf"
TESTS=$(cd "$BUILD" && pwd)/tests
[ -x "$TESTS/hot_nofp" ] || { echo "perf_files: $TESTS/hot_nofp missing (build with tests)"; exit 1; }

# workload PROGRAM SECONDS: the three, side by side, for about SECONDS each.
workload() {
	echo "'$TESTS/$1' $2 & '$PY' $XPERF '$SRC/bench/cpu_work.py' $(($2 * 700)) >/dev/null &
	timeout $2 dd if=/dev/zero of=/dev/null bs=512 2>/dev/null; wait"
}

compare() { # LABEL FILE
	local n
	n=$(samples_of "$2")
	echo "perf_files: $1: $n samples, $(stat -c %s "$2") bytes"
	for i in 1 2 3; do
		timed "perf_$1" perf report -i "$2" --stdio
		timed "ours_$1" "$PYPERFMAP" report -i "$2" --stdio
		[ -z "$BEFORE" ] || timed "before_$1" "$BEFORE" report -i "$2" --stdio
	done
	local pw pm ow om
	pw=$(median "perf_$1" 1); pm=$(median "perf_$1" 2); ow=$(median "ours_$1" 1); om=$(median "ours_$1" 2)
	printf "perf_files: %-5s %-32s %8s s %9s KiB\n" "$1" "perf report --stdio (anchor)" "$pw" "$pm"
	printf "perf_files: %-5s %-32s %8s s %9s KiB   %s of perf's time, %s of its memory\n" "$1" \
		"pyperfmap report --stdio" "$ow" "$om" "$(ratio "$ow" "$pw")" "$(ratio "$om" "$pm")"
	[ -z "$BEFORE" ] || printf "perf_files: %-5s %-32s %8s s %9s KiB\n" "$1" "before (${BEFORE##*/})" \
		"$(median "before_$1" 1)" "$(median "before_$1" 2)"
}

echo "perf_files: recording the frame-pointer file (about 12 s)..."
perf record -q -g -F 9999 -o "$TMP/fp.data" -- sh -c "$(workload hot_c 11)" >/dev/null 2>&1 \
	|| { echo "perf_files: perf record -g failed"; exit 1; }
compare fp "$TMP/fp.data"
rm -f "$TMP/fp.data"

echo "perf_files: recording the DWARF file (about 12 s)..."
perf record -q --call-graph dwarf -F 4999 -o "$TMP/dwarf.data" -- sh -c "$(workload hot_nofp 11)" \
	>/dev/null 2>&1 || { echo "perf_files: perf record --call-graph dwarf failed"; exit 1; }
compare dwarf "$TMP/dwarf.data"
"$PYPERFMAP" report -i "$TMP/dwarf.data" 2>/dev/null | grep '^# Stacks unwound' | sed 's/^# /perf_files: dwarf: /'
