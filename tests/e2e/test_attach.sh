#!/bin/bash
# -p: attach to a running process, follow a thread it creates while recorded, stop
# when it exits or on Ctrl-C; with DWARF call graphs, its existing maps (synthesized)
# feed the unwinder.
# scenarios: follows_exit sigint dwarf
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
run_scenario "$@"
