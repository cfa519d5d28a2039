#!/bin/bash
# record --jitdump: the recording itself goes through perf inject --jit, and both
# perf report and pyperfmap report read the injected file; option errors.
# scenarios: inject errors
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_inject() {
	need_perf
	need_interpreters
	PY=$(find_python 3.11 "")
	cat >chain.py <<'PY'
import time
def f3(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
def f2(n): return f3(n)
def f1(n): return f2(n)
end = time.process_time() + 1.0
while time.process_time() < end:
    f1(100000)
PY
	"$PPM_BIN" record -q --jitdump -o r.data -- "$PY" chain.py 2>err.txt || fail "record --jitdump: $(cat err.txt)"
	for p in $(pids_of r.data); do MAPS_MADE+=("$p"); done
	if perf inject --jit -i r.data -o r.inj.data 2>inj.err; then
		got=$(perf report -i r.inj.data --stdio --sort dso,sym 2>/dev/null | grep -c 'jitted-.*py::f[123]:')
		[ "$got" = 3 ] && pass "record --jitdump: perf inject --jit reads it; f1, f2, f3 in jitted ELFs" ||
			fail "record --jitdump then inject: $got of f1, f2, f3 in jitted ELFs"
		"$PPM_BIN" report -i r.inj.data -G >ours.txt 2>&1
		ours=$(grep -c '\[python\] .*py::f[123]:' ours.txt)
		[ "$ours" = 3 ] && pass "pyperfmap report reads the injected file too" ||
			fail "report of the injected file: $ours rows; $(head -12 ours.txt)"
		# perf inject keeps the VERSION of a pyperfmap file, not its private sections
		grep -q "cut short" ours.txt && fail "the injected file read as cut short: $(grep 'cut short' ours.txt)" \
			|| pass "the injected file is not taken for a recording cut short"
	else
		fail "perf inject --jit of a pyperfmap recording: $(head -3 inj.err)"
	fi
}

scenario_errors() {
	"$PPM_BIN" record --jitdump -p 1 2>err.txt
	rc=$?
	exit_is $rc 2 && [ "$(wc -l <err.txt)" = 1 ] && grep -q 'not with -p' err.txt \
		&& pass "record --jitdump -p: exit 2, $(cat err.txt)" || fail "record --jitdump -p: rc=$rc $(cat err.txt)"
	"$PPM_BIN" exec --jitdump --bogus -- true 2>err.txt
	rc=$?
	exit_is $rc 2 && grep -q "unknown option '--bogus'" err.txt \
		&& pass "exec --bogus: exit 2, $(cat err.txt)" || fail "exec --bogus: rc=$rc $(cat err.txt)"
}
run_scenario "$@"
