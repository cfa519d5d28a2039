#!/bin/bash
# The README's first command runs examples/demo.sh: it must succeed and show the
# bundled program's Python functions.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
bash "$SRC/examples/demo.sh" "$BUILD" >out.txt 2>err.txt
rc=$?
[ $rc = 0 ] && pass "demo exits 0" || fail "demo exited $rc: $(tail -3 err.txt)"
grep -q '^# pyperfmap report' out.txt && pass "it prints the report" || fail "no report in the demo's output"
grep -q 'py::main:.*examples/demo.py' out.txt && grep -q 'py::slow_fib:' out.txt \
	&& pass "the report names the demo's Python functions" || fail "no py::main / py::slow_fib: $(head -5 out.txt)"
for p in $(sed -n 's/.*perf-\([0-9]*\)\.map.*/\1/p' out.txt | sort -u); do MAPS_MADE+=("$p"); done
finish
