#!/bin/bash
# The program's behaviour does not change under the trampoline: the same transcript
# (exceptions, generators, async, settrace/setprofile, recursion, signals, threads),
# the same stdout, stderr, argv and exit status as without it, with pyperfmap exec
# and with the pyperfmap-python launcher.
# scenarios: exec launcher
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_exec() {
	python_under_test "$@"
	"$PY" "$PROGS/behaviour.py" >plain.txt 2>&1
	"$PPM_BIN" exec -- "$PY" "$PROGS/behaviour.py" >tramp.txt 2>&1
	if cmp -s plain.txt tramp.txt && [ "$(wc -l <plain.txt)" -gt 10 ]; then
		pass "$PYVER: behaviour transcript identical ($(wc -l <plain.txt) lines)"
	else
		fail "$PYVER: transcripts differ: $(diff plain.txt tramp.txt | head -5)"
	fi
	"$PPM_BIN" exec -- "$PY" -c 'import sys; print(sys.argv[1:]); sys.stderr.write("e\n"); sys.exit(5)' a 'b c' >o.txt 2>e.txt
	rc=$?
	exit_is $rc 5 && [ "$(cat o.txt)" = "['a', 'b c']" ] && [ "$(cat e.txt)" = e ] \
		&& pass "$PYVER: -c: argv, stdout, stderr, exit status unchanged" || fail "$PYVER: -c rc=$rc out=$(cat o.txt) err=$(cat e.txt)"
	"$PPM_BIN" exec -- "$PY" -m json.tool <<<'{"k": [1, 2]}' >o.txt 2>e.txt
	[ "$(tr -d ' \n' <o.txt)" = '{"k":[1,2]}' ] && [ ! -s e.txt ] && pass "$PYVER: -m works" || fail "$PYVER: -m: $(cat o.txt e.txt)"
	# Recursion: RecursionError no earlier than without the hook (or than -X perf).
	depth='import sys
def d(n):
    try: return d(n + 1)
    except RecursionError: return n
sys.setrecursionlimit(5000); print(d(0))'
	base=$("$PY" -c "$depth" 2>/dev/null)
	"$PY" -X perf -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && base=$("$PY" -X perf -c "$depth" 2>/dev/null)
	ours=$("$PPM_BIN" exec -- "$PY" -c "$depth" 2>/dev/null)
	[ -n "$ours" ] && [ -n "$base" ] && [ "$ours" -ge "$base" ] && pass "$PYVER: RecursionError at depth $ours (reference $base)" \
		|| fail "$PYVER: recursion depth '$ours' < '$base'"
}

# The launcher works where the environment is ignored.
scenario_launcher() {
	python_under_test "$@"
	launcher=$BUILD/pyperfmap-python${PYVER%.*}
	[ -x "$launcher" ] || launcher=$BUILD/pyperfmap-python$PYVER
	[ -x "$launcher" ] || skip "no launcher for $PYVER: $PY is not a shared-library build (no libpython to embed)"
	"$PY" "$PROGS/behaviour.py" >plain.txt 2>&1
	out=$("$launcher" -I -c 'import pyperfmap, sys, os; print(pyperfmap.is_active(), sys.flags.isolated, os.getpid())' 2>&1)
	set -- $out
	MAPS_MADE+=("${3:-}")
	[ "${1:-} ${2:-}" = "True 1" ] && pass "$PYVER: pyperfmap-python -I: trampoline on" || fail "$PYVER: launcher: $out"
	"$launcher" "$PROGS/behaviour.py" >launch.txt 2>&1
	cmp -s plain.txt launch.txt && pass "$PYVER: launcher transcript identical" || fail "$PYVER: launcher differs: $(diff plain.txt launch.txt | head -3)"
}
run_scenario "$@"
