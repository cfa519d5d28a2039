#!/bin/bash
# Where the time goes while Python waits: record --off-cpu weighs each switch-out's
# stack by the nanoseconds until its thread runs again (event offcpu-time). A program
# computing 1 s and sleeping 3 s splits 25/75 in report --wall, with 3 s +-15% off-CPU
# in its sleeping function; a lock wait, a loopback socket read, workers blocked on a
# pipe and the GIL show the Python function that waited with the native and kernel
# frames under it; --off-cpu-thresh writes the long waits one by one and sums the
# short ones; -p attaches with it; perf reads the file. And tracepoints: -e sched:* and
# friends open, perf reads them, list shows them.
# scenarios: sleep_wall lock socket pipe gil threshold attach perf_reads tracepoints
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PY=$(find_python 3.12 3.13 3.11 "") || skip "the trampoline was built for no CPython"
W=$PROGS/offcpu_work.py
kernel_named() { [ "$(awk 'NR == 1 { print $1 }' /proc/kallsyms)" != 0000000000000000 ]; }

record_mode() { # MODE [record options...]
	local mode=$1; shift
	"$PPM_BIN" record -F 1000 --off-cpu "$@" -o "$mode.data" -- "$PY" "$W" "$mode" >/dev/null 2>"$mode.err" \
		|| fail "record --off-cpu of $mode: $(cat "$mode.err")"
	for p in $(pids_of "$mode.data"); do MAPS_MADE+=("$p"); done
}
# offcpu-time's folded stacks, each weighing its nanoseconds
folded_offcpu() { "$PPM_BIN" report -i "$1" --event offcpu-time -F folded 2>/dev/null; }
has_stack() { # FILE NAME... : some off-CPU stack holds every NAME
	local f=$1; shift
	folded_offcpu "$f" | awk -v names="$*" 'BEGIN { n = split(names, want, " ") }
		{ ok = 1; for (i = 1; i <= n; i++) if (!index($0, want[i])) ok = 0; if (ok) found = 1 }
		END { exit !found }'
}

