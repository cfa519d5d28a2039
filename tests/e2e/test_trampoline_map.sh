#!/bin/bash
# For every CPython built for: the perf map names foo, bar, baz (and a function only a
# thread runs) with the right file, in CPython's exact format; a fork gives parent
# and child maps; activate()/deactivate() give exactly the functions called between.
. "$(dirname "$0")/lib.sh"
need_interpreters

while read -r ver py; do
	[ -x "$py" ] || { echo "SKIP (part): $py is gone"; continue; }
	# PYPERFMAP=1 through pyperfmap exec.
	pid=$("$PPM_BIN" exec -- "$py" "$PROGS/tramp_funcs.py" 2>"$TMP/err")
	MAPS_MADE+=("$pid")
	map=/tmp/perf-$pid.map
	if [ ! -s "$map" ]; then fail "$ver: no map $map: $(cat "$TMP/err")"; continue; fi
	ok=1
	for f in foo bar baz in_thread_only; do
		grep -Eq "^[0-9a-f]+ [0-9a-f]+ py::$f:$PROGS/tramp_funcs.py\$" "$map" || { ok=0; fail "$ver: py::$f missing"; }
	done
	[ $ok = 1 ] && pass "$ver: py::foo, bar, baz, in_thread_only named with their file"
	bad=$(grep -Evc '^[0-9a-f]+ [0-9a-f]+ py::.+:.+$' "$map")
	[ "$bad" = 0 ] && pass "$ver: every line is 'START SIZE py::NAME:FILE', hex without 0x" || fail "$ver: $bad malformed lines"
	# Unique, non-overlapping ranges.
	overlaps=$(awk '{ s = strtonum("0x" $1); e = s + strtonum("0x" $2); print s, e }' "$map" | sort -n |
		awk 'NR > 1 && $1 < prev_end { n++ } { prev_end = $2 } END { print n + 0 }')
	dups=$(cut -d' ' -f1 "$map" | sort | uniq -d | wc -l)
	[ "$overlaps" = 0 ] && [ "$dups" = 0 ] && pass "$ver: $(wc -l <"$map") stubs, unique and non-overlapping" \
		|| fail "$ver: $overlaps overlaps, $dups duplicate addresses"
	[ "$(stat -c %a "$map")" = 600 ] && pass "$ver: map mode 0600" || fail "$ver: map mode $(stat -c %a "$map")"
	[ -s "$TMP/err" ] && fail "$ver: unexpected stderr: $(cat "$TMP/err")"

	# fork: the child writes its own map for what it runs; inherited stubs stay in the parent's.
	read -r ppid cpid < <("$PPM_BIN" exec -- "$py" "$PROGS/tramp_fork.py")
	MAPS_MADE+=("$ppid" "$cpid")
	if grep -q "py::parent_only:" "/tmp/perf-$ppid.map" 2>/dev/null && grep -q "py::child_only:" "/tmp/perf-$cpid.map" 2>/dev/null \
		&& ! grep -q "py::child_only:" "/tmp/perf-$ppid.map"; then
		pass "$ver: fork gives parent and child maps (child left through os._exit)"
	else
		fail "$ver: fork maps: parent $(grep -c py:: "/tmp/perf-$ppid.map" 2>/dev/null) lines, child $(grep -c py:: "/tmp/perf-$cpid.map" 2>/dev/null)"
	fi

	# The Python API, without PYPERFMAP: exactly the functions called while active.
	pid=$(PYTHONPATH="$PYDIR" "$py" "$PROGS/tramp_api.py" 2>"$TMP/err")
	rc=$?
	MAPS_MADE+=("$pid")
	names=$(grep -o 'py::[^:]*:' "/tmp/perf-$pid.map" 2>/dev/null | sort | tr '\n' ' ')
	[ $rc -eq 0 ] && [ "$names" = "py::again: py::during_one: py::during_two: " ] && pass "$ver: activate/deactivate (also from inside a stub): exactly again, during_one, during_two" \
		|| fail "$ver: API run rc=$rc, map names '$names' $(cat "$TMP/err")"
	# A PEP 523 hook installed earlier is chained to, and restored by deactivate().
	hookdir=$BUILD/python-test/$ver
	if [ -d "$hookdir" ]; then
		pid=$(PYTHONPATH="$PYDIR:$hookdir" "$py" "$PROGS/tramp_chain.py" 2>"$TMP/err")
		rc=$?
		MAPS_MADE+=("$pid")
		[ $rc -eq 0 ] && grep -q "py::g:$PROGS/tramp_chain.py" "/tmp/perf-$pid.map" \
			&& pass "$ver: an earlier PEP 523 hook is chained to and given back" \
			|| fail "$ver: chaining: rc=$rc $(tail -2 "$TMP/err")"
	fi
done < <(interpreters)
finish
