#!/bin/bash
# Events (issue 5): 'list', hardware events on a machine without a PMU, several
# software events sampled at once and their counter report, groups, and the counter
# report's ratios on a file with six hardware events at known counts (hwfile).
. "$(dirname "$0")/lib.sh"
need_perf
cd "$TMP"

have_pmu=0
[ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ] && have_pmu=1

# --- list
"$PPM_BIN" list >list.txt 2>err.txt || fail "list exited non-zero: $(cat err.txt)"
for ev in cpu-clock task-clock page-faults context-switches cpu-migrations; do
	grep -Eq "^  $ev( OR [a-z-]+)? +\[Software event\]$" list.txt \
		&& pass "list offers $ev" || fail "list lacks $ev"
done
if [ $have_pmu = 0 ]; then
	grep -q 'Hardware event' list.txt && fail "list offers hardware events without a PMU" \
		|| pass "list offers no hardware event without a PMU"
	grep -q 'exposes no hardware PMU' list.txt && pass "list says why" || fail "list does not say there is no PMU"
else
	grep -Eq '^  (cpu-)?cycles.*\[Hardware event\]' list.txt && pass "list offers cycles" || fail "list lacks cycles"
fi
"$PPM_BIN" list --all >all.txt
grep -Eq '^  instructions +\[Hardware event\]' all.txt && grep -q '^  L1-dcache-load-misses ' all.txt \
	&& pass "list --all names hardware and cache events" || fail "list --all: $(head -5 all.txt)"
LIBPFM_FORCE_PMU=skl "$PPM_BIN" list --all INST_RETIRED >skl.txt
grep -q '^  skl::INST_RETIRED:ANY_P ' skl.txt && ! grep -q 'Software event' skl.txt \
	&& pass "list --all FILTER with a forced Skylake PMU: skl::INST_RETIRED:ANY_P, nothing else" \
	|| fail "forced skl list: $(head -5 skl.txt)"

