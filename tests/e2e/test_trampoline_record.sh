#!/bin/bash
# (A sample lands inside a 5-instruction stub in about 0.1% of cases: these checks
# take 100,000 samples (50 kHz for 2 s) so that "none at all" means a real failure.)
# pyperfmap record switches the trampoline on in every Python process of the command
# tree (subprocess, multiprocessing spawn and fork); --no-trampoline leaves it off;
# perf's own tools read what it writes.
. "$(dirname "$0")/lib.sh"
need_interpreters
cd "$TMP"

# Debian's python3.11 if it was built for, else the first 3.11, else the first at all.
line=$(interpreters | awk '$2 == "/usr/bin/python3.11"' | head -1)
[ -n "$line" ] || line=$(interpreters | awk '$1 ~ /^3\.11\./' | head -1)
[ -n "$line" ] || line=$(interpreters | head -1)
read -r ver py <<<"$line"

"$PPM_BIN" record --call-graph none -F 50000 -o one.data -- "$py" "$PROGS/calls.py" 2 >out.txt 2>err.txt || fail "record failed: $(cat err.txt)"
"$PPM_BIN" report -i one.data --no-children >rep.txt 2>&1
grep -Eq "perf-[0-9]+\.map +\[\.\] py::foo:$PROGS/calls.py$" rep.txt && pass "$ver: record -- python: py::foo named in the report" \
	|| fail "$ver: no py::foo row: $(grep -c 'py::' rep.txt) py:: rows; $(cat err.txt)"

"$PPM_BIN" record --call-graph none -F 50000 -o tree.data -- "$py" "$PROGS/tramp_children.py" 1 >out.txt 2>err.txt || fail "tree record failed: $(cat err.txt)"
maps=$(sed -n 's/.*, \([0-9]*\) perf maps\{0,1\} embedded.*/\1/p' err.txt)
[ "${maps:-0}" -ge 4 ] && pass "$ver: $maps perf maps embedded (main, subprocess, spawn and fork workers, ...)" \
	|| fail "$ver: only ${maps:-0} maps: $(cat err.txt)"
pids=$("$PPM_BIN" report -i tree.data --no-children --sort pid,sym -G | grep 'py::foo:' | awk '{ print $3 }' | sort -u | wc -l)
[ "$pids" -ge 3 ] && pass "$ver: py::foo sampled in $pids different processes of the tree" || fail "$ver: py::foo in only $pids processes"

"$PPM_BIN" record --call-graph none --no-trampoline -F 4000 -o off.data -- "$py" "$PROGS/calls.py" 0.5 >/dev/null 2>err.txt
"$PPM_BIN" report -i off.data --no-children -G >off.txt 2>&1
! grep -q 'py::' off.txt && ! grep -q 'perf maps\{0,1\} embedded' err.txt && pass "--no-trampoline: no perf map, no py:: frames" \
	|| fail "--no-trampoline still named Python frames"

# perf record -g of pyperfmap exec, then perf script: py:: frames appear, for each version.
if command -v perf >/dev/null; then
	while read -r ver py; do
		[ -x "$py" ] || continue
		perf record -q -g -F 50000 -o perf.data -- "$PPM_BIN" exec -- "$py" "$PROGS/calls.py" 2 >/dev/null 2>perr.txt
		n=$(perf script -i perf.data -F ip,sym 2>/dev/null | grep -c "py::foo:$PROGS/calls.py")
		[ "$n" -gt 0 ] && pass "$ver: perf script shows py::foo ($n frames)" || fail "$ver: perf script shows no py::foo: $(head -2 perr.txt)"
		for p in $(perf script -i perf.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
	done < <(interpreters)
else
	echo "SKIP (part): no perf binary for the perf script check"
fi

# With CPython's own -X perf (3.12+): CPython's trampoline does the work, ours steps aside.
line=$(interpreters | awk '$1 ~ /^3\.1[23]\./' | head -1)
if [ -n "$line" ]; then
	read -r ver py <<<"$line"
	out=$(PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" -X perf -c 'import sys, os; print(sys.is_stack_trampoline_active(), os.getpid())' 2>err.txt)
	set -- $out
	MAPS_MADE+=("${2:-0}")
	[ "$1" = True ] && grep -q "CPython's own perf trampoline is active" err.txt && pass "$ver: with -X perf, CPython's trampoline works and ours steps aside" \
		|| fail "$ver: -X perf together: $out $(cat err.txt)"
	out=$(PYTHONPATH="$PYDIR" "$py" -c '
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
		&& pass "$ver: sys.activate_stack_trampoline refuses while ours is on, ours stays on" || fail "$ver: $out"
fi
finish
