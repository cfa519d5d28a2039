#!/bin/bash
# record -p of a Python process started without any trampoline: CPython 3.14+ is asked
# to switch pyperfmap's on (PEP 768) and names its functions from then on, frames
# entered before show as Python time without a name, and at detach it is switched
# off again, the program's output unchanged; 3.8-3.13 are said to be unnameable, with
# the remedy.
# scenarios: names
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"

start_target() { # env...
	env "$@" "$PY" "$PROGS/attach_target.py" 2 >target.txt 2>target.err &
	TARGET=$!
	MAPS_MADE+=("$TARGET")
	wait_for 20 file_has target.txt '^ready' || fail "the target never got ready: $(cat target.err)"
}

scenario_names() {
	python_under_test "$@"
	"$PY" "$PROGS/attach_target.py" 0.2 >plain.txt 2>&1
	start_target
	"$PPM_BIN" record -F 2000 -o att.data -p $TARGET -- sleep 1 >/dev/null 2>err.txt
	rc=$?
	wait $TARGET
	trc=$?
	exit_is $rc 0 || fail "$PYVER: record -p exited $rc: $(cat err.txt)"
	exit_is $trc 0 && [ ! -s target.err ] && pass "$PYVER: the target ran on and ended well, nothing on its stderr" \
		|| fail "$PYVER: the target: exit $trc, stderr $(cat target.err)"
	[ "$(grep '^result' target.txt)" = "$(grep '^result' plain.txt)" ] && pass "$PYVER: its result as without the attach" \
		|| fail "$PYVER: result $(grep '^result' target.txt) vs $(grep '^result' plain.txt)"
	f=$PROGS/attach_target.py
	if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 14))'; then
		grep -q "^pyperfmap: 1 Python process switched on to name its functions (PEP 768)$" err.txt \
			&& pass "$PYVER: switched on from outside: $(grep PEP err.txt)" || fail "$PYVER: no activation: $(cat err.txt)"
		"$PPM_BIN" report -i att.data --format folded >f.txt
		grep -q ";py::baz:$f;py::bar:$f;py::foo:$f" f.txt && pass "$PYVER: py::baz;py::bar;py::foo named after the attach" \
			|| fail "$PYVER: no named stack: $(sort -t' ' -k2 -n f.txt | tail -1)"
		grep -q ';py::\[entered before attach\];.*py::baz:' f.txt \
			&& pass "$PYVER: the frames entered before the attach: Python time without a name" \
			|| fail "$PYVER: no 'entered before attach' frame"
		grep -q '^trampoline: off$' target.txt && pass "$PYVER: switched off again at detach" \
			|| fail "$PYVER: after detach: $(grep trampoline target.txt)"
		[ -z "$(ls -d /tmp/pyperfmap-attach-* 2>/dev/null)" ] && pass "$PYVER: no script left behind" \
			|| fail "$PYVER: left: $(ls /tmp/pyperfmap-attach-*/ 2>&1)"
	else
		grep -q "^pyperfmap: 1 of 1 Python process cannot be named (CPython $(echo "$PYVER" | cut -d. -f1-2) runs no trampoline: start it with PYPERFMAP=1 (pyperfmap exec) or python -X perf to name its functions; 3.14 and later can be switched on from outside)$" err.txt \
			&& pass "$PYVER: $(grep 'cannot be named' err.txt)" || fail "$PYVER: notice: $(cat err.txt)"
		grep -q '^trampoline: absent$' target.txt && pass "$PYVER: nothing was loaded into it" || fail "$PYVER: $(grep trampoline target.txt)"
	fi
}

run_scenario "$@"
