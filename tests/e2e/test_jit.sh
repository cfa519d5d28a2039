#!/bin/bash
# CPython's JIT (3.13+ builds with it, PYTHON_JIT=1) under pyperfmap record: the
# program's output as without it, one notice saying what the profile can and cannot
# name, and the Python functions still named.
# scenarios: jit
# per-python: 3.13
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# The JIT (3.13+ builds with it; PYTHON_JIT=1): one notice, the program's output and
# the Python names as without it.
scenario_jit() {
	python_under_test "$@"
	PYTHON_JIT=1 "$PY" -c 'import sys; sys.exit(not (hasattr(sys, "_jit") and sys._jit.is_enabled()))' 2>/dev/null \
		|| skip "$PYVER is built without the JIT"
	PYTHON_JIT=1 "$PY" "$PROGS/behaviour.py" >plain.txt 2>&1
	PYTHON_JIT=1 "$PPM_BIN" record -F 2000 -o jit.data -- "$PY" "$PROGS/behaviour.py" >ours.txt 2>err.txt \
		|| fail "$PYVER: record failed: $(cat err.txt)"
	for p in $(pids_of jit.data); do MAPS_MADE+=("$p"); done
	cmp -s plain.txt ours.txt && pass "$PYVER: PYTHON_JIT=1: the program's output is unchanged" || fail "$PYVER: output differs under JIT"
	[ "$(grep -c '^pyperfmap: PYTHON_JIT=1: ' err.txt)" = 1 ] && pass "$PYVER: one JIT notice: $(grep 'PYTHON_JIT' err.txt)" \
		|| fail "$PYVER: JIT notice: $(cat err.txt)"
	PYTHON_JIT=1 "$PPM_BIN" record -F 2000 -o jit2.data -- "$PY" "$PROGS/chain.py" 1 >/dev/null 2>err.txt || fail "record chain.py: $(cat err.txt)"
	for p in $(pids_of jit2.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i jit2.data --format folded | grep -q "py::foo:$PROGS/chain.py" \
		&& pass "$PYVER: PYTHON_JIT=1: py::foo is named" || fail "$PYVER: no py::foo under the JIT"
}

run_scenario "$@"
