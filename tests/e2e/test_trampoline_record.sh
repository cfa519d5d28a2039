#!/bin/bash
# pyperfmap record switches the trampoline on in every Python process of the command
# tree (subprocess, multiprocessing spawn and fork); --no-trampoline leaves it off.
# Without call chains a sample names a Python function only when it lands inside its
# 5-instruction stub (about 0.1% of samples): these checks take 100,000 samples
# (50 kHz for 2 s) so that "none at all" means a real failure.
# scenarios: one tree no_trampoline
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# A 3.11 when there is one (the inlining CPython turns off under a hook), else the first.
pick_python() {
	need_interpreters
	PY=$(find_python 3.11 "")
	PYVER=$("$PY" -c 'import platform; print(platform.python_version())')
}

scenario_one() {
	pick_python
	need_rate 50000
	"$PPM_BIN" record --call-graph none -F 50000 -o one.data -- "$PY" "$PROGS/calls.py" 2 >out.txt 2>err.txt \
		|| fail "record failed: $(cat err.txt)"
	for p in $(pids_of one.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i one.data --no-children >rep.txt 2>&1
	grep -Eq "\[python\] +\[\.\] py::foo:$PROGS/calls.py$" rep.txt && pass "$PYVER: record -- python: py::foo named in the report" \
		|| fail "$PYVER: no py::foo row: $(grep -c 'py::' rep.txt) py:: rows; $(cat err.txt)"
}

scenario_tree() {
	pick_python
	need_rate 50000
	"$PPM_BIN" record --call-graph none -F 50000 -o tree.data -- "$PY" "$PROGS/tramp_children.py" 1 >out.txt 2>err.txt \
		|| fail "tree record failed: $(cat err.txt)"
	for p in $(pids_of tree.data); do MAPS_MADE+=("$p"); done
	maps=$(sed -n 's/.*, \([0-9]*\) perf maps\{0,1\} embedded.*/\1/p' err.txt)
	[ "${maps:-0}" -ge 4 ] && pass "$PYVER: $maps perf maps embedded (main, subprocess, spawn and fork workers, ...)" \
		|| fail "$PYVER: only ${maps:-0} maps: $(cat err.txt)"
	pids=$("$PPM_BIN" report -i tree.data --no-children --sort pid,sym -G | grep 'py::foo:' | awk '{ print $3 }' | sort -u | wc -l)
	[ "$pids" -ge 3 ] && pass "$PYVER: py::foo sampled in $pids different processes of the tree" || fail "$PYVER: py::foo in only $pids processes"
}

scenario_no_trampoline() {
	pick_python
	"$PPM_BIN" record --call-graph none --no-trampoline -F 4000 -o off.data -- "$PY" "$PROGS/calls.py" 0.5 >/dev/null 2>err.txt \
		|| fail "record --no-trampoline failed: $(cat err.txt)"
	"$PPM_BIN" report -i off.data --no-children -G >off.txt 2>&1 || fail "report failed: $(cat off.txt)"
	grep -q '^# Samples: [1-9]' off.txt && ! grep -q 'py::' off.txt && ! grep -q 'perf maps\{0,1\} embedded' err.txt \
		&& pass "--no-trampoline: samples, but no perf map and no py:: frames" \
		|| fail "--no-trampoline: $(grep -c 'py::' off.txt) py:: rows; $(cat err.txt)"
}
run_scenario "$@"
