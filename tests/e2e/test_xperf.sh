#!/bin/bash
# CPython's own perf trampoline (-X perf, 3.12+) with pyperfmap: only one of the two
# runs (ours steps aside when CPython's is on; while ours is on, CPython refuses up to
# 3.14 and from 3.15 takes over), a recording of a -X perf program names py:: frames
# from CPython's map, also once the map in /tmp is gone (the copy inside perf.data),
# with garbage lines counted; DWARF stacks go through CPython's stubs (-X perf and
# -X perf_jit) whole; perf record -g files of -X perf programs name py:: frames; and
# perf record --call-graph dwarf files of them are unwound by report, through
# CPython's stubs (known by their perf-map entries), whole.
# scenarios: steps_aside refuses report dwarf perf_jit perf_g perf_dwarf
# per-python: 3.12
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# Ours steps aside silently (the functions are named either way, and the program's
# stderr is its own); pyperfmap exec says it once.
scenario_steps_aside() {
	python_under_test "$@"
	out=$(PYPERFMAP=1 PYTHONPATH="$PYDIR" "$PY" -X perf -c 'import sys, os, pyperfmap
print(sys.is_stack_trampoline_active(), pyperfmap.is_active(), os.getpid())' 2>err.txt)
	set -- $out
	MAPS_MADE+=("${3:-}")
	[ "${1:-} ${2:-}" = "True False" ] && [ ! -s err.txt ] \
		&& pass "$PYVER: with -X perf, CPython's trampoline works and ours steps aside, silently" \
		|| fail "$PYVER: -X perf together: $out $(cat err.txt)"
	out=$("$PPM_BIN" exec -- "$PY" -X perf -c 'import os; print(os.getpid())' 2>err.txt)
	MAPS_MADE+=("$out")
	[ "$(cat err.txt)" = "pyperfmap: -X perf: CPython's own perf trampoline names the Python functions; pyperfmap's stays off" ] \
		&& pass "$PYVER: pyperfmap exec -- python -X perf says it once" || fail "$PYVER: exec -X perf: $(cat err.txt)"
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
print(pyperfmap.is_active())' 2>err.txt)
	MAPS_MADE+=("$(echo "$out" | head -1 | cut -d' ' -f2)")
	verdict=$(echo "$out" | head -1 | cut -d' ' -f1)
	ours=$(echo "$out" | tail -1)
	if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 15))'; then
		# 3.15's activate_stack_trampoline chains to a hook already set, which would
		# name every function twice: ours hands over to it.
		[ "$verdict" = accepted ] && [ "$ours" = False ] && [ ! -s err.txt ] \
			&& pass "$PYVER: sys.activate_stack_trampoline takes over from ours" || fail "$PYVER: $out $(cat err.txt)"
	else
		[ "$verdict" = refused ] && [ "$ours" = True ] \
			&& pass "$PYVER: sys.activate_stack_trampoline refuses while ours is on, ours stays on" || fail "$PYVER: $out $(cat err.txt)"
	fi
}

