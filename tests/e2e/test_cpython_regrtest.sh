#!/bin/bash
# A selection of CPython's own regression tests with pyperfmap's trampoline on, for
# 3.11, 3.12 and 3.13 when present. A failure counts unless it also fails in the
# reference run of the same interpreter: plain up to 3.11, CPython's own -X perf from
# 3.12 (any PEP 523 hook there, -X perf's included, adds an 'exception' trace event in
# 'async for': test_sys_settrace's test_20_async_for_loop), so that what the machine
# itself breaks (a site .pth importing threading, say) is not blamed on pyperfmap.
. "$(dirname "$0")/lib.sh"
need_interpreters
TESTS="test_generators test_coroutines test_exceptions test_sys_settrace test_sys_setprofile
       test_threading test_contextlib test_asyncio.test_tasks"
cd "$TMP"
ran=0

failed_ids() { grep -E '^(FAIL|ERROR): ' "$1" | sed -E 's/^(FAIL|ERROR): //' | sort -u; }

while read -r ver py; do
	case $ver in 3.11.*|3.12.*|3.13.*) ;; *) continue ;; esac
	"$py" -c 'import test.libregrtest, test.test_generators' 2>/dev/null \
		|| { echo "SKIP (part): $ver has no regression test modules (Debian: libpython3.X-testsuite)"; continue; }
	ran=$((ran + 1))
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$PPM_BIN" exec -- "$py" -m test -v $TESTS >ours.txt 2>&1
	rc=$?
	# The trampoline really was on: a map of this run names functions of the tests.
	used=$(find /tmp -maxdepth 1 -name 'perf-*.map' -newermt "@$start" -exec grep -l 'test_generators.py' {} + 2>/dev/null | head -1)
	[ -n "$used" ] && pass "$ver: trampoline on during the tests ($(wc -l <"$used") stubs in $used)" || fail "$ver: no map written by the test run"
	for m in $(find /tmp -maxdepth 1 -name 'perf-*.map' -newermt "@$start" -exec grep -l "$(dirname "$(dirname "$py")")" {} + 2>/dev/null); do
		rm -f "$m"
	done
	total=$(grep -Eo 'Total tests: run=[0-9,]+' ours.txt | tail -1)
	if [ $rc -eq 0 ]; then
		pass "$ver: all green with the trampoline ($total)"
		continue
	fi
	failed_ids ours.txt >ours_failed.txt
	ref=(); label="plain $ver"
	if "$py" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null; then
		ref=(-X perf); label="CPython's own -X perf"
	fi
	# shellcheck disable=SC2086
	"$py" "${ref[@]}" -m test -v $TESTS >ref.txt 2>&1
	failed_ids ref.txt >ref_failed.txt
	extra=$(comm -23 ours_failed.txt ref_failed.txt)
	if [ -z "$extra" ] && [ -s ours_failed.txt ]; then
		pass "$ver: $(wc -l <ours_failed.txt) failure(s), all also failing under $label: $(tr '\n' ' ' <ours_failed.txt | head -c 200) ($total)"
	else
		fail "$ver: failures only under pyperfmap: $extra"
	fi
done < <(interpreters)
[ $ran -gt 0 ] || skip "no CPython 3.11-3.13 with its test package"
finish
