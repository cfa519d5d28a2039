#!/bin/bash
# Golden outputs: every report format, script, and the counter table, byte for byte,
# on the files perfgen writes (tests/gen: the same bytes on any machine, binaries
# read under --symfs). They pin what a change of the report engine must keep; when
# a change is meant to alter an output, regenerate them and read the diff:
#   PPM_GOLDEN_UPDATE=1 ctest -R e2e_test_golden      (writes tests/golden/)
# scenarios: report counters
. "$(dirname "$0")/lib.sh"
cd "$TMP"
GOLDEN=$SRC/tests/golden

# check NAME FILE: FILE is tests/golden/NAME byte for byte (or becomes it on update).
check() {
	if [ -n "${PPM_GOLDEN_UPDATE:-}" ]; then
		cp "$2" "$GOLDEN/$1" && pass "$1: written"
	elif cmp -s "$2" "$GOLDEN/$1"; then
		pass "$1: $(wc -c <"$2") bytes as expected"
	else
		fail "$1 differs from tests/golden/$1: $(diff <(cat -v "$GOLDEN/$1" 2>&1) <(cat -v "$2") | head -8)"
	fi
}

# out NAME CMD...: CMD's stdout into NAME (and a failed CMD is a failure).
out() {
	local name=$1
	shift
	"$@" >"$name" 2>err.txt || fail "$name: '$*' exited $?: $(cat err.txt)"
	check "$name" "$name"
}

scenario_report() {
	"$PERFGEN" golden . || fail "perfgen golden failed"
	R=("$PPM_BIN" report -i golden.data --symfs root)
	out report.txt "${R[@]}"
	out report_no_children.txt "${R[@]}" --no-children
	out report_sort_pid.txt "${R[@]}" --no-children --sort pid,sym -G
	out report_show_interpreter.txt "${R[@]}" --no-children --show-interpreter
	out report_callee.txt "${R[@]}" -g callee
	out report_hierarchy.txt "${R[@]}" --hierarchy
	out report_limits.txt "${R[@]}" --no-children -G --percent-limit 5 --dsos '[python],libc.so.6'
	out folded.txt "${R[@]}" --format folded
	out folded_show_interpreter.txt "${R[@]}" --format folded --show-interpreter
	out report.json "${R[@]}" --format json
	out script.txt "$PPM_BIN" script -i golden.data --symfs root
	out script_fields.txt "$PPM_BIN" script -i golden.data --symfs root -F comm,pid,tid,cpu,time,period,event,ip,sym,symoff,dso
	"${R[@]}" -F flamegraph -o flamegraph.html 2>err.txt || fail "flamegraph: $(cat err.txt)"
	check flamegraph.html flamegraph.html
	"${R[@]}" -F speedscope -o speedscope.json 2>err.txt || fail "speedscope: $(cat err.txt)"
	check speedscope.json speedscope.json
	# pprof: the profile itself, unzipped; its time fixed the reproducible-builds way.
	SOURCE_DATE_EPOCH=1700000000 "${R[@]}" -F pprof -o profile.pb.gz 2>err.txt || fail "pprof: $(cat err.txt)"
	gzip -dc profile.pb.gz >profile.pb || fail "pprof output is not gzip"
	check profile.pb profile.pb
}

scenario_counters() {
	"$PERFGEN" hw6 . >/dev/null || fail "perfgen hw6 failed"
	R=("$PPM_BIN" report -i hw6.data --symfs root)
	out counters.txt "${R[@]}"
	out counters_sort.txt "${R[@]}" --sort cache-misses
	out counters.json "${R[@]}" --format json
	out counters_event.txt "${R[@]}" --event instructions
	out counters_event_folded.txt "${R[@]}" --event branch-misses --format folded
}
run_scenario "$@"
