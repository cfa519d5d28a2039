#!/bin/bash
# pyperfmap stat against perf stat on the same command, and its behaviour: exit
# status, -r, -x, --json, several software events and a group, errors.
# scenarios: vs_perf behaviour
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# "event value" for each counted event of a perf stat -x, style CSV file.
csv_values() { awk -F, '$1 !~ /^</ && NF > 2 { print $3, $1 }' "$1"; }
# Within tolerance: |a - b| <= rel * max(a, b) + abs
near() { awk -v a="$1" -v b="$2" -v r="$3" -v t="$4" 'BEGIN {
	d = a - b; if (d < 0) d = -d; m = a > b ? a : b; exit !(d <= r * m + t) }'; }

scenario_vs_perf() {
	need_perf
	evs=task-clock,page-faults,context-switches
	ok=0
	for try in 1 2 3; do
		"$PPM_BIN" stat -x, -e $evs -- "$HOT_C" 0.3 >/dev/null 2>ours.csv || fail "stat failed: $(cat ours.csv)"
		perf stat -x, -e $evs -- "$HOT_C" 0.3 >/dev/null 2>perf.csv
		csv_values ours.csv >ours.txt
		csv_values perf.csv >perf.txt
		read -r _ o_tc < <(grep '^task-clock ' ours.txt); read -r _ p_tc < <(grep '^task-clock ' perf.txt)
		read -r _ o_pf < <(grep '^page-faults ' ours.txt); read -r _ p_pf < <(grep '^page-faults ' perf.txt)
		read -r _ o_cs < <(grep '^context-switches ' ours.txt); read -r _ p_cs < <(grep '^context-switches ' perf.txt)
		if near "$o_tc" "$p_tc" 0.15 5 && near "$o_pf" "$p_pf" 0.10 5 && near "$o_cs" "$p_cs" 0.5 10; then
			ok=1; break
		fi
		echo "try $try: ours tc=$o_tc pf=$o_pf cs=$o_cs, perf tc=$p_tc pf=$p_pf cs=$p_cs"
	done
	[ $ok = 1 ] && pass "agrees with perf stat: task-clock $o_tc/$p_tc ms, page-faults $o_pf/$p_pf, context-switches $o_cs/$p_cs" \
		|| fail "disagrees with perf stat (see the tries above)"
}

scenario_behaviour() {

	# Default events and the text layout.
	"$PPM_BIN" stat -- "$HOT_C" 0.05 >out.txt 2>err.txt
	grep -q "Performance counter stats for '$HOT_C 0.05':" err.txt && grep -q ' msec task-clock ' err.txt \
		&& grep -q 'CPUs utilized' err.txt && grep -q ' seconds time elapsed' err.txt \
		&& grep -q ' seconds user' err.txt && grep -q '^done' out.txt \
		&& pass "default text: header, task-clock with CPUs utilized, times; the command's stdout is its own" \
		|| fail "default text: $(cat err.txt)"
	if have_pmu; then
		grep -q ' instructions ' err.txt && ! grep -q 'not supported' err.txt \
			&& pass "PMU here: default events include instructions, counted" || fail "no instructions: $(cat err.txt)"
	else
		grep -q '<not supported> *cycles' err.txt && grep -q 'cycles, instructions, branches and branch-misses are not counted' err.txt \
			&& pass "no PMU: default hardware events shown <not supported>, with a notice" || fail "no-PMU defaults: $(cat err.txt)"
		fi

	# Exit status and signals pass through.
	"$PPM_BIN" stat -e task-clock -- sh -c 'exit 7' 2>/dev/null; rc=$?
	[ $rc = 7 ] && pass "exit status 7 passes through" || fail "exit status $rc, want 7"
	"$PPM_BIN" stat -e task-clock -- sh -c 'kill -TERM $$' 2>/dev/null; rc=$?
	[ $rc = 143 ] && pass "killed by SIGTERM: 143" || fail "signal death gave $rc, want 143"

	# -r: means and spread.
	"$PPM_BIN" stat -r 3 -e task-clock,page-faults -- "$HOT_C" 0.02 >/dev/null 2>r.txt
	grep -q "(3 runs):" r.txt && [ "$(grep -c '( +- ' r.txt)" = 3 ] \
		&& pass "-r 3: three runs, a spread on each event and on the time" || fail "-r 3: $(cat r.txt)"

	# --json: one object per line, perf's fields, and a closing line with times and status.
	"$PPM_BIN" stat --json -e task-clock,page-faults -- sh -c 'exit 3' 2>j.txt; rc=$?
	python3 - j.txt <<'PY' && [ $rc = 3 ] && pass "--json: valid lines with perf's fields, exit status 3 in the last" || fail "--json: $(cat j.txt)"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
evs = [l for l in lines if "event" in l]
assert [e["event"] for e in evs] == ["task-clock", "page-faults"], evs
for e in evs:
    for k in ("counter-value", "unit", "event-runtime", "pcnt-running"):
        assert k in e, (k, e)
    float(e["counter-value"])
assert evs[0]["unit"] == "msec" and evs[0]["metric-unit"] == "CPUs utilized"
assert lines[-1]["exit-status"] == 3 and lines[-1]["elapsed-seconds"] > 0
PY

	# Several software events and a group, counted together.
	"$PPM_BIN" stat -x, -e 'task-clock,{cpu-clock,page-faults},minor-faults' -- "$HOT_C" 0.05 >/dev/null 2>g.csv
	[ "$(csv_values g.csv | wc -l)" = 4 ] && pass "a list with a group: four counts" || fail "group stat: $(cat g.csv)"
	o_pf=$(csv_values g.csv | awk '$1 == "page-faults" { print $2 }'); o_min=$(csv_values g.csv | awk '$1 == "minor-faults" { print $2 }')
	near "$o_pf" "$o_min" 0 5 && pass "page-faults $o_pf ~ minor-faults $o_min (no major faults)" || fail "page-faults $o_pf vs minor $o_min"

	# -o: the counts in a file, which a failed run leaves as it was.
	"$PPM_BIN" stat -o counts.txt -e task-clock -- "$HOT_C" 0.02 >/dev/null 2>err.txt
	grep -q ' msec task-clock ' counts.txt && [ ! -s err.txt ] && pass "-o: the counts go to the file" || fail "-o: $(cat err.txt)"
	echo good >counts.txt
	"$PPM_BIN" stat -o counts.txt -e task-clock -- /nonexistent/prog 2>/dev/null
	[ "$(cat counts.txt)" = good ] && [ -z "$(ls counts.txt.* 2>/dev/null)" ] \
		&& pass "-o: a run that fails leaves the old file and no temporary" || fail "-o clobbered: $(head -2 counts.txt)"

	# Errors: unknown event, no command, a hardware event without a PMU, a missing program.
	"$PPM_BIN" stat -e nosuch -- true 2>err.txt; rc=$?
	[ $rc = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "unknown event 'nosuch'" err.txt \
		&& pass "unknown event: one line, exit 2" || fail "unknown event: rc=$rc $(cat err.txt)"
	"$PPM_BIN" stat 2>err.txt; rc=$?
	[ $rc = 2 ] && grep -q 'no command' err.txt && pass "no command: exit 2" || fail "no command: rc=$rc"
	"$PPM_BIN" stat -- /nonexistent/prog 2>err.txt; rc=$?
	[ $rc = 127 ] && grep -q "cannot run '/nonexistent/prog'" err.txt && pass "missing program: exit 127" || fail "missing program: rc=$rc $(cat err.txt)"
}
run_scenario "$@"
