#!/bin/bash
# The profiled command is untouched: stdio, exit status, signals. Files: .old kept,
# -c/-m/-F options honoured; help and version.
# scenarios: stdio signals perf_reads options high_rate unprivileged help
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_stdio() {
	out=$(echo "from stdin" | "$PPM_BIN" record -q -o a.data -- cat 2>/dev/null)
	[ "$out" = "from stdin" ] && pass "stdin and stdout pass through" || fail "got '$out'"
	err=$("$PPM_BIN" record -q -o a.data -- sh -c 'echo to-stderr >&2' 2>&1 >/dev/null)
	[ "$err" = "to-stderr" ] && pass "stderr passes through (nothing else with -q)" || fail "stderr was '$err'"
	"$PPM_BIN" record -q -o a.data -- sh -c 'exit 7' 2>/dev/null
	rc=$?; exit_is $rc 7 && pass "exit status 7 passes through" || fail "exit status $rc"
	"$PPM_BIN" record -q -o a.data -- sh -c 'kill -TERM $$' 2>/dev/null
	rc=$?; exit_is $rc 143 && pass "killed by SIGTERM gives 143" || fail "exit status $rc"
	[ -f a.data.old ] && pass "previous file kept as a.data.old" || fail "no a.data.old"
	"$PPM_BIN" report -i a.data.old >/dev/null 2>&1 && pass "the .old file is still valid" || fail ".old unreadable"
}

scenario_signals() {
	# A signal to pyperfmap reaches the command; the file is finished and valid.
	"$PPM_BIN" record -q -o sig.data -- sleep 30 2>err.txt &
	rec=$!
	wait_for 20 descendant_running $rec sleep || fail "the command never started: $(cat err.txt)"
	kill -INT $rec
	wait $rec
	rc=$?
	exit_is $rc 130 && pass "SIGINT forwarded: sleep died of it, exit 130" || fail "exit status $rc: $(cat err.txt)"
	"$PPM_BIN" report -i sig.data >/dev/null 2>&1 && pass "file after SIGINT is valid" || fail "file after SIGINT unreadable"
	# A command that ignores SIGINT keeps running: pyperfmap waits for it. The trap is
	# set once the shell runs its first command, sleep.
	"$PPM_BIN" record -q -o ign.data -- sh -c 'trap "" INT; sleep 1; exit 3' 2>/dev/null &
	rec=$!
	wait_for 20 descendant_running $rec sleep || fail "the command never started"
	kill -INT $rec
	wait $rec
	rc=$?
	exit_is $rc 3 && pass "a command that ignores SIGINT finishes its work (exit 3)" || fail "exit status $rc"
}

scenario_perf_reads() {
	need_perf
	"$PPM_BIN" record -q -o sig.data -- sleep 30 2>err.txt &
	rec=$!
	wait_for 20 descendant_running $rec sleep || fail "the command never started: $(cat err.txt)"
	kill -INT $rec
	wait $rec
	perf report -i sig.data --stdio >/dev/null 2>perr.txt && [ ! -s perr.txt ] \
		&& pass "perf reads a file finished after SIGINT" || fail "perf: $(cat perr.txt)"
}

# Options reach the kernel: a fixed period, the ring size, the frequency limit.
scenario_options() {
	"$PPM_BIN" record -c 1000000 -e task-clock -m 8 -o c.data -- "$HOT_C" 0.3 >/dev/null 2>err.txt || fail "record -c failed"
	"$PPM_BIN" report -i c.data >c.txt 2>&1
	grep -q '^# Event: task-clock' c.txt && pass "-e task-clock recorded" || fail "event: $(grep Event c.txt)"
	samples=$(sed -n 's/^# Samples: \([0-9]*\) .*Event count: \([0-9]*\)/\1 \2/p' c.txt)
	set -- $samples
	[ "${1:-0}" -gt 0 ] && [ "$2" = "$(( $1 * 1000000 ))" ] && pass "-c 1000000: every sample has period 1000000 ($1 samples)" \
		|| fail "period: $samples"
	max=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
	"$PPM_BIN" record -F $((max + 1000)) -o m.data -- true >/dev/null 2>err.txt
	grep -q "above the kernel's limit of $max Hz" err.txt && pass "-F above the kernel limit is lowered with a notice" || fail "$(cat err.txt)"
}

scenario_high_rate() {
	need_rate 9999
	"$PPM_BIN" record -F 9999 -o f.data -- "$HOT_C" 1 >/dev/null 2>err.txt || fail "-F 9999 failed"
	hz=$(sed -n 's/.*, \([0-9]*\) Hz per CPU-second.*/\1/p' err.txt)
	lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' err.txt)
	[ -n "$hz" ] && [ "$hz" -ge 9000 ] && pass "-F 9999 reaches $hz Hz" || fail "-F 9999: $(cat err.txt)"
	[ "$lost" = 0 ] && pass "-F 9999 loses no samples" || fail "lost $lost"
}

# An unprivileged user with no locked-memory allowance still records: smaller rings.
scenario_unprivileged() {
	[ "$(id -u)" = 0 ] || skip "needs root to run a check as another user"
	id nobody >/dev/null 2>&1 || skip "no 'nobody' user"
	command -v setpriv >/dev/null && command -v prlimit >/dev/null || skip "no setpriv or prlimit (util-linux)"
	[ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ] || skip "perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid) forbids unprivileged recording"
	mkdir -p nb && chmod 777 nb
	(cd nb && setpriv --reuid=nobody --regid=nogroup --clear-groups prlimit --memlock=0:0 \
		"$PPM_BIN" record -o nb.data -- "$HOT_C" 0.1 >/dev/null 2>err.txt)
	rc=$?
	exit_is $rc 0 && grep -q "ring buffers reduced" nb/err.txt && "$PPM_BIN" report -i nb/nb.data >/dev/null 2>&1 \
		&& pass "unprivileged, no mlock allowance: rings shrink by themselves" || fail "unprivileged record: rc=$rc $(cat nb/err.txt)"
}

scenario_help() {
	"$PPM_BIN" --version | grep -Eq '^pyperfmap [0-9]+\.[0-9]+' && pass "--version" || fail "--version"
	for c in "" record report; do
		"$PPM_BIN" $c --help >help.txt 2>&1 && [ -s help.txt ] && pass "help for '${c:-pyperfmap}'" || fail "--help $c"
	done
	ok=1
	for o in -F -c -g -e -o -m -p; do grep -q -- "  $o" <("$PPM_BIN" record --help) || { ok=0; fail "record --help lacks $o"; }; done
	for o in -i --stdio --no-children --sort -g --format; do grep -q -- "$o" <("$PPM_BIN" report --help) || { ok=0; fail "report --help lacks $o"; }; done
	[ $ok = 1 ] && pass "record --help and report --help name their options"
}
run_scenario "$@"
