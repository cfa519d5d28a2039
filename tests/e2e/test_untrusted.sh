#!/bin/bash
# Names from profiled programs are untrusted: a function, a file and a process named
# with escape sequences, ';', quotes and '</script>' reach no terminal output as raw
# control bytes (report, counter table, script, annotate, top, messages), every
# machine format parses and keeps the exact names (JSON, speedscope, pprof), folded
# stacks keep one stack a line with ';' escaped, the flame graph page carries no
# '</script>' of theirs; perf maps in /tmp not owned by their process's user or root,
# or reached through a symlink, are not believed, with a notice.
# scenarios: terminal machine folded flamegraph planted_map symlinked_map
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PY=$(find_python 3.12 3.13 3.11 "") || skip "the trampoline was built for no CPython"
NAME='evil\x1b[31mRED\x1b[0m;semi"quote</script>'

record_evil() {
	[ -f evil.data ] && return
	"$PPM_BIN" record -o evil.data -- "$PY" "$PROGS/evil_names.py" 1.5 >evil.out 2>evil.err || fail "record: $(cat evil.err)"
	for p in $(pids_of evil.data); do MAPS_MADE+=("$p"); done
}
# no byte below 0x20 but tab and newline, and no DEL, in a file
clean() { ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"; }
# C1 controls as UTF-8 (U+0080..U+009F: c2 80..c2 9f)
no_c1() { ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"; }

scenario_terminal() {
	record_evil
	"$PPM_BIN" report -i evil.data >rep.txt 2>rep.err
	"$PPM_BIN" report -i evil.data --no-children -G --sort comm,sym >rep2.txt 2>>rep.err
	"$PPM_BIN" script -i evil.data >script.txt 2>>rep.err
	"$PPM_BIN" top --stdio -d 1 -- "$PY" "$PROGS/evil_names.py" 2 >top.txt 2>top.err
	"$PPM_BIN" annotate -i evil.data 'py::evil' >ann.txt 2>ann.err
	for f in rep.txt rep2.txt script.txt top.txt ann.txt rep.err top.err ann.err; do
		clean "$f" && no_c1 "$f" && pass "$f: no raw control byte" || fail "$f carries raw control bytes"
	done
	grep -qF 'py::evil\x1b[31mRED\x1b[0m;semi"quote</script>' rep.txt \
		&& pass "the function's name is shown, its escapes visible: $(grep -m1 -oF 'py::evil\x1b[31mRED' rep.txt)" || fail "name not shown escaped: $(grep -m1 evil rep.txt)"
	grep -qF 'ev\x1b[1ml\x0ac;m' rep2.txt && pass "the process name too, its newline as \\x0a" || fail "comm: $(sed -n 10p rep2.txt)"
	grep -qF 'py::evil\x1b[31mRED' script.txt && grep -qF 'ev\x1b[1ml\x0ac;m' script.txt \
		&& pass "script shows them escaped" || fail "script: $(grep -m1 evil script.txt)"
	grep -qF 'py::evil\x1b[31mRED' top.txt && pass "top shows them escaped" || fail "top: $(grep -m1 evil top.txt)"
	"$PPM_BIN" report -i evil.data --event "$(printf 'no\033[2Jsuch')" >/dev/null 2>msg.txt
	clean msg.txt && grep -qF 'no\x1b[2Jsuch' msg.txt && pass "a message echoing a name escapes it: $(cat msg.txt | cut -c1-60)" \
		|| fail "message: $(cat -A msg.txt | head -2)"
}

scenario_machine() {
	record_evil
	"$PPM_BIN" report -i evil.data -F json -o rep.json 2>/dev/null
	"$PPM_BIN" report -i evil.data -F speedscope -o ss.json 2>/dev/null
	"$PPM_BIN" report -i evil.data -F pprof -o prof.pb.gz 2>/dev/null
	python3 - "$PROGS/evil_names.py" <<'PYEOF' && pass "JSON, speedscope and pprof parse and keep the exact names" || fail "a machine format lost or broke a name"
import gzip, json, sys
sys.path.insert(0, "")
src = open(sys.argv[1]).read()
ns = {}
for line in src.splitlines():
    if line.startswith("EVIL_"):
        exec(line, ns)
fn = "py::" + ns["EVIL_NAME"] + ":" + ns["EVIL_FILE"]
rep = json.load(open("rep.json"))
assert any(r["symbol"] == fn for r in rep["rows"]), "json"
assert any(r.get("command") == ns["EVIL_COMM"][:15] for r in rep["rows"]), "json command"
ss = json.load(open("ss.json"))
assert any(f["name"] == fn for f in ss["shared"]["frames"]), "speedscope"
pb = gzip.open("prof.pb.gz").read()
assert fn.encode() in pb, "pprof string table"
PYEOF
}

scenario_folded() {
	record_evil
	"$PPM_BIN" report -i evil.data -F folded >folded.txt 2>/dev/null
	clean folded.txt && pass "folded: no raw control byte" || fail "folded carries control bytes"
	grep -qF 'py::evil\x1b[31mRED\x1b[0m\x3bsemi"quote</script>:/tmp/evil\x1b]0\x3bTITLE\x07\x3bdir"</script>.py' folded.txt \
		&& pass "a ';' inside a name is \\x3b: the name stays one frame" || fail "folded name: $(grep -m1 -o 'py::evil[^;]*' folded.txt)"
	awk '!/ [0-9]+$/ { bad++ } END { exit bad > 0 }' folded.txt && pass "one stack a line, each ending in its count" \
		|| fail "a folded line broke: $(awk '!/ [0-9]+$/' folded.txt | head -1 | cut -c1-80)"
}

scenario_flamegraph() {
	record_evil
	"$PPM_BIN" report -i evil.data -F flamegraph -o flame.html 2>/dev/null || fail "flame graph"
	ours=$(grep -c '</script>' "$SRC/report/flame.html")
	[ "$(grep -o '</script>' flame.html | wc -l)" = "$ours" ] && pass "the page closes only its own $ours <script> element(s): a name's '</script>' is escaped" \
		|| fail "'</script>' appears $(grep -o '</script>' flame.html | wc -l) times, the template has $ours"
	grep -qF 'evil\u001b[31mRED' flame.html && pass "the name is in the page's data, escaped as JSON" || fail "name not in the page"
	if [ -x "$SRC/tests/js/node_modules/.bin/playwright-core" ] || [ -d "$SRC/tests/js/node_modules/playwright-core" ]; then
		node "$SRC/tests/js/flame_check.js" flame.html "$(awk '{ s += $NF } END { print s }' <("$PPM_BIN" report -i evil.data -F folded 2>/dev/null))" flame.png >chk.txt 2>&1 \
			&& pass "the page renders in Chromium with those names" || fail "browser: $(tail -3 chk.txt)"
	fi
}

# A map for a running root process, planted by nobody: not embedded, with a notice.
scenario_planted_map() {
	[ "$(id -u)" = 0 ] || skip "needs root to make a map owned by another user"
	id nobody >/dev/null 2>&1 || skip "no 'nobody' user"
	"$PY" -X perf "$PROGS/attach_target.py" 3 >target.txt 2>&1 &
	T=$!
	MAPS_MADE+=("$T")
	wait_for 20 grep -q ready target.txt || fail "the target did not start"
	"$PY" -X perf -c pass 2>/dev/null || skip "$PY has no -X perf"
	wait_for 10 test -s "/tmp/perf-$T.map" || skip "the target wrote no perf map"
	chown nobody "/tmp/perf-$T.map"
	"$PPM_BIN" record -o planted.data -p "$T" >/dev/null 2>err.txt
	wait "$T"
	grep -q "1 perf map(s) in /tmp not embedded: not owned by their process's user or root" err.txt \
		&& pass "record says it: $(grep 'not embedded' err.txt)" || fail "no notice: $(cat err.txt)"
	"$PPM_BIN" report -i planted.data --no-children -G 2>rep.err | grep -q "py::foo" \
		&& fail "the planted map named frames" || pass "its names are not in the recording"
	grep -q "not read: not owned by their process's user or root" rep.err \
		&& pass "report does not read it from /tmp either, and says so" || fail "report: $(cat rep.err)"
}

# perf's own recording of a -X perf program, read by report from /tmp: a symlinked map
# is not followed.
scenario_symlinked_map() {
	need_perf
	"$PY" -X perf -c pass 2>/dev/null || skip "$PY has no -X perf"
	perf record -q --call-graph dwarf -F 1000 -o p.data -- "$PY" -X perf "$PROGS/chain.py" 1 >/dev/null 2>&1 \
		|| skip "perf cannot record DWARF call graphs here"
	pid=$(perf script -i p.data -F pid 2>/dev/null | awk '{ print $1 }' | sort -un | head -1)
	MAPS_MADE+=("$pid")
	"$PPM_BIN" report -i p.data -F folded 2>/dev/null | grep -q "py::foo" \
		&& pass "read from /tmp, the map names py::foo" || fail "py::foo not named from the map to begin with"
	mv "/tmp/perf-$pid.map" real.map || fail "no map of $pid to move"
	ln -s "$TMP/real.map" "/tmp/perf-$pid.map"
	"$PPM_BIN" report -i p.data -F folded 2>err.txt | grep -q "py::foo" \
		&& fail "a symlinked map was followed" || pass "a symlinked map is not followed: no py:: names from it"
	rm -f "/tmp/perf-$pid.map"
}

run_scenario "$@"
