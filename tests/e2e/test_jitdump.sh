#!/bin/bash
# exec --jitdump / record --jitdump: /tmp/jit-PID.dump in perf's format on every CPython
# built for, and perf's own pipeline over it (perf record -k 1 --call-graph dwarf, perf
# inject --jit, perf report) showing whole py:: chains, each Python function its own
# symbol in its own injected ELF (identical stubs are not merged by build-id).
# scenarios: exec_pipeline
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
need_perf
cd "$TMP"
cat >chain.py <<'PY'
def f3(n):
    s = 0
    for i in range(n):
        s += i * i
    return s

def f2(n):
    return f3(n)

def f1(n):
    return f2(n)

import time
end = time.process_time() + 1.0   # CPU seconds: ~500 samples at 499 Hz on any machine
while time.process_time() < end:
    f1(100000)
PY

# "full partial": samples in f3 whose chain reaches <module> through f2 and f1, and all in f3
chains() {
	perf script -i "$1" -F ip,sym 2>/dev/null | awk '
		/^$/ { if (s ~ /py::f3:/) { n++; if (s ~ /py::f3:[^;]*;.*py::f2:[^;]*;.*py::f1:[^;]*;.*py::<module>:/) full++ } s = ""; next }
		{ $1 = ""; sub(/^ /, ""); s = s (s == "" ? "" : ";") $0 }
		END { printf "%d %d\n", full, n }'
}

scenario_exec_pipeline() {
	python_under_test "$@"
	ver=$PYVER py=$PY
	touch before-run
	perf record -q -k 1 --call-graph dwarf -F 499 -o j.data -- "$PPM_BIN" exec --jitdump -- "$py" "$TMP/chain.py" \
		>/dev/null 2>rec.err || { fail "$ver: perf record: $(tail -1 rec.err)"; return; }
	map=$(grep -l "py::f3:$TMP/chain.py" $(find /tmp -maxdepth 1 -name 'perf-*.map' -newer before-run) 2>/dev/null | head -1)
	pid=${map#/tmp/perf-}; pid=${pid%.map}
	[ -n "$map" ] || { fail "$ver: no perf map names py::f3"; return; }
	MAPS_MADE+=("$pid")
	[ -f "/tmp/jit-$pid.dump" ] || { fail "$ver: no /tmp/jit-$pid.dump"; return; }
	if python3 "$PROGS/jitdump_check.py" "/tmp/jit-$pid.dump" "/tmp/perf-$pid.map" >chk.txt; then
		pass "$ver: $(cat chk.txt)"
	else
		fail "$ver: $(cat chk.txt)"
	fi
	perf inject --jit -i j.data -o j.inj.data 2>inj.err || { fail "$ver: perf inject: $(head -2 inj.err)"; return; }
	read -r full n < <(chains j.inj.data)
	if [ "${n:-0}" -gt 20 ] && [ $((100 * full / n)) -ge 90 ]; then
		pass "$ver: perf report after perf inject --jit: $full of $n samples in f3 carry the whole chain f3 <- f2 <- f1 <- <module>"
	else
		fail "$ver: whole chains in $full of $n samples in py::f3"
	fi
	# each function its own symbol in its own injected ELF
	perf report -i j.inj.data --stdio --children --sort dso,sym -g none 2>/dev/null |
		awk '/%/ && / py::(f[123]|<module>):/ { for (i = 1; i < NF; i++) if ($(i + 1) == "[.]") print $i, $(i + 2) }' |
		grep "$TMP/chain.py" | sort -u >dsos.txt
	ndso=$(awk '{ print $1 }' dsos.txt | sort -u | wc -l)
	nsym=$(awk '{ print $2 }' dsos.txt | sort -u | wc -l)
	if [ "$nsym" = 4 ] && [ "$ndso" = 4 ] && grep -q '^jitted-' dsos.txt; then
		pass "$ver: py::f1, f2, f3, <module> in four distinct jitted ELFs"
	else
		fail "$ver: symbols/objects after inject: $(tr '\n' ' ' <dsos.txt)"
	fi
}

run_scenario "$@"
