#!/bin/bash
# For every CPython built for: the perf map names foo, bar, baz (and a function only a
# thread runs) with the right file, in CPython's exact format; a fork gives parent
# and child maps; activate()/deactivate() give exactly the functions called between;
# a PEP 523 hook installed before ours is chained to and given back.
# scenarios: map fork api chain
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_map() {
	python_under_test "$@"
	# PYPERFMAP=1 through pyperfmap exec.
	pid=$("$PPM_BIN" exec -- "$PY" "$PROGS/tramp_funcs.py" 2>err.txt)
	rc=$?
	MAPS_MADE+=("$pid")
	exit_is $rc 0 || fail "$PYVER: tramp_funcs.py exited $rc: $(cat err.txt)"
	map=/tmp/perf-$pid.map
	[ -s "$map" ] || { fail "$PYVER: no map $map: $(cat err.txt)"; return; }
	ok=1
	for f in foo bar baz in_thread_only; do
		grep -Eq "^[0-9a-f]+ [0-9a-f]+ py::$f:$PROGS/tramp_funcs.py\$" "$map" || { ok=0; fail "$PYVER: py::$f missing"; }
	done
	[ $ok = 1 ] && pass "$PYVER: py::foo, bar, baz, in_thread_only named with their file"
	bad=$(grep -Evc '^[0-9a-f]+ [0-9a-f]+ py::.+:.+$' "$map")
	[ "$bad" = 0 ] && pass "$PYVER: every line is 'START SIZE py::NAME:FILE', hex without 0x" || fail "$PYVER: $bad malformed lines"
	# Unique, non-overlapping ranges.
	overlaps=$(awk '{ s = strtonum("0x" $1); e = s + strtonum("0x" $2); print s, e }' "$map" | sort -n |
		awk 'NR > 1 && $1 < prev_end { n++ } { prev_end = $2 } END { print n + 0 }')
	dups=$(cut -d' ' -f1 "$map" | sort | uniq -d | wc -l)
	[ "$overlaps" = 0 ] && [ "$dups" = 0 ] && pass "$PYVER: $(wc -l <"$map") stubs, unique and non-overlapping" \
		|| fail "$PYVER: $overlaps overlaps, $dups duplicate addresses"
	[ "$(stat -c %a "$map")" = 600 ] && pass "$PYVER: map mode 0600" || fail "$PYVER: map mode $(stat -c %a "$map")"
	[ -s err.txt ] && fail "$PYVER: unexpected stderr: $(cat err.txt)"
}

# fork: the child writes its own map for what it runs; inherited stubs stay in the parent's.
scenario_fork() {
	python_under_test "$@"
	read -r ppid cpid < <("$PPM_BIN" exec -- "$PY" "$PROGS/tramp_fork.py")
	MAPS_MADE+=("${ppid:-}" "${cpid:-}")
	if [ -n "${cpid:-}" ] && grep -q "py::parent_only:" "/tmp/perf-$ppid.map" 2>/dev/null \
		&& grep -q "py::child_only:" "/tmp/perf-$cpid.map" 2>/dev/null && ! grep -q "py::child_only:" "/tmp/perf-$ppid.map"; then
		pass "$PYVER: fork gives parent and child maps (child left through os._exit)"
	else
		fail "$PYVER: fork maps: parent $(grep -c py:: "/tmp/perf-$ppid.map" 2>/dev/null) lines, child $(grep -c py:: "/tmp/perf-$cpid.map" 2>/dev/null)"
	fi
}

# The Python API, without PYPERFMAP: exactly the functions called while active.
scenario_api() {
	python_under_test "$@"
	pid=$(PYTHONPATH="$PYDIR" "$PY" "$PROGS/tramp_api.py" 2>err.txt)
	rc=$?
	MAPS_MADE+=("$pid")
	names=$(grep -o 'py::[^:]*:' "/tmp/perf-$pid.map" 2>/dev/null | sort | tr '\n' ' ')
	exit_is $rc 0 && [ "$names" = "py::again: py::during_one: py::during_two: " ] \
		&& pass "$PYVER: activate/deactivate (also from inside a stub): exactly again, during_one, during_two" \
		|| fail "$PYVER: API run rc=$rc, map names '$names' $(cat err.txt)"
}

# A PEP 523 hook installed earlier is chained to, and restored by deactivate().
scenario_chain() {
	python_under_test "$@"
	hookdir=$BUILD/python-test/$PYVER
	[ -d "$hookdir" ] || { fail "$PYVER: the stand-in hook module was not built ($hookdir)"; return; }
	pid=$(PYTHONPATH="$PYDIR:$hookdir" "$PY" "$PROGS/tramp_chain.py" 2>err.txt)
	rc=$?
	MAPS_MADE+=("$pid")
	exit_is $rc 0 && grep -q "py::g:$PROGS/tramp_chain.py" "/tmp/perf-$pid.map" \
		&& pass "$PYVER: an earlier PEP 523 hook is chained to and given back" \
		|| fail "$PYVER: chaining: rc=$rc $(tail -2 err.txt)"
}
run_scenario "$@"
