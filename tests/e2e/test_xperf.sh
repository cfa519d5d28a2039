#!/bin/bash
# CPython's own perf trampoline (-X perf, 3.12+) with pyperfmap: only one of the two
# runs (ours steps aside when CPython's is on; CPython refuses while ours is on), and
# a recording of a -X perf program names py:: frames from CPython's map, also once
# the map in /tmp is gone (the copy inside perf.data), with garbage lines counted.
# scenarios: steps_aside refuses report
# per-python: 3.12
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_steps_aside() {
	python_under_test "$@"
	out=$(PYPERFMAP=1 PYTHONPATH="$PYDIR" "$PY" -X perf -c 'import sys, os; print(sys.is_stack_trampoline_active(), os.getpid())' 2>err.txt)
	set -- $out
	MAPS_MADE+=("${2:-}")
	[ "${1:-}" = True ] && grep -q "CPython's own perf trampoline is active" err.txt \
		&& pass "$PYVER: with -X perf, CPython's trampoline works and ours steps aside" \
		|| fail "$PYVER: -X perf together: $out $(cat err.txt)"
}

scenario_refuses() {
	python_under_test "$@"
	out=$(PYTHONPATH="$PYDIR" "$PY" -c '
import os, sys, pyperfmap
pyperfmap.activate()
try:
    sys.activate_stack_trampoline("perf")
    print("accepted", os.getpid())
except RuntimeError as e:
    print("refused", os.getpid())
print(pyperfmap.is_active())' 2>&1)
	MAPS_MADE+=("$(echo "$out" | head -1 | cut -d' ' -f2)")
	[ "$(echo "$out" | head -1 | cut -d' ' -f1)" = refused ] && [ "$(echo "$out" | tail -1)" = True ] \
		&& pass "$PYVER: sys.activate_stack_trampoline refuses while ours is on, ours stays on" || fail "$PYVER: $out"
}

# The kernel's callchain never reaches a trampoline in builds without frame pointers,
# so --no-trampoline --call-graph none: the py:: frames are samples taken inside
# CPython's own stubs of a call-heavy script.
scenario_report() {
	python_under_test "$@"
	PPM_TEST_GARBAGE=1 "$PPM_BIN" record --no-trampoline --call-graph none -F 4000 -o py.data -- "$PY" -X perf "$PROGS/calls.py" 1.5 \
		>out.txt 2>err.txt || fail "record failed: $(cat err.txt)"
	grep -q '^done' out.txt && pass "python ran" || fail "python output missing"
	grep -Eq 'perf maps? embedded' err.txt && pass "perf map embedded" || fail "no perf map embedded: $(cat err.txt)"
	pid=$(pids_of py.data | head -1)
	MAPS_MADE+=("$pid")
	check_report "map on disk"
	if command -v perf >/dev/null; then
		perf report -i py.data --stdio --no-children 2>perr.txt | grep -q 'py::foo' && [ ! -s perr.txt ] \
			&& pass "perf report agrees on py::foo and reads the file silently" \
			|| fail "perf report: $(head -2 perr.txt)"
	fi
	# Remove the map this test's python wrote: the copy inside the file must do.
	if [ -n "$pid" ] && [ -f "/tmp/perf-$pid.map" ]; then
		rm -f "/tmp/perf-$pid.map"
		check_report "map deleted"
	else
		fail "could not find the map of pid '$pid' to delete"
	fi
}

check_report() { # label
	"$PPM_BIN" report -i py.data --no-children >rep.txt 2>&1 || fail "$1: report failed"
	if grep -Eq "perf-[0-9]+\.map +\[\.\] py::foo:$PROGS/calls.py$" rep.txt; then
		pass "$1: py::foo:$PROGS/calls.py is a row ($(grep -E 'py::foo' rep.txt | awk '{print $1}'))"
	else
		fail "$1: no py::foo row: $(grep -c py:: rep.txt) py:: rows"
	fi
	grep -q '^# Perf map lines skipped as garbage: 2$' rep.txt && pass "$1: garbage map lines counted" \
		|| fail "$1: garbage lines not reported: $(grep '^#' rep.txt | tr '\n' ' ')"
	"$PPM_BIN" report -i py.data --format folded >folded.txt
	grep -q ';py::foo:' folded.txt && pass "$1: folded stacks name py::foo" || fail "$1: folded lacks py::foo"
}
run_scenario "$@"
