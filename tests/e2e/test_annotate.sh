#!/bin/bash
# pyperfmap annotate: a native function's instructions with their shares, checked
# against perf annotate on the same file; a py:: function's totals and natives.
# scenarios: vs_perf python events errors
. "$(dirname "$0")/lib.sh"
cd "$TMP"

record_hot() { "$PPM_BIN" record --call-graph none -F 4000 -o hot.data -- "$HOT_C" 0.3 >/dev/null 2>err.txt || fail "record: $(cat err.txt)"; }

scenario_vs_perf() {
	need_perf
	command -v objdump >/dev/null || skip "perf annotate needs objdump (apt-get install binutils)"
	record_hot
	"$PPM_BIN" annotate -i hot.data hot_loop >ours.txt 2>err.txt || fail "annotate hot_loop: $(cat err.txt)"
	perf annotate -i hot.data --stdio hot_loop 2>/dev/null >perf.txt
	# "address percent" for every instruction with samples.
	awk '/^(>>|  ) +[0-9.]+%/ { p = $0; sub(/^(>>|  ) +/, "", p); split(p, a, /% +/); addr = a[2]; sub(/:.*/, "", addr); print addr, a[1] }' ours.txt | sort >ours.pct
	awk '/^ +[0-9.]+ : +[0-9a-f]+:/ && $1 > 0 { a = $3; sub(/:$/, "", a); print a, $1 }' perf.txt | sort >perf.pct
	[ -s ours.pct ] && cmp -s ours.pct perf.pct \
		&& pass "hot_loop: $(wc -l <ours.pct) instructions with samples, each share equal to perf annotate's" \
		|| fail "shares differ from perf annotate: $(diff ours.pct perf.pct | head -6 | tr '\n' ' ')"
	total=$(awk '{ s += $2 } END { printf "%.0f", s }' ours.pct)
	[ "$total" = 100 ] && pass "shares add up to 100%" || fail "shares add up to $total%"
	line=$(grep -n 'sink += i \* i' "$PROGS/hot.c" | cut -d: -f1)
	grep -Eq "^ +hot\.c:$line\$" ours.txt && pass "source lines from DWARF (hot.c:$line, hot_loop's body)" || fail "no source line hot.c:$line"
	hot=$(awk '/^>>/' ours.txt | wc -l)
	want=$(awk '$2 >= 10' ours.pct | wc -l)
	[ "$hot" -ge 1 ] && [ "$hot" = "$want" ] && pass "$hot hottest instructions (10% or more) marked >>" || fail "marked $hot, want $want"
}

# A Python function: its stub, its totals, the natives its own time went to.
scenario_python() {
	need_interpreters
	read -r ver py < <(interpreters | head -1)
	"$PPM_BIN" record -F 2000 -o py.data -- "$py" "$PROGS/chain.py" 0.5 >/dev/null 2>err.txt || fail "record: $(cat err.txt)"
	for p in $(pids_of py.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" annotate -i py.data py::foo >pyfoo.txt 2>err.txt || fail "annotate py::foo: $(cat err.txt)"
	grep -q '^# pyperfmap annotate: py::foo:.*chain.py$' pyfoo.txt && grep -q "trampoline gave it a stub" pyfoo.txt \
		&& pass "py::foo (file part left out) is named in full and said to be a stub" || fail "py::foo header: $(head -3 pyfoo.txt)"
	share=$(sed -n 's/.*samples on the stack: *[0-9]* ( *\([0-9.]*\)% of all).*/\1/p' pyfoo.txt)
	"$PPM_BIN" report -i py.data -G >rep.txt
	rshare=$(awk '/py::foo:/ { sub("%", "", $1); print $1; exit }' rep.txt)
	awk -v a="$share" -v b="$rshare" 'BEGIN { d = a - b; exit !(d < 0.1 && d > -0.1) }' \
		&& pass "its share on the stack, $share%, is the report's Children $rshare%" || fail "annotate $share% vs report $rshare%"
	grep -Eq '^ +[0-9.]+%  \[\.\] (_PyEval_EvalFrameDefault|PyLong_FromLong|_PyObject_Malloc) ' pyfoo.txt \
		&& pass "names the native functions its time went to" || fail "no natives: $(sed -n '8,12p' pyfoo.txt)"
}

# Two events, two columns.
scenario_events() {
	"$PPM_BIN" record --call-graph none -e cpu-clock,task-clock -o two.data -- "$HOT_C" 0.2 >/dev/null 2>err.txt || fail "record: $(cat err.txt)"
	"$PPM_BIN" annotate -i two.data hot_loop >two.txt
	grep -q '^# *cpu-clock *task-clock *address' two.txt && pass "two events: a column each" || fail "two events: $(sed -n 5p two.txt)"
	"$PPM_BIN" annotate -i two.data --event task-clock hot_loop | grep -q '^# *task-clock *address' \
		&& pass "--event keeps one column" || fail "--event task-clock"
}

# Errors: one line, non-zero.
scenario_errors() {
	record_hot
	"$PPM_BIN" annotate -i hot.data no_such_function 2>err.txt >/dev/null; rc=$?
	[ $rc = 1 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "no samples in 'no_such_function'" err.txt \
		&& pass "unknown symbol: one line, exit 1" || fail "unknown symbol: rc=$rc $(cat err.txt)"
	"$PPM_BIN" annotate -i missing.data hot_loop 2>err.txt >/dev/null; rc=$?
	[ $rc = 1 ] && [ "$(wc -l <err.txt)" = 1 ] && pass "missing file: one line, exit 1" || fail "missing file: rc=$rc"
	"$PPM_BIN" annotate -i hot.data 2>err.txt >/dev/null; rc=$?
	[ $rc = 2 ] && grep -q 'which symbol' err.txt && pass "no symbol: exit 2" || fail "no symbol: rc=$rc"
	head -c 3000 hot.data >cut.data
	"$PPM_BIN" annotate -i cut.data hot_loop 2>err.txt >/dev/null; rc=$?
	[ $rc = 1 ] && [ "$(wc -l <err.txt)" = 1 ] && pass "truncated file: $(cat err.txt)" || fail "truncated: rc=$rc $(cat err.txt)"
}
run_scenario "$@"