# --- hardware events without a PMU
if [ $have_pmu = 0 ]; then
	echo keep >perf.data
	for ev in instructions cache-misses branch-misses cycles,instructions '{cycles,branches}' INST_RETIRED:ANY_P r01c0; do
		"$PPM_BIN" record -e "$ev" -- "$HOT_C" 0.01 >/dev/null 2>err.txt
		rc=$?
		if [ $rc -ne 0 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "needs a hardware PMU" err.txt \
			&& grep -q "'pyperfmap list'" err.txt && [ "$(cat perf.data)" = keep ] && [ ! -e perf.data.old ]; then
			pass "-e $ev: one-line error naming the event, exit $rc, perf.data untouched"
		else
			fail "-e $ev: rc=$rc, $(cat err.txt), perf.data: $(head -c 20 perf.data | tr -d '\0')"
		fi
	done
	"$PPM_BIN" record -e cycles -o cyc.data -- "$HOT_C" 0.01 >/dev/null 2>err.txt \
		&& grep -q "'cycles' falls back to 'cpu-clock'" err.txt \
		&& pass "cycles alone falls back to cpu-clock with a notice" || fail "cycles: $(cat err.txt)"
else
	"$PPM_BIN" record -e cycles,instructions -o hw.data -- "$HOT_C" 0.1 >/dev/null 2>err.txt \
		&& pass "hardware events record on this machine" || fail "hardware record: $(cat err.txt)"
fi

# --- several software events at once, sampled into one file
read -r ver py < <(interpreters | head -1)
if [ -n "${py:-}" ]; then
	evs=cpu-clock,task-clock,page-faults,context-switches
	"$PPM_BIN" record -e $evs -F 2000 -o multi.data -- "$py" "$PROGS/chain.py" 0.6 >/dev/null 2>err.txt \
		|| fail "multi-event record: $(cat err.txt)"
	perf script -i multi.data -F event 2>perr.txt | sed 's/: *$//; s/^ *//' | sort | uniq -c >per_event.txt
	for ev in cpu-clock task-clock page-faults; do
		grep -q " $ev$" per_event.txt && pass "perf script sees $ev samples" || fail "perf script: no $ev ($(cat per_event.txt))"
	done
	[ ! -s perr.txt ] && pass "perf reads the multi-event file quietly" || fail "perf script said: $(head -2 perr.txt)"
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
	grep -q '^# Event: task-clock$' tc.txt && [ "${t_foo%\%}" = "${c_foo%\%}" ] \
		&& pass "--event task-clock: the classic report, py::foo $c_foo as in the table" \
		|| fail "--event task-clock: table $t_foo, report $c_foo"
	"$PPM_BIN" report -i multi.data --sort page-faults >pf.txt
	awk '!/^#/ && NF { print $5 }' pf.txt | sed 's/%//' >col.txt
	sort -gr col.txt | cmp -s - col.txt && grep -q '^# Sorted by page-faults' pf.txt \
		&& pass "--sort page-faults orders the rows by that event's column" || fail "--sort page-faults: $(head -3 col.txt)"
	"$PPM_BIN" report -i multi.data --event page-faults --format folded >pf.folded
	n=$(awk '{ s += $NF } END { print s + 0 }' pf.folded)
	want=$(awk '$2 == "page-faults" { print $1 }' per_event.txt)
	[ "$n" = "$want" ] && pass "--event page-faults --format folded: $n samples, perf script counts $want" \
		|| fail "folded page-faults $n, perf script $want"
	"$PPM_BIN" report -i multi.data --event nosuch >/dev/null 2>err.txt
	[ $? -ne 0 ] && grep -q "no event 'nosuch' in this file (it has: cpu-clock, task-clock" err.txt \
		&& pass "--event with an unknown name: one-line error listing the file's events" || fail "--event nosuch: $(cat err.txt)"
	# A group is scheduled together: both members sample.
	"$PPM_BIN" record -e '{cpu-clock,task-clock}' --call-graph none -o grp.data -- "$HOT_C" 0.2 >/dev/null 2>err.txt \
		|| fail "group record: $(cat err.txt)"
	perf script -i grp.data -F event 2>/dev/null | sed 's/: *$//; s/^ *//' | sort | uniq -c >grp.txt
	[ "$(wc -l <grp.txt)" = 2 ] && pass "group {cpu-clock,task-clock}: $(tr -s ' \n' ' ' <grp.txt)" || fail "group: $(cat grp.txt)"
else
	fail "no interpreter built for the multi-event Python checks"
fi

# --- the counter report's ratios, on six hardware events at known counts
A=$(nm "$HOT_C" | awk '$3 == "hot_loop" { print $1 }')
B=$(nm "$HOT_C" | awk '$3 == "warm_loop" { print $1 }')
"$HWFILE" hw6.data "$HOT_C" "$A" "$B" >want.txt || fail "hwfile failed"
"$PPM_BIN" report -i hw6.data >hw.txt 2>err.txt || fail "report of hw6.data: $(cat err.txt)"
# Expected ratios from the counts hwfile wrote.
read -r ipc cmr bmr < <(awk '$1 == "A" { v[$2] = $3 } END {
	printf "%.3f %.3f %.3f\n", v["instructions"] / v["cycles"],
		100 * v["cache-misses"] / v["cache-references"], 100 * v["branch-misses"] / v["branches"] }' want.txt)
row=$(grep '\] hot_loop$' hw.txt)
set -- $row
[ "${13}" = "$ipc" ] && [ "${14}" = "$cmr" ] && [ "${15}" = "$bmr" ] \
	&& pass "hot_loop: IPC $ipc, cache-miss% $cmr, branch-miss% $bmr" \
	|| fail "hot_loop ratios: got ${13:-} ${14:-} ${15:-}, want $ipc $cmr $bmr"
grep -q 'IPC *cache-miss% *branch-miss%' hw.txt && pass "ratio columns named" || fail "no ratio columns"
# perf's own count per event agrees with ours.
perf report -i hw6.data --stdio 2>/dev/null | awk '/of event/ { gsub("\x27", "", $NF); ev = $NF } /Event count/ { print ev, $NF }' >perf_counts.txt
ok=1
while read -r ev cnt; do
	grep -Eq "^# Event $ev +samples [0-9]+ +count $cnt$" hw.txt || { ok=0; fail "$ev: perf counts $cnt, ours: $(grep "^# Event $ev " hw.txt)"; }
done <perf_counts.txt
[ $ok = 1 ] && [ "$(wc -l <perf_counts.txt)" = 6 ] && pass "all six event totals equal perf report's"
# --format json: the same rows for scripts.
"$PPM_BIN" report -i hw6.data --format json >hw.json 2>err.txt || fail "json: $(cat err.txt)"
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
if [ -n "${py:-}" ]; then
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
fi
"$PPM_BIN" report -i hw6.data --sort cache-misses -s sym | awk '!/^#/ && NF { print $NF }' | head -1 | grep -qx hot_loop \
	&& pass "--sort cache-misses puts hot_loop first" || fail "--sort cache-misses"
finish
