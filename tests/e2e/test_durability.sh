#!/bin/bash
# A recording survives its recorder: SIGKILL before the first flush, in the middle and
# during the final write all leave a file that pyperfmap report and perf report read
# (with the Python names, and a warning that it was cut short); a full disk stops the
# recording with one line and exit 74 while the program runs on; a read-only folder is
# refused before anything starts; SIGTERM finishes the file as Ctrl-C does, and a
# second signal stops at once, still leaving it readable.
# scenarios: kill_early kill_middle kill_final full_disk readonly_dir sigterm second_signal
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# The recorder's file is readable: report exits 0, and says it was cut short when asked.
readable() { # file cut|complete
	"$PPM_BIN" report -i "$1" --stdio >rep.txt 2>rerr.txt || { fail "report of $1: $(cat rerr.txt)"; return 1; }
	if [ "$2" = cut ]; then
		[ "$(grep -c "was cut short" rerr.txt)" = 1 ] || { fail "no one-line cut-short warning: $(cat rerr.txt)"; return 1; }
	else
		[ ! -s rerr.txt ] || { fail "report of a finished file said: $(cat rerr.txt)"; return 1; }
	fi
	if command -v perf >/dev/null; then
		# perf script: perf report calls a file without samples an error, which the
		# earliest cut is.
		perf script -i "$1" >perf.txt 2>perr.txt || { fail "perf script of $1 failed: $(head -2 perr.txt)"; return 1; }
		[ ! -s perr.txt ] || { fail "perf script of $1 said: $(head -2 perr.txt)"; return 1; }
		[ "$(grep -c 'cpu-clock:' perf.txt)" = "$(samples_in)" ] ||
			{ fail "perf script sees $(grep -c 'cpu-clock:' perf.txt) samples, pyperfmap $(samples_in)"; return 1; }
	fi
	return 0
}
samples_in() { sed -n 's/^# Samples: \([0-9]*\).*/\1/p' rep.txt; }

start_recording() { # extra record args...
	need_interpreters
	PY=$(find_python 3.12 3.11 "")
	"$PPM_BIN" record -F 2000 -o k.data "$@" -- "$PY" "$PROGS/calls.py" 30 "$TMP" >out.txt 2>err.txt &
	REC=$!
	wait_for 20 test -s k.data || fail "the recording never took its name: $(cat err.txt)"
}

scenario_kill_early() {
	start_recording
	kill -KILL $REC
	wait $REC 2>/dev/null
	pkill -f "calls.py 30 $TMP" # this test's program only (its own folder as a marker)
	readable k.data cut && pass "SIGKILL right after the start: a readable file ($(samples_in) samples), said to be cut short"
	[ -z "$(ls k.data.tmp.* 2>/dev/null)" ] && pass "no temporary file left" || fail "left: $(ls k.data.tmp.*)"
}

scenario_kill_middle() {
	start_recording
	# Until the file on disk holds a few checkpoints' worth of samples.
	wait_for 60 eval '"$PPM_BIN" report -i k.data --stdio 2>/dev/null | awk '"'"'/^# Samples:/ { exit !($3 >= 3000) }'"'" \
		|| fail "the file never held 3000 samples while recording"
	kill -KILL $REC
	wait $REC 2>/dev/null
	pkill -f "calls.py 30 $TMP" # this test's program only (its own folder as a marker)
	readable k.data cut || return
	n=$(samples_in)
	[ "${n:-0}" -ge 3000 ] && pass "SIGKILL in the middle: $n samples kept, said to be cut short" || fail "only ${n:-0} samples kept"
	# the copy inside the file must do
	for p in $(pids_of k.data); do rm -f "/tmp/perf-$p.map"; done
	"$PPM_BIN" report -i k.data -G 2>/dev/null | grep -q "py::foo:$PROGS/calls.py" \
		&& pass "Python frames named from the maps embedded along the way" || fail "no py::foo without the maps on disk"
}

