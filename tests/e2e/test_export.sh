#!/bin/bash
# report's pictures and exchange files, each checked by the tool that reads it: the
# flame graph in headless Chromium (playwright-core), speedscope's JSON against the
# schema its npm package ships, pprof's file by go tool pprof; each compared with the
# text report of the same file. Also -o, and the progress line on a terminal.
# scenarios: flamegraph big_flamegraph speedscope pprof multi_event output_file progress
. "$(dirname "$0")/lib.sh"
JS="$SRC/tests/js"
[ -d "$JS/node_modules/playwright-core" ] && [ -d "$JS/node_modules/speedscope" ] ||
	{ fail "tests/js/node_modules is missing: run 'scripts/deps.sh test'"; finish; }
command -v chromium >/dev/null || { fail "no chromium: run 'scripts/deps.sh test'"; finish; }
command -v go >/dev/null || { fail "no go (golang-go): run 'scripts/deps.sh test'"; finish; }
export NODE_PATH="$JS/node_modules" GOCACHE="$TMP/gocache" HOME="$TMP"
cd "$TMP"

# w.data: a Python recording; N its samples, want.txt its top rows by self count.
record_work() {
	need_interpreters
	read -r _ PY < <(interpreters | head -1)
	cat >work.py <<'PY'
import time
def leaf(n):
    s = 0
    for i in range(n):
        s += i * i
    return s

def mid(n):
    return leaf(n) + leaf(n // 2)

def top():
    t = 0
    for _ in range(150):
        t += mid(20000)
    return t

def tower(n):   # a deep, narrow stack, as imports at start-up make
    if n:
        return tower(n - 1)
    end = time.process_time() + 0.04
    while time.process_time() < end:
        pass

tower(120)
end = time.process_time() + 1.0   # CPU seconds: as many samples on any machine
while time.process_time() < end:
    top()
PY
	"$PPM_BIN" record -q -o w.data -- "$PY" work.py 2>err.txt || { fail "record: $(cat err.txt)"; finish; }
	for p in $(pids_of w.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i w.data --no-children -G >text.txt 2>err.txt || fail "report: $(cat err.txt)"
	N=$(awk '/^# Samples:/ { print $3; exit }' text.txt)
	[ "${N:-0}" -gt 1000 ] || { fail "too few samples ($N): 1 CPU-second at the default 4000 Hz should give about 4,000"; finish; }
	# the report's top rows: symbol, self count (the event's, ns for cpu-clock)
	"$PPM_BIN" report -i w.data --no-children -F json >rows.json
	python3 - rows.json >want.txt <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
# one function, one count: rows of other threads' names (comm) summed, as pprof and
# speedscope name a function by itself
self = {}
for r in rows:
    if not r["symbol"].startswith("0x"):
        self[r["symbol"]] = self.get(r["symbol"], 0) + r["events"]["cpu-clock"]["self"]
# the top 5, of those over 1% of the whole: go tool pprof -top drops nodes whose
# cumulative count is under 0.5% (a loaded machine adds many small kernel rows)
total = sum(r["events"]["cpu-clock"]["self"] for r in rows)
for sym, n in sorted(self.items(), key=lambda kv: -kv[1])[:5]:
    if 100 * n >= total:
        print(f'{sym}\t{n}')
PY
	[ -s want.txt ] || fail "the report has no row over 1% of its samples"

}

# The report's top rows whose "SYMBOL<TAB>COUNT" in FILE differs (or is missing).
differ_from_want() {
	while IFS=$'\t' read -r sym self; do
		got=$(awk -F'\t' -v s="$sym" '$1 == s { print $2; exit }' "$1")
		[ "$got" = "$self" ] || echo "$sym: $got vs $self"
	done <want.txt
}

# --- flame graph: the page works in a real browser
scenario_flamegraph() {
	record_work
	if "$PPM_BIN" report -i w.data -F flamegraph -o w.html 2>err.txt; then
		grep -qiE '<script[^>]+src=|<link[^>]+href=|https?://[a-z]' w.html &&
			fail "the page refers to something outside itself: $(grep -oiE '(src|href)=[^ >]+|https?://[^ "]+' w.html | head -3)"
		if node "$JS/flame_check.js" w.html "$N" flame.png "py::leaf" >chk.txt 2>&1; then
			pass "flame graph in chromium: $(grep -c '^ok' chk.txt) checks ($(grep -E 'root frame|click' chk.txt | tr '\n' ' '))"
		else
			fail "flame graph in chromium: $(cat chk.txt)"
		fi
	else
		fail "report -F flamegraph: $(cat err.txt)"
	fi
}

# --- 100,000 distinct stacks (perfgen's, over libpython's functions)
scenario_big_flamegraph() {
	need_interpreters
	read -r _ PY < <(interpreters | head -1)
	LIB=$("$PY" -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
	nm --defined-only "$LIB" | awk '$2 ~ /^[tT]$/ { print $1 }' >addrs.txt
	"$PERFGEN" stacks big.data "$LIB" addrs.txt 200000 100000 >/dev/null || fail "perfgen stacks"
	"$PPM_BIN" report -i big.data -F folded >big.folded || fail "report -F folded of big.data"
	distinct=$(wc -l <big.folded)
	[ "$distinct" -ge 99000 ] || fail "the generator gave $distinct distinct stacks, not ~100,000"
	# sorted as sort(1) sorts bytes (the large groups by radix, the small by quicksort),
	# each stack once, every sample counted once
	LC_ALL=C sort -c big.folded 2>sort.err || fail "folded lines out of byte order: $(cat sort.err)"
	dup=$(sed 's/ [0-9]*$//' big.folded | LC_ALL=C sort | uniq -d | wc -l)
	[ "$dup" -eq 0 ] || fail "$dup folded stacks printed more than once"
	total=$(awk '{ s += $NF } END { print s }' big.folded)
	[ "$total" -eq 200000 ] || fail "folded counts add up to $total, not the 200000 samples"
	"$PPM_BIN" report -i big.data -F flamegraph -o big.html 2>err.txt || fail "flamegraph of big.data: $(cat err.txt)"
	if node "$JS/flame_check.js" big.html 200000 big.png >chk.txt 2>&1; then
		pass "flame graph of $distinct distinct stacks: $(grep -c '^ok' chk.txt) checks, $(tail -1 chk.txt), $(stat -c %s big.html) bytes"
	else
		fail "flame graph of $distinct distinct stacks: $(cat chk.txt)"
	fi
}

# --- speedscope: valid against its schema; leaf weights equal the report's self counts
scenario_speedscope() {
	record_work
	if "$PPM_BIN" report -i w.data -F speedscope -o w.speedscope.json 2>err.txt &&
	   node "$JS/validate_speedscope.js" w.speedscope.json >ss.txt 2>ss.err; then
		awk -F'\t' '$1 == "self" { print $2 "\t" $3 }' ss.txt >got.txt
		bad=$(differ_from_want got.txt)
		[ -z "$bad" ] && pass "speedscope valid against its schema; top 5 self weights equal the report's" ||
			fail "speedscope weights differ: $bad"
		grep -q "^profile	cpu-clock	nanoseconds	" ss.txt || fail "speedscope profile: $(grep ^profile ss.txt)"
	else
		fail "speedscope: $(cat err.txt ss.err 2>/dev/null)"
	fi
}

# --- pprof: go tool pprof reads it; its top functions and counts are the report's
scenario_pprof() {
	record_work
	if "$PPM_BIN" report -i w.data -F pprof -o w.pb.gz 2>err.txt; then
		[ "$(head -c 2 w.pb.gz | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "pprof file is not gzipped"
		go tool pprof -top -nodecount=10 -unit=ns w.pb.gz >top.txt 2>top.err || fail "go tool pprof: $(cat top.err)"
		awk 'NF == 6 && $1 ~ /ns$/ { v = $1; sub("ns$", "", v); print $6 "\t" v }' top.txt >got.txt
		bad=$(differ_from_want got.txt)
		[ -z "$bad" ] && pass "go tool pprof -top: top 5 functions and counts equal the report's ($(head -1 want.txt))" ||
			fail "pprof differs: $bad; $(cat top.txt)"
		grep -q '^Type: cpu-clock' top.txt || fail "pprof sample type: $(grep Type top.txt)"
	else
		fail "report -F pprof: $(cat err.txt)"
	fi
}

# --- several events: a profile / sample type per event; the flame graph weighs by one
scenario_multi_event() {
	"$PERFGEN" hw6 . >/dev/null || fail "perfgen hw6"
	"$PPM_BIN" report -i hw6.data --symfs root -F speedscope -o hw.json 2>/dev/null && node "$JS/validate_speedscope.js" hw.json >hw.txt 2>&1 &&
		[ "$(grep -c ^profile hw.txt)" = 6 ] && grep -q "^profile	instructions	none	2	900000000$" hw.txt &&
		pass "speedscope of six events: six profiles, instructions' weights add to its count" ||
		fail "speedscope of six events: $(cat hw.txt)"
	"$PPM_BIN" report -i hw6.data --symfs root -F pprof -o hw.pb.gz && go tool pprof -raw hw.pb.gz >raw.txt 2>&1 &&
		grep -q '^cycles/count\[dflt\] instructions/count cache-references/count cache-misses/count branches/count branch-misses/count$' raw.txt &&
		pass "pprof of six events: six sample types" || fail "pprof of six events: $(head -5 raw.txt)"
	"$PPM_BIN" report -i hw6.data --symfs root -F flamegraph --event instructions -o hw.html 2>err.txt &&
		node "$JS/flame_check.js" hw.html 400 hw.png >chk.txt 2>&1 &&
		pass "flamegraph --event instructions: its 400 samples at the root" || fail "flamegraph --event: $(cat err.txt chk.txt)"
}

# --- -o: the old file survives a failed report, no temporary is left behind
scenario_output_file() {
	record_work
	echo keep >keep.txt
	printf 'garbage' >bad.data
	"$PPM_BIN" report -i bad.data -F flamegraph -o keep.txt 2>err.txt
	rc=$?
	exit_is $rc 1 && [ "$(cat keep.txt)" = keep ] && [ -z "$(ls keep.txt.tmp* 2>/dev/null)" ] && [ "$(wc -l <err.txt)" = 1 ] &&
	pass "-o keeps the old file on error: exit 1, $(cat err.txt)" || fail "-o after an error: rc=$rc $(cat keep.txt err.txt; ls)"
	"$PPM_BIN" report -i w.data -o /nonexistent/dir/x.txt 2>err.txt
	rc=$?
	exit_is $rc 1 && grep -q "/nonexistent/dir/x.txt" err.txt && pass "-o into a missing directory: exit 1, $(cat err.txt)" ||
	fail "-o into a missing directory: rc=$rc $(cat err.txt)"
	"$PPM_BIN" report -i w.data -F svg 2>err.txt
	rc=$?
	exit_is $rc 2 && grep -q "unknown format 'svg'" err.txt && pass "unknown format: exit 2, $(cat err.txt)" ||
	fail "-F svg: rc=$rc $(cat err.txt)"
}

# --- progress: on a terminal after the delay, erased when done; never into a pipe or file
scenario_progress() {
	record_work
	need_interpreters
	read -r _ PY < <(interpreters | head -1)
	LIB=$("$PY" -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
	nm --defined-only "$LIB" | awk '$2 ~ /^[tT]$/ { print $1 }' >addrs.txt
	"$PERFGEN" stacks big.data "$LIB" addrs.txt 200000 100000 >/dev/null || fail "perfgen stacks"
	PYPERFMAP_PROGRESS_AFTER=0 python3 "$PROGS/on_pty.py" "$PPM_BIN" report -i big.data -F pprof -o big.pb.gz >pty.txt
	grep -q 'pyperfmap: reading big.data' pty.txt && grep -q 'writing the pprof output' pty.txt &&
		grep -qF "\\r\\x1b[K'" pty.txt && pass "progress line on a terminal, erased at the end" ||
		fail "progress on a terminal: $(cat pty.txt)"
	python3 "$PROGS/on_pty.py" "$PPM_BIN" report -i w.data -F pprof -o w2.pb.gz >pty.txt
	[ "$(head -1 pty.txt)" = "b''" ] && pass "no progress line when the work takes under a second" ||
		fail "progress shown for quick work: $(cat pty.txt)"
	PYPERFMAP_PROGRESS_AFTER=0 "$PPM_BIN" report -i big.data -F pprof -o big2.pb.gz 2>err.txt
	[ ! -s err.txt ] && pass "no progress when stderr is not a terminal" || fail "stderr not a tty got: $(cat -v err.txt)"
	python3 "$PROGS/on_pty.py" "$PPM_BIN" report -i w.data -F pprof >pty.txt
	grep -q 'gzipped binary' pty.txt && grep -q 'exit 2' pty.txt && pass "pprof to a terminal refused" ||
		fail "pprof to a terminal: $(cat pty.txt)"
}
run_scenario "$@"
