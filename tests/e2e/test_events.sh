#!/bin/bash
# Events (issue 5): 'list', hardware events with and without a PMU (the kernel is
# asked, by tests/progs/pmu_probe), several software events sampled at once and their
# counter report, groups, and the counter report's ratios on a file with six hardware
# events at known counts (perfgen hw6).
# scenarios: list no_pmu pmu software software_perf counters counters_perf
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_list() {
	"$PPM_BIN" list >list.txt 2>err.txt || fail "list exited non-zero: $(cat err.txt)"
	for ev in cpu-clock task-clock page-faults context-switches cpu-migrations; do
		grep -Eq "^  $ev( OR [a-z-]+)? +\[Software event\]$" list.txt \
			&& pass "list offers $ev" || fail "list lacks $ev"
	done
	if have_pmu; then
		grep -Eq '^  (cpu-)?cycles.*\[Hardware event\]$' list.txt && pass "PMU here: list offers cycles" \
			|| fail "list lacks cycles on a machine with a PMU"
	else
		grep -q 'Hardware event' list.txt && fail "list offers hardware events without a PMU" \
			|| pass "no PMU here: list offers no hardware event"
		grep -q 'exposes no hardware PMU' list.txt && pass "list says why" || fail "list does not say there is no PMU"
	fi
	"$PPM_BIN" list --all >all.txt
	grep -Eq '^  instructions +\[Hardware event\]' all.txt && grep -q '^  L1-dcache-load-misses ' all.txt \
		&& pass "list --all names hardware and cache events" || fail "list --all: $(head -5 all.txt)"
	for pmu in skl:INST_RETIRED:ANY_P amd64_fam19h_zen3:RETIRED_INSTRUCTIONS; do
		local model=${pmu%%:*} ev=${pmu#*:}
		LIBPFM_FORCE_PMU=$model "$PPM_BIN" list --all "$ev" >forced.txt
		grep -q "^  $model::$ev " forced.txt && ! grep -q 'Software event' forced.txt \
			&& pass "list --all FILTER with a forced $model PMU: $model::$ev, nothing else" \
			|| fail "forced $model list: $(head -5 forced.txt)"
	done
}

# One line naming the event, exit 1, no file written over perf.data.
expect_no_pmu_error() { # label [env...] -- event
	local label=$1 rc
	shift
	echo keep >perf.data
	rm -f perf.data.old
	env "$@" "$PPM_BIN" record -e "$ev" -- "$HOT_C" 0.01 >/dev/null 2>err.txt
	rc=$?
	if exit_is $rc 1 && [ "$(wc -l <err.txt)" = 1 ] && grep -q "needs a hardware PMU" err.txt \
		&& grep -q "'pyperfmap list'" err.txt && [ "$(cat perf.data)" = keep ] && [ ! -e perf.data.old ]; then
		pass "$label: one-line error naming the event, exit 1, perf.data untouched"
	else
		fail "$label: rc=$rc, $(cat err.txt), perf.data: $(head -c 20 perf.data | tr -d '\0')"
	fi
}

scenario_no_pmu() {
	need_no_pmu
	for ev in instructions cache-misses branch-misses cycles,instructions '{cycles,branches}' r01c0; do
		expect_no_pmu_error "-e $ev"
	done
	# A PMU event by its libpfm4 name: one of a forced model (any CPU), and the first
	# one libpfm4 knows for this CPU, if it knows any.
	ev=INST_RETIRED:ANY_P expect_no_pmu_error "-e INST_RETIRED:ANY_P (forced Skylake)" LIBPFM_FORCE_PMU=skl
	ev=RETIRED_INSTRUCTIONS expect_no_pmu_error "-e RETIRED_INSTRUCTIONS (forced Zen 3)" LIBPFM_FORCE_PMU=amd64_fam19h_zen3
	own=$("$PPM_BIN" list --all | awk '$1 ~ /::/ { print $1; exit }')
	if [ -n "$own" ]; then
		ev=$own expect_no_pmu_error "-e $own (this CPU's PMU, as libpfm4 knows it)"
	else
		pass "libpfm4 knows no PMU model for this CPU: the forced models above stand in"
	fi
	"$PPM_BIN" record -e cycles -o cyc.data -- "$HOT_C" 0.01 >/dev/null 2>err.txt \
		&& grep -q "'cycles' falls back to 'cpu-clock'" err.txt && "$PPM_BIN" report -i cyc.data | grep -q '^# Event: cpu-clock' \
		&& pass "cycles alone falls back to cpu-clock with a notice" || fail "cycles: $(cat err.txt)"
}

scenario_pmu() {
	need_pmu
	"$PPM_BIN" record -e cycles,instructions -F 2000 -o hw.data -- "$HOT_C" 0.3 >/dev/null 2>err.txt \
		|| fail "record -e cycles,instructions: $(cat err.txt)"
	grep -q 'falls back' err.txt && fail "cycles fell back to cpu-clock on a machine with a PMU"
	"$PPM_BIN" report -i hw.data >hw.txt 2>err.txt || fail "report: $(cat err.txt)"
	grep -q '^# Event cycles ' hw.txt && grep -q '^# Event instructions ' hw.txt \
		&& pass "cycles and instructions sampled into one file" || fail "events: $(grep '^# Event' hw.txt)"
	row=$(grep '\] hot_loop$' hw.txt)
	[ -n "$row" ] && grep -q 'IPC' hw.txt && pass "hot_loop has a row with an IPC column: $row" || fail "no hot_loop IPC row"
}

# The multi-event file the software scenarios read.
record_multi() {
	need_interpreters
	read -r _ PY < <(interpreters | head -1)
	"$PPM_BIN" record -e cpu-clock,task-clock,page-faults,context-switches -F 2000 -o multi.data \
		-- "$PY" "$PROGS/chain.py" 0.6 >/dev/null 2>err.txt || fail "multi-event record: $(cat err.txt)"
	for p in $(pids_of multi.data); do MAPS_MADE+=("$p"); done
}

scenario_software() {
	record_multi
	"$PPM_BIN" report -i multi.data >table.txt 2>err.txt || fail "report: $(cat err.txt)"
	for ev in cpu-clock task-clock page-faults context-switches; do
		grep -q "^# Event $ev " table.txt || fail "counter report lacks $ev in its header"
	done
	head -12 table.txt | grep -q '^# cpu-clock *share task-clock *share page-faults *share context-switches *share' \
		&& pass "one table, a count and a share column per event" || fail "table header: $(grep -m1 '^# cpu-clock' table.txt)"
	grep -q 'py::foo:' table.txt && pass "py::foo is a row of the counter report" || fail "no py::foo row"
	# The same number for a row in the table as in that event's own report.
	t_foo=$(awk '/py::foo:/ { print $4; exit }' table.txt)
	"$PPM_BIN" report -i multi.data --event task-clock -G >tc.txt
	c_foo=$(awk '/py::foo:/ { print $1; exit }' tc.txt)
	grep -q '^# Event: task-clock$' tc.txt && [ -n "$c_foo" ] && [ "${t_foo%\%}" = "${c_foo%\%}" ] \
		&& pass "--event task-clock: the classic report, py::foo $c_foo as in the table" \
		|| fail "--event task-clock: table $t_foo, report $c_foo"
	"$PPM_BIN" report -i multi.data --sort page-faults >pf.txt
	awk '!/^#/ && NF { print $5 }' pf.txt | sed 's/%//' >col.txt
	[ -s col.txt ] && sort -gr col.txt | cmp -s - col.txt && grep -q '^# Sorted by page-faults' pf.txt \
		&& pass "--sort page-faults orders the rows by that event's column" || fail "--sort page-faults: $(head -3 col.txt)"
	"$PPM_BIN" report -i multi.data --event nosuch >/dev/null 2>err.txt
	exit_is $? 1 && grep -q "no event 'nosuch' in this file (it has: cpu-clock, task-clock" err.txt \
		&& pass "--event with an unknown name: one-line error listing the file's events" || fail "--event nosuch: $(cat err.txt)"
	"$PPM_BIN" report -i multi.data --event cpu-clock --format json >one.json
	python3 - one.json <<'PY' && pass "--format json --event cpu-clock: one event; py::foo a python row with children >= self; selfs add up to the total" || fail "json of one event"
import json, sys
doc = json.load(open(sys.argv[1]))
assert [e["name"] for e in doc["events"]] == ["cpu-clock"] and doc["children"] is True
foo = [r for r in doc["rows"] if r["symbol"].startswith("py::foo:")]
assert foo and foo[0]["kind"] == "python"
c = foo[0]["events"]["cpu-clock"]
assert c["children"] >= c["self"] and c["children"] > 0
assert sum(r["events"]["cpu-clock"]["self"] for r in doc["rows"]) == doc["events"][0]["count"]
PY
}

# perf reads the same files and counts what we count.
scenario_software_perf() {
	need_perf
	record_multi
	perf script -i multi.data -F event 2>perr.txt | sed 's/: *$//; s/^ *//' | sort | uniq -c >per_event.txt
	for ev in cpu-clock task-clock page-faults; do
		grep -q " $ev$" per_event.txt && pass "perf script sees $ev samples" || fail "perf script: no $ev ($(cat per_event.txt))"
	done
	[ ! -s perr.txt ] && pass "perf reads the multi-event file quietly" || fail "perf script said: $(head -2 perr.txt)"
	"$PPM_BIN" report -i multi.data --event page-faults --format folded >pf.folded
	n=$(awk '{ s += $NF } END { print s + 0 }' pf.folded)
	want=$(awk '$2 == "page-faults" { print $1 }' per_event.txt)
	[ "$n" = "$want" ] && pass "--event page-faults --format folded: $n samples, perf script counts $want" \
		|| fail "folded page-faults $n, perf script $want"
	# A group is scheduled together: both members sample.
	"$PPM_BIN" record -e '{cpu-clock,task-clock}' --call-graph none -o grp.data -- "$HOT_C" 0.2 >/dev/null 2>err.txt \
		|| fail "group record: $(cat err.txt)"
	perf script -i grp.data -F event 2>/dev/null | sed 's/: *$//; s/^ *//' | sort | uniq -c >grp.txt
	[ "$(wc -l <grp.txt)" = 2 ] && pass "group {cpu-clock,task-clock}: $(tr -s ' \n' ' ' <grp.txt)" || fail "group: $(cat grp.txt)"
}

# perfgen's hw6 file: six hardware events with known counts in two functions of a
# binary it writes too (read under --symfs).
write_hw6() {
	"$PERFGEN" hw6 . >want.txt || fail "perfgen hw6 failed"
	"$PPM_BIN" report -i hw6.data --symfs root >hw.txt 2>err.txt || fail "report of hw6.data: $(cat err.txt)"
}

scenario_counters() {
	write_hw6
	read -r ipc cmr bmr < <(awk '$1 == "A" { v[$2] = $3 } END {
		printf "%.3f %.3f %.3f\n", v["instructions"] / v["cycles"],
			100 * v["cache-misses"] / v["cache-references"], 100 * v["branch-misses"] / v["branches"] }' want.txt)
	set -- $(grep '\] hot_loop$' hw.txt)
	[ "${13:-}" = "$ipc" ] && [ "${14:-}" = "$cmr" ] && [ "${15:-}" = "$bmr" ] \
		&& pass "hot_loop: IPC $ipc, cache-miss% $cmr, branch-miss% $bmr" \
		|| fail "hot_loop ratios: got ${13:-} ${14:-} ${15:-}, want $ipc $cmr $bmr"
	grep -q 'IPC *cache-miss% *branch-miss%' hw.txt && pass "ratio columns named" || fail "no ratio columns"
	"$PPM_BIN" report -i hw6.data --symfs root --format json >hw.json 2>err.txt || fail "json: $(cat err.txt)"
	python3 - hw.json want.txt <<'PY' && pass "--format json: six events, rows with self counts as written, IPC 1.5 for hot_loop" || fail "--format json"
import json, sys
doc = json.load(open(sys.argv[1]))
want = {}
for line in open(sys.argv[2]):
    f, ev, n = line.split()
    want[(f, ev)] = int(n)
assert [e["name"] for e in doc["events"]] == ["cycles", "instructions", "cache-references", "cache-misses", "branches", "branch-misses"]
rows = {r["symbol"]: r for r in doc["rows"]}
for f, sym in (("A", "hot_loop"), ("B", "warm_loop")):
    for ev in ("cycles", "instructions", "cache-misses"):
        assert rows[sym]["events"][ev]["self"] == want[(f, ev)], (sym, ev)
    assert rows[sym]["kind"] == "native"
assert abs(rows["hot_loop"]["ratios"]["IPC"] - 1.5) < 1e-9
PY
	"$PPM_BIN" report -i hw6.data --symfs root --sort cache-misses -s sym | awk '!/^#/ && NF { print $NF }' | head -1 | grep -qx hot_loop \
		&& pass "--sort cache-misses puts hot_loop first" || fail "--sort cache-misses"
}

scenario_counters_perf() {
	need_perf
	write_hw6
	perf report -i hw6.data --symfs root --stdio 2>/dev/null | awk '/of event/ { gsub("\x27", "", $NF); ev = $NF } /Event count/ { print ev, $NF }' >perf_counts.txt
	ok=1
	while read -r ev cnt; do
		grep -Eq "^# Event $ev +samples [0-9]+ +count $cnt$" hw.txt || { ok=0; fail "$ev: perf counts $cnt, ours: $(grep "^# Event $ev " hw.txt)"; }
	done <perf_counts.txt
	[ $ok = 1 ] && [ "$(wc -l <perf_counts.txt)" = 6 ] && pass "all six event totals equal perf report's" \
		|| fail "perf report gave $(wc -l <perf_counts.txt) event totals, want 6"
}
run_scenario "$@"