scenario_kill_final() {
	need_interpreters
	PY=$(find_python 3.12 3.11 "")
	# Each checkpoint pauses 1.5 s before its header: the final one is a window to kill in.
	PPM_TEST_CHECKPOINT_PAUSE_MS=1500 "$PPM_BIN" record -F 2000 -o k.data -- "$PY" "$PROGS/calls.py" 1 >out.txt 2>err.txt &
	REC=$!
	wait_for 60 file_has out.txt '^done' || fail "the command never finished"
	kill -KILL $REC
	wait $REC 2>/dev/null
	readable k.data cut && pass "SIGKILL during the final write: a readable file ($(samples_in) samples)"
}

# A 2 MB tmpfs fills up in about a second at 9999 Hz with DWARF stacks.
scenario_full_disk() {
	[ "$(id -u)" = 0 ] || skip "a small filesystem is mounted for this, which needs root"
	need_interpreters
	need_rate 9999
	PY=$(find_python 3.12 3.11 "")
	mkdir small && mount -t tmpfs -o size=2m ppm-small small || skip "cannot mount a tmpfs"
	"$PPM_BIN" record -F 9999 -o small/k.data -- "$PY" "$PROGS/calls.py" 3 >out.txt 2>err.txt
	rc=$?
	exit_is $rc 74 && pass "a full disk: exit 74" || fail "a full disk: exit $rc"
	grep -q '^done' out.txt && pass "the program ran on to its end" || fail "the program did not finish: $(cat out.txt)"
	[ "$(grep -c "cannot write 'small/k.data': No space left on device: the recording stops here" err.txt)" = 1 ] \
		&& pass "one line: $(grep 'cannot write' err.txt)" || fail "the message: $(cat err.txt)"
	cp small/k.data k.data
	umount small
	readable k.data cut && pass "the partial file is readable ($(samples_in) samples)"
}

scenario_readonly_dir() {
	[ "$(id -u)" = 0 ] || skip "a read-only filesystem is mounted for this, which needs root"
	mkdir ro && mount -t tmpfs -o ro ppm-ro ro || skip "cannot mount a tmpfs"
	"$PPM_BIN" record -q -o ro/k.data -- "$HOT_C" 0.1 >out.txt 2>err.txt
	rc=$?
	umount ro
	exit_is $rc 1 && [ "$(wc -l <err.txt)" = 1 ] && grep -q "cannot create 'ro/k.data': Read-only file system" err.txt \
		&& pass "a read-only folder: $(cat err.txt)" || fail "read-only: rc=$rc $(cat err.txt)"
	[ ! -s out.txt ] && pass "and the command did not run" || fail "the command ran: $(cat out.txt)"
}

scenario_sigterm() {
	"$PPM_BIN" record -o t.data -- sleep 30 2>err.txt &
	REC=$!
	wait_for 20 descendant_running $REC sleep || fail "the command never started"
	kill -TERM $REC
	wait $REC
	rc=$?
	exit_is $rc 143 && pass "SIGTERM reaches the command: exit 143" || fail "SIGTERM: exit $rc $(cat err.txt)"
	readable t.data complete && pass "and the file is finished, complete"
}

scenario_second_signal() {
	"$PPM_BIN" record -o s.data -- sh -c 'trap "" INT TERM; sleep 30 & echo $! >sleep.pid; wait' 2>err.txt &
	REC=$!
	wait_for 20 descendant_running $REC sleep || fail "the command never started"
	kill -INT $REC
	# The first is passed on and ignored: the recording goes on.
	sleep_ok=$(wait_for 1 eval '! kill -0 '$REC' 2>/dev/null' && echo ended || echo running)
	[ "$sleep_ok" = running ] && pass "one SIGINT to a command that ignores it: still recording" || fail "it stopped at the first signal"
	kill -INT $REC
	wait $REC
	rc=$?
	exit_is $rc 130 && pass "a second signal stops at once: exit 130" || fail "second signal: exit $rc $(cat err.txt)"
	readable s.data complete && pass "the file is finished and readable"
	[ -s sleep.pid ] && kill "$(cat sleep.pid)" 2>/dev/null # its own sleep, nobody else's
}
run_scenario "$@"
