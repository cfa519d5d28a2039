#!/bin/bash
# -p: attach to a running process, follow a thread it creates while recorded, stop
# when it exits or on Ctrl-C; with DWARF call graphs, its existing maps (synthesized)
# feed the unwinder. Process trees: a pre-fork master's workers, --no-inherit, a
# worker's inherited stubs named by its master's map, -p PID -- CMD, several pids,
# and system-wide (-a).
# scenarios: follows_exit sigint dwarf prefork no_inherit lineage timed pid_list gone system_wide
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_follows_exit() {
	"$THREADS_C" 1 go >ready.txt &
	target=$!
	wait_for 10 file_has ready.txt ready || fail "threads_c never got ready"
	"$PPM_BIN" record -F 2000 -o att.data -p $target >out.txt 2>err.txt &
	rec=$!
	# The late thread starts once the recorder has its events open.
	wait_for 10 has_perf_events $rec || fail "the recorder never opened its events: $(cat err.txt)"
	touch go
	wait $rec
	rc=$?
	exit_is $rc 0 && pass "record -p exits 0 when the process exits" || fail "exit $rc: $(cat err.txt)"
	wait $target
	"$PPM_BIN" report -i att.data --no-children >rep.txt 2>&1 || fail "report failed"
	grep -Eq '\[\.\] late_thread_work$' rep.txt && pass "the thread created while recording was sampled" \
		|| fail "late_thread_work missing: $(grep -v '^#' rep.txt | head -3)"
	grep -Eq '^ +[0-9.]+% +[0-9]+  threads_c +threads_c' rep.txt && pass "the command name comes from the synthesized COMM" \
		|| fail "comm: $(grep -v '^#' rep.txt | head -2)"
}

# Ctrl-C ends an attached recording; the process lives on.
scenario_sigint() {
	"$THREADS_C" 60 >ready.txt &
	target=$!
	wait_for 10 file_has ready.txt ready || fail "threads_c never got ready"
	"$PPM_BIN" record -q -o int.data -p $target 2>err.txt &
	rec=$!
	wait_for 10 has_perf_events $rec || fail "the recorder never opened its events: $(cat err.txt)"
	kill -INT $rec
	wait $rec
	rc=$?
	exit_is $rc 0 && pass "SIGINT stops an attached recording with exit 0" || fail "exit $rc: $(cat err.txt)"
	kill -0 $target 2>/dev/null && pass "the attached process was left running" || fail "the target died"
	kill $target; wait $target 2>/dev/null
	"$PPM_BIN" report -i int.data >/dev/null 2>&1 && pass "file valid after SIGINT" || fail "file unreadable"
}