scenario_sleep_wall() {
	record_mode sleep
	grep -q "off-CPU: [0-9]* waits" sleep.err && pass "the summary says $(grep -o 'off-CPU: [^,]*, [0-9.]* s in all' sleep.err)" \
		|| fail "no off-CPU summary: $(cat sleep.err)"
	"$PPM_BIN" report -i sleep.data --wall -F folded >wall.txt 2>err.txt || fail "report --wall: $(cat err.txt)"
	read -r sleep comp total < <(awk -v s="py::sleeper:$W" -v c="py::compute:$W" '{ t += $NF }
		index($0, s) { a += $NF } index($0, c) { b += $NF } END { print a + 0, b + 0, t + 0 }' wall.txt)
	awk -v a="$sleep" 'BEGIN { exit !(a >= 2.55e9 && a <= 3.45e9) }' \
		&& pass "py::sleeper holds $(awk -v a="$sleep" 'BEGIN { printf "%.2f", a / 1e9 }') s off-CPU (3 s +-15%)" \
		|| fail "py::sleeper: $sleep ns off-CPU"
	awk -v a="$sleep" -v b="$comp" -v t="$total" 'BEGIN { p = 100 * a / t; q = 100 * b / t; exit !(p >= 65 && p <= 85 && q >= 15 && q <= 35) }' \
		&& pass "the wall view splits $(awk -v a="$sleep" -v b="$comp" -v t="$total" 'BEGIN { printf "%.0f/%.0f", 100 * b / t, 100 * a / t }') computing/sleeping (about 25/75)" \
		|| fail "wall split: compute $comp, sleep $sleep of $total ns"
	# the trampoline's own thread (pyperfmap-flush, sleeping between map writes) is not the program's
	folded_offcpu sleep.data | grep -q "^pyperfmap-flush\|;flusher;" \
		&& fail "the trampoline's own thread is in the off-CPU time: $(folded_offcpu sleep.data | grep flush | head -1)" \
		|| pass "no wait of the trampoline's own thread"
	kernel_named || skip "kernel addresses are hidden here: the kernel frames under the sleep cannot be named"
	# time_sleep is the interpreter's (py::sleeper's own); libc's call and the kernel's wait are not
	has_stack sleep.data "py::sleeper:$W;clock_nanosleep" do_nanosleep_ \
		&& pass "under py::sleeper: clock_nanosleep (libc) and do_nanosleep (kernel)" || fail "sleep stack: $(folded_offcpu sleep.data | sort -k2 -n | tail -1)"
}

scenario_lock() {
	record_mode lock
	has_stack lock.data "py::waiter:$W" || fail "no off-CPU stack through py::waiter: $(folded_offcpu lock.data | head -3)"
	w=$(folded_offcpu lock.data | awk -v f="py::waiter:$W" 'index($0, f) { s += $NF } END { print s + 0 }')
	awk -v w="$w" 'BEGIN { exit !(w >= 0.8e9 && w <= 1.3e9) }' \
		&& pass "py::waiter waited $(awk -v w="$w" 'BEGIN { printf "%.2f", w / 1e9 }') s on the lock (1 s held)" || fail "lock wait: $w ns"
	kernel_named && { has_stack lock.data "py::waiter:$W" futex_wait && pass "in the kernel's futex wait" \
		|| fail "no futex under the lock wait: $(folded_offcpu lock.data | grep waiter | head -1)"; }
}

scenario_socket() {
	record_mode socket
	w=$(folded_offcpu socket.data | awk -v f="py::reader:$W" 'index($0, f) { s += $NF } END { print s + 0 }')
	awk -v w="$w" 'BEGIN { exit !(w >= 0.8e9 && w <= 1.3e9) }' \
		&& pass "py::reader waited $(awk -v w="$w" 'BEGIN { printf "%.2f", w / 1e9 }') s in recv() on a loopback socket" || fail "socket wait: $w ns"
	kernel_named && { has_stack socket.data "py::reader:$W" tcp_recvmsg && pass "in tcp_recvmsg" \
		|| fail "no tcp_recvmsg: $(folded_offcpu socket.data | grep reader | head -1)"; }
}

scenario_pipe() {
	record_mode pipe
	n=$(folded_offcpu pipe.data | awk -v f="py::worker:$W" 'index($0, f) { s += $NF } END { print s + 0 }')
	awk -v w="$n" 'BEGIN { exit !(w >= 1.6e9 && w <= 2.6e9) }' \
		&& pass "the two workers waited $(awk -v w="$n" 'BEGIN { printf "%.2f", w / 1e9 }') s in all on the pipe (1 s each)" || fail "pipe waits: $n ns"
	kernel_named && { has_stack pipe.data "py::worker:$W" "read;" && pass "in read(2)" \
		|| fail "no pipe_read: $(folded_offcpu pipe.data | grep worker | head -1)"; }
	[ "$("$PPM_BIN" report -i pipe.data --event offcpu-time --sort pid -G 2>/dev/null | grep -cE '^ +[0-9.]+% +[0-9.]+% +[0-9]+ +[0-9]+$')" -ge 3 ] \
		&& pass "three processes have off-CPU time (--sort pid)" || fail "processes: $("$PPM_BIN" report -i pipe.data --event offcpu-time --sort pid -G 2>&1 | tail -5)"
}

scenario_gil() {
	record_mode gil
	has_stack gil.data "py::spin:$W" take_gil && pass "waiting for the GIL: off-CPU in take_gil under py::spin" \
		|| fail "no take_gil: $(folded_offcpu gil.data | sort -t' ' -k2 -n | tail -2)"
}

scenario_threshold() {
	record_mode short --off-cpu-thresh 100
	perf_like=$("$PPM_BIN" script -i short.data -F event,period 2>/dev/null | awk '$2 == "offcpu-time:" { print $1 }')
	long=$(echo "$perf_like" | awk '$1 >= 100e6 && $1 < 600e6' | wc -l)
	[ "$long" -ge 3 ] && pass "$long waits of 100 ms or more written one by one (the 3 naps of 0.3 s among them)" \
		|| fail "long waits: $(echo "$perf_like" | sort -n | tail -5 | tr '\n' ' ')"
	short=$(folded_offcpu short.data | awk -v f="py::many_short:$W" 'index($0, f) { s += $NF } END { print s + 0 }')
	nshort=$("$PPM_BIN" script -i short.data -F event,period 2>/dev/null | awk '$2 == "offcpu-time:" && $1 < 100e6' | wc -l)
	awk -v w="$short" 'BEGIN { exit !(w >= 0.4e9 && w <= 0.9e9) }' && [ "$nshort" -lt 50 ] \
		&& pass "the 50 sleeps of 10 ms: $(awk -v w="$short" 'BEGIN { printf "%.2f", w / 1e9 }') s kept, summed in $nshort samples" \
		|| fail "short waits: $short ns in $nshort samples"
	grep -q "(100 ms or more)" short.err && pass "the summary names the threshold" || fail "summary: $(cat short.err)"
}

scenario_attach() {
	"$PY" "$W" wait >target.txt &
	T=$!
	MAPS_MADE+=("$T")
	wait_for 20 grep -q ready target.txt || fail "the target did not start"
	"$PPM_BIN" record --off-cpu -o att.data -p "$T" >/dev/null 2>err.txt || fail "record -p --off-cpu: $(cat err.txt)"
	wait "$T"
	w=$(folded_offcpu att.data | awk '{ s += $NF } END { print s + 0 }')
	awk -v w="$w" 'BEGIN { exit !(w >= 1.5e9) }' && pass "-p with --off-cpu: $(awk -v w="$w" 'BEGIN { printf "%.2f", w / 1e9 }') s off-CPU in the attached process" \
		|| fail "attached off-CPU: $w ns: $(cat err.txt)"
}

scenario_perf_reads() {
	need_perf
	record_mode sleep
	perf report -i sleep.data --stdio --no-children -g none >perf.txt 2>perr.txt \
		&& grep -q "of event 'offcpu-time'" perf.txt && grep -Eq "Event count \(approx\.\): [0-9]{10}" perf.txt \
		&& pass "perf report shows offcpu-time, its count in ns: $(grep -A1 "'offcpu-time'" perf.txt | tail -1)" \
		|| fail "perf report: $(head -3 perr.txt) $(grep -A2 offcpu perf.txt)"
	perf script -i sleep.data -F event,period 2>/dev/null | grep -q "offcpu-time" && pass "perf script reads the off-CPU samples" \
		|| fail "perf script shows no offcpu-time"
}

scenario_tracepoints() {
	"$PPM_BIN" record -e sched:sched_switch -o tp.data -- "$PY" "$W" sleep >/dev/null 2>err.txt
	rc=$?
	if [ $rc -ne 0 ] && grep -Eq "tracefs|unknown event|permission" err.txt; then
		skip "no tracepoints here: $(tail -1 err.txt)"
	fi
	exit_is $rc 0 || fail "record -e sched:sched_switch: $(cat err.txt)"
	"$PPM_BIN" report -i tp.data -G 2>/dev/null | grep -q "Event: sched:sched_switch" \
		&& pass "report reads the tracepoint's samples" || fail "report of tp.data: $("$PPM_BIN" report -i tp.data -G 2>&1 | head -4)"
	if command -v perf >/dev/null; then
		perf script -i tp.data 2>perr.txt | grep -q "sched:sched_switch: prev_comm=" \
			&& pass "perf script reads it, fields and all (the file carries perf's tracing data)" || fail "perf script: $(head -2 perr.txt)"
		perf report -i tp.data --stdio >/dev/null 2>perr.txt && pass "perf report reads it" || fail "perf report: $(head -2 perr.txt)"
	fi
	"$PPM_BIN" record -e 'sched:sched_sw*,sched:sched_process_exit' -o tp2.data -- true >/dev/null 2>err.txt \
		|| fail "a pattern: $(cat err.txt)"
	"$PPM_BIN" report -i tp2.data --event sched:sched_switch -G >/dev/null 2>err.txt &&
		"$PPM_BIN" report -i tp2.data --event sched:sched_process_exit -G >/dev/null 2>>err.txt \
		&& pass "'sched:sched_sw*' expands to its tracepoints (beside the one named)" \
		|| fail "pattern events: $(cat err.txt)"
	"$PPM_BIN" list sched_switch | grep -q "sched:sched_switch .*\[Tracepoint event\]" \
		&& pass "list shows tracepoints under their own heading" || fail "list: $("$PPM_BIN" list sched_switch)"
	"$PPM_BIN" record -e sched:no_such_tracepoint -o x.data -- true >/dev/null 2>err.txt
	rc=$?
	exit_is $rc 2 && grep -q "unknown event 'sched:no_such_tracepoint'" err.txt && pass "an unknown tracepoint: one line, exit 2" \
		|| fail "unknown tracepoint: exit $rc, $(cat err.txt)"
}

run_scenario "$@"
