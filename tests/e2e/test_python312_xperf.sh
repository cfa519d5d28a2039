#!/bin/bash
# CPython 3.12's own -X perf trampoline as the test bed (pyperfmap's own comes with
# the trampoline issue): py:: frames of the hot function appear in the report, and
# still do once the /tmp maps are gone, from the copy inside perf.data.
#
# pyenv's and Debian's CPython keep no frame pointers, so the kernel's callchain
# never reaches a trampoline (perf script shows none either); the py:: frames seen
# here are samples taken inside the trampolines of a call-heavy script.
. "$(dirname "$0")/lib.sh"
PY=$(find_python 3.12) || skip "CPython 3.12 not found (pyenv 3.12 or python3.12)"

cd "$TMP"
PPM_TEST_GARBAGE=1 "$PPM_BIN" record --no-trampoline -F 4000 -o py.data -- "$PY" -X perf "$PROGS/calls.py" 1.5 \
	>out.txt 2>err.txt || fail "record failed: $(cat err.txt)"
grep -q '^done' out.txt && pass "python ran" || fail "python output missing"
grep -Eq 'perf maps? embedded' err.txt && pass "perf map embedded" || fail "no perf map embedded: $(cat err.txt)"
pid=$("$PPM_BIN" report -i py.data --sort pid --no-children -G | awk '!/^#/ && NF { print $3; exit }')

check_report() { # label
	"$PPM_BIN" report -i py.data --no-children >rep.txt 2>&1 || fail "$1: report failed"
	if grep -Eq "perf-[0-9]+\.map +\[\.\] py::foo:$PROGS/calls.py$" rep.txt; then
		pass "$1: py::foo:$PROGS/calls.py is a row ($(grep -E 'py::foo' rep.txt | awk '{print $1}'))"
	else
		fail "$1: no py::foo row: $(grep -c py:: rep.txt) py:: rows"
	fi
	grep -q '^# Perf map lines skipped as garbage: 2$' rep.txt && pass "$1: garbage map lines counted" \
		|| fail "$1: garbage lines not reported: $(grep '^#' rep.txt | tr '\n' ' ')"
	"$PPM_BIN" report -i py.data --format folded >folded.txt
	grep -q ';py::foo:' folded.txt && pass "$1: folded stacks name py::foo" || fail "$1: folded lacks py::foo"
}
check_report "map on disk"
if command -v perf >/dev/null; then
	perf report -i py.data --stdio --no-children 2>perr.txt | grep -q 'py::foo' && [ ! -s perr.txt ] \
		&& pass "perf report agrees on py::foo and skips our feature section silently" \
		|| fail "perf report: $(head -2 perr.txt)"
fi
# Remove the map this test's python wrote: the copy inside the file must do.
if [ -n "$pid" ] && [ -f "/tmp/perf-$pid.map" ]; then
	rm -f "/tmp/perf-$pid.map"
	check_report "map deleted"
else
	fail "could not find the map of pid '$pid' to delete"
fi
finish