# -p with DWARF: the attached process's existing maps (synthesized) feed the unwinder.
scenario_dwarf() {
	need_interpreters
	read -r ver py < <(interpreters | head -1)
	# chain.py prints nothing; the trampoline's module in its address space says it
	# is under way (the map's lines are written in batches, at exit for this one).
	"$PPM_BIN" exec -- "$py" "$PROGS/chain.py" 2 >/dev/null 2>&1 &
	target=$!
	MAPS_MADE+=("$target")
	wait_for 20 file_has "/proc/$target/maps" 'pyperfmap\.cpython' || fail "$ver: the trampoline never loaded in the target"
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o pdw.data -p $target >/dev/null 2>err.txt || fail "record -p: $(cat err.txt)"
	wait $target
	"$PPM_BIN" report -i pdw.data --format folded >pdw.folded
	read -r whole all < <(awk -v f="$PROGS/chain.py" '{ a += $NF } index($0, ";py::baz:" f ";py::bar:" f ";py::foo:" f) { w += $NF }
		END { print w + 0, a + 0 }' pdw.folded)
	[ "$all" -gt 0 ] && [ $((100 * whole)) -ge $((80 * all)) ] \
		&& pass "$ver: -p --call-graph dwarf: $whole of $all samples with whole Python stacks" \
		|| fail "$ver: -p dwarf: $whole of $all whole stacks; $(cat err.txt)"
}
# A pre-fork server started with pyperfmap's trampoline: master and two workers.
start_prefork() { # workers seconds
	need_interpreters
	PY=$(find_python 3.12 3.11 "")
	rm -f go
	PYPERFMAP=1 PYTHONPATH="$PYDIR" "$PY" "$PROGS/prefork.py" "$1" "$2" go >pids.txt 2>prefork.err &
	SERVER=$!
	wait_for 20 eval '[ "$(grep -c ^worker pids.txt)" = '"$1"' ]' || fail "the server never started its workers: $(cat prefork.err)"
	MASTER=$(awk '$1 == "master" { print $2 }' pids.txt)
	WORKERS=$(awk '$1 == "worker" { print $2 }' pids.txt)
	MAPS_MADE+=("$MASTER" $WORKERS)
}

# pids with samples in FILE, and how many samples each ("pid count" lines)
samples_by_pid() { "$PPM_BIN" report -i "$1" --sort pid --no-children -G | awk '!/^#/ && NF { print $3, $2 }'; }

scenario_prefork() {
	start_prefork 2 1.5
	"$PPM_BIN" record -F 2000 -o tree.data -p "$MASTER" >/dev/null 2>err.txt &
	rec=$!
	wait_for 10 has_perf_events $rec || fail "the recorder never opened its events: $(cat err.txt)"
	touch go
	wait $rec
	rc=$?
	wait $SERVER
	exit_is $rc 0 || fail "record -p master exited $rc: $(cat err.txt)"
	samples_by_pid tree.data >by_pid.txt
	ok=1
	for w in $WORKERS; do
		n=$(awk -v p="$w" '$1 == p { print $2 }' by_pid.txt)
		[ "${n:-0}" -ge 1000 ] || { ok=0; fail "worker $w: ${n:-0} samples (1.5 CPU-seconds at 2000 Hz is about 3,000)"; }
	done
	[ $ok = 1 ] && pass "record -p <master>: both workers sampled ($(tr '\n' ' ' <by_pid.txt)), forked before the attach"
	"$PPM_BIN" report -i tree.data --format folded | grep -q "py::serve:$PROGS/prefork.py;py::handle:$PROGS/prefork.py;py::leaf:" \
		&& pass "the workers' Python stacks are named" || fail "no py::serve;handle;leaf stack"
}

scenario_no_inherit() {
	start_prefork 2 1.5
	touch go
	"$PPM_BIN" record -F 2000 --no-inherit -o one.data -p "$MASTER" -- sleep 0.5 >/dev/null 2>err.txt
	rc=$?
	wait $SERVER
	exit_is $rc 0 || fail "record --no-inherit exited $rc: $(cat err.txt)"
	samples_by_pid one.data >by_pid.txt
	bad=$(awk -v m="$MASTER" '$1 != m' by_pid.txt)
	[ -z "$bad" ] && pass "--no-inherit: the sleeping master alone, no worker sampled" || fail "--no-inherit sampled others: $bad"
}

# A worker attached alone: the stubs it inherited are named by the master's map.
scenario_lineage() {
	start_prefork 1 1.5
	w=$WORKERS
	"$PPM_BIN" record -F 2000 -o w.data -p "$w" >/dev/null 2>err.txt &
	rec=$!
	wait_for 10 has_perf_events $rec || fail "the recorder never opened its events"
	touch go
	wait $rec
	wait $SERVER
	grep -Eq '2 perf maps embedded' err.txt && pass "the worker's map and its master's embedded" || fail "maps: $(cat err.txt)"
	# handle and leaf got their stubs in the master, before the fork
	"$PPM_BIN" report -i w.data --format folded | grep -q ";py::handle:$PROGS/prefork.py;py::leaf:$PROGS/prefork.py" \
		&& pass "inherited stubs named: py::handle;py::leaf from the master's map" \
		|| fail "inherited stubs unnamed: $("$PPM_BIN" report -i w.data --format folded | sort -t' ' -k2 -n | tail -1)"
}

# perf's idiom: record PID for as long as the command runs.
scenario_timed() {
	"$THREADS_C" 60 >ready.txt &
	target=$!
	wait_for 10 file_has ready.txt ready || fail "threads_c never got ready"
	"$PPM_BIN" record -F 2000 -o timed.data -p $target -- sleep 0.5 >/dev/null 2>err.txt
	rc=$?
	kill -0 $target 2>/dev/null && pass "the target lives on after the recording" || fail "the target died"
	kill $target; wait $target 2>/dev/null
	exit_is $rc 0 && grep -q "samples written" err.txt && pass "record -p PID -- sleep 0.5: ends with the command, exit 0" \
		|| fail "record -p PID -- sleep: rc=$rc $(cat err.txt)"
	samples_by_pid timed.data | awk -v p=$target '$1 == p && $2 > 0 { f = 1 } END { exit !f }' \
		&& pass "the target was sampled" || fail "no samples of $target"
	! samples_by_pid timed.data | awk -v p=$target '$1 != p { f = 1 } END { exit !f }' \
		&& pass "the timing command was not" || fail "other pids sampled: $(samples_by_pid timed.data)"
}

scenario_pid_list() {
	"$THREADS_C" 60 >a.txt &
	a=$!
	"$THREADS_C" 60 >b.txt &
	b=$!
	wait_for 10 file_has a.txt ready && wait_for 10 file_has b.txt ready || fail "threads_c never got ready"
	"$PPM_BIN" record -F 2000 -o two.data -p "$a,$b" -- sleep 0.5 >/dev/null 2>err.txt || fail "record -p a,b: $(cat err.txt)"
	kill $a $b; wait $a $b 2>/dev/null
	n=$(samples_by_pid two.data | awk -v a=$a -v b=$b '($1 == a || $1 == b) && $2 > 0' | wc -l)
	[ "$n" = 2 ] && pass "-p $a,$b: both sampled" || fail "-p a,b: $(samples_by_pid two.data)"
	"$PPM_BIN" record -p "$a,x" -- true 2>err.txt
	exit_is $? 2 && grep -q "invalid pid 'x'" err.txt && pass "-p with a bad entry: $(cat err.txt)" || fail "bad -p list: $(cat err.txt)"
}

# The target exits while the recorder attaches: a clean end, never a crash.
scenario_gone() {
	sh -c 'exit 0' &
	gone=$!
	wait $gone
	"$PPM_BIN" record -p $gone -o g.data 2>err.txt
	exit_is $? 1 && grep -q "no such process: $gone" err.txt && pass "a pid that has exited: $(cat err.txt)" || fail "gone: $(cat err.txt)"
	for i in 1 2 3 4 5; do
		sleep 0.05 &
		p=$!
		"$PPM_BIN" record -q -p $p -o race.data 2>err.txt
		rc=$?
		wait $p
		[ $rc -le 1 ] || { fail "attach racing an exit: exit $rc $(cat err.txt)"; break; }
	done
	pass "attaching to processes that exit meanwhile ends with 0 or 1, never a crash"
}

scenario_system_wide() {
	need_interpreters
	PY=$(find_python 3.12 3.11 "")
	PYPERFMAP=1 PYTHONPATH="$PYDIR" "$PY" "$PROGS/chain.py" 4 &
	py=$!
	MAPS_MADE+=("$py")
	wait_for 20 eval '[ -s /tmp/perf-'"$py"'.map ]' || fail "the Python process never wrote its map"
	"$PPM_BIN" record -a -F 1000 -o all.data -- sleep 1 >/dev/null 2>err.txt
	rc=$?
	kill $py; wait $py 2>/dev/null
	if grep -q "permission denied" err.txt; then skip "system-wide recording is not allowed here: $(cat err.txt)"; fi
	exit_is $rc 0 || fail "record -a exited $rc: $(cat err.txt)"
	comms=$("$PPM_BIN" report -i all.data --sort comm --no-children -G | awk '!/^#/ && NF' | wc -l)
	[ "$comms" -ge 2 ] && pass "-a: $comms commands sampled" || fail "-a: only $comms command"
	"$PPM_BIN" report -i all.data -G --pid "$py" | grep -q "\[python\]  *\[\.\] py::foo:$PROGS/chain.py" \
		&& pass "-a: the Python process's functions named from its map" || fail "-a: no py::foo of $py"
	"$PPM_BIN" report -i all.data --no-children -G | grep -q '\[k\] [a-z_]' && pass "-a: kernel frames named" || fail "-a: no kernel frames"
}
run_scenario "$@"