# DWARF stacks through CPython's own stubs (--no-trampoline: CPython's alone), named
# from CPython's map; the report's rows with children, so py::foo is one whatever
# share its stub itself gets.
scenario_report() {
	python_under_test "$@"
	PPM_TEST_GARBAGE=1 "$PPM_BIN" record --no-trampoline --call-graph dwarf -F 2000 -o py.data -- "$PY" -X perf "$PROGS/calls.py" 1.5 \
		>out.txt 2>err.txt || fail "record failed: $(cat err.txt)"
	grep -q '^done' out.txt && pass "python ran" || fail "python output missing"
	grep -Eq 'perf maps? embedded' err.txt && pass "perf map embedded" || fail "no perf map embedded: $(cat err.txt)"
	pid=$(pids_of py.data | head -1)
	MAPS_MADE+=("$pid")
	check_report "map on disk"
	if command -v perf >/dev/null; then
		perf report -i py.data --stdio --children 2>perr.txt | grep -q 'py::foo' && [ ! -s perr.txt ] \
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

# whole FILE: "whole all infoo" of FILE's folded stacks: samples through chain.py's whole
# chain, all samples, and samples with py::foo in them.
whole_chains() {
	"$PPM_BIN" report -i "$1" --format folded | awk -v f="$PROGS/chain.py" '{ a += $NF }
		index($0, ";py::foo:" f) { foo += $NF }
		index($0, ";py::<module>:" f ";py::baz:" f ";py::bar:" f ";py::foo:" f) { w += $NF }
		END { print w + 0, a + 0, foo + 0 }'
}
# Whether stacks were unwound whole: nearly every sample that reached foo's stub went on
# through bar's and baz's to the module (a failure there leaves foo with a cut chain),
# and most samples reached it (a failure before it leaves no py::foo). Not a share of
# all samples: start-up and clock calls take more of them on a loaded machine.
unwound_whole() { # whole all infoo
	[ "$2" -ge 1000 ] && [ $((100 * $1)) -ge $((98 * $3)) ] && [ $((100 * $3)) -ge $((80 * $2)) ]
}

# pyperfmap record of python -X perf, unwinding DWARF stacks through CPython's stubs.
record_xperf() { # option
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o x.data -- "$PY" -X "$1" "$PROGS/chain.py" 1.5 >/dev/null 2>err.txt \
		|| fail "$PYVER: record -X $1 failed: $(cat err.txt)"
	for p in $(pids_of x.data); do MAPS_MADE+=("$p"); done
	grep -q "^pyperfmap: -X $1: CPython's own perf trampoline names the Python functions; pyperfmap's stays off$" err.txt \
		&& pass "$PYVER: record says CPython's own trampoline (-X $1) names the functions" || fail "$PYVER: notice: $(cat err.txt)"
	[ "$(grep -c "stays off" err.txt)" = 1 ] || fail "$PYVER: the step-aside notice came $(grep -c "stays off" err.txt) times"
	read -r whole all infoo < <(whole_chains x.data)
	unwound_whole "$whole" "$all" "$infoo" \
		&& pass "$PYVER: -X $1, DWARF: $whole of the $infoo samples in foo ($all in all) carry py::<module>;py::baz;py::bar;py::foo" \
		|| fail "$PYVER: -X $1, DWARF: $whole of $infoo samples in foo whole, $all in all ($(grep unwound err.txt))"
}

scenario_dwarf() {
	python_under_test "$@"
	record_xperf perf
}

scenario_perf_jit() {
	python_under_test "$@"
	"$PY" -X perf_jit -c 'import sys; sys.exit(not sys.is_stack_trampoline_active())' 2>/dev/null \
		|| skip "$PYVER has no -X perf_jit (3.13+)"
	record_xperf perf_jit
}

# perf's own recording of a -X perf program, read by pyperfmap: samples inside
# CPython's stubs (frame pointers stop at the first frame without one on most builds,
# so 50 kHz for 2 s makes "none at all" a failure).
scenario_perf_g() {
	need_perf
	need_rate 50000
	python_under_test "$@"
	perf record -q -g -F 50000 -o perf.data -- "$PY" -X perf "$PROGS/calls.py" 2 >/dev/null 2>perr.txt \
		|| fail "$PYVER: perf record: $(tail -2 perr.txt)"
	for p in $(perf script -i perf.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i perf.data --no-children -G >rep.txt 2>&1 || fail "$PYVER: report: $(cat rep.txt)"
	grep -Eq "\[python\] +\[\.\] py::foo:$PROGS/calls.py$" rep.txt \
		&& pass "$PYVER: pyperfmap report of perf record -g names py::foo from CPython's map" \
		|| fail "$PYVER: no py::foo row in the report of perf's file: $(grep -c 'py::' rep.txt) py:: rows"
}

check_report() { # label
	"$PPM_BIN" report -i py.data -G >rep.txt 2>&1 || fail "$1: report failed"
	if grep -Eq "\[python\] +\[\.\] py::foo:$PROGS/calls.py$" rep.txt; then
		pass "$1: py::foo:$PROGS/calls.py is a row ($(grep -E 'py::foo' rep.txt | awk '{print $1}'))"
	else
		fail "$1: no py::foo row: $(grep -c py:: rep.txt) py:: rows"
	fi
	grep -q '^# Perf map lines skipped as garbage: 2$' rep.txt && pass "$1: garbage map lines counted" \
		|| fail "$1: garbage lines not reported: $(grep '^#' rep.txt | tr '\n' ' ')"
	"$PPM_BIN" report -i py.data --format folded >folded.txt
	grep -q ';py::foo:' folded.txt && pass "$1: folded stacks name py::foo" || fail "$1: folded lacks py::foo"
}
# perf's own DWARF recording of a -X perf program: the process is gone when report
# reads it, so the stubs are known by their perf-map entries (their size gives their
# shape: frame pointer or not, as this build made them).
scenario_perf_dwarf() {
	need_perf
	python_under_test "$@"
	perf record -q --call-graph dwarf -e cpu-clock -F 1000 -o pd.data -- "$PY" -X perf "$PROGS/chain.py" 1.5 \
		>/dev/null 2>perr.txt || skip "perf cannot record DWARF call graphs here: $(head -1 perr.txt)"
	for p in $(perf script -i pd.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
	read -r whole all infoo < <(whole_chains pd.data)
	unwound_whole "$whole" "$all" "$infoo" \
		&& pass "$PYVER: perf record --call-graph dwarf of -X perf: report unwinds $whole of the $infoo samples in foo ($all in all) to py::<module>;py::baz;py::bar;py::foo" \
		|| fail "$PYVER: perf's DWARF file: $whole of $infoo samples in foo whole, $all in all ($("$PPM_BIN" report -i pd.data 2>&1 | grep '^# Stacks unwound'))"
}

run_scenario "$@"
