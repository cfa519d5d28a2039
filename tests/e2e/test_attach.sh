#!/bin/bash
# -p: attach to a running process, follow a thread it creates while recorded,
# stop when it exits or on Ctrl-C.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

"$THREADS_C" 3 >ready.txt &
target=$!
for i in $(seq 50); do grep -q ready ready.txt && break; sleep 0.05; done
"$PPM_BIN" record -F 2000 -o att.data -p $target >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && pass "record -p exits 0 when the process exits" || fail "exit $rc: $(cat err.txt)"
wait $target
"$PPM_BIN" report -i att.data --no-children >rep.txt 2>&1 || fail "report failed"
grep -Eq '\[\.\] late_thread_work$' rep.txt && pass "the thread created while recording was sampled" \
	|| fail "late_thread_work missing: $(grep -v '^#' rep.txt | head -3)"
grep -Eq '^ +[0-9.]+% +[0-9]+  threads_c +threads_c' rep.txt && pass "the command name comes from the synthesized COMM" \
	|| fail "comm: $(grep -v '^#' rep.txt | head -2)"

# Ctrl-C ends an attached recording; the process lives on.
"$THREADS_C" 20 >/dev/null &
target=$!
sleep 0.2
"$PPM_BIN" record -q -o int.data -p $target 2>err.txt &
rec=$!
sleep 1.5
kill -INT $rec
wait $rec
rc=$?
[ $rc -eq 0 ] && pass "SIGINT stops an attached recording with exit 0" || fail "exit $rc: $(cat err.txt)"
kill -0 $target 2>/dev/null && pass "the attached process was left running" || fail "the target died"
kill $target; wait $target 2>/dev/null
"$PPM_BIN" report -i int.data >/dev/null 2>&1 && pass "file valid after SIGINT" || fail "file unreadable"
# -p with DWARF: the attached process's existing maps (synthesized) feed the unwinder.
line=$(interpreters 2>/dev/null | head -1)
if [ -n "$line" ]; then
	read -r ver py <<<"$line"
	"$PPM_BIN" exec -- "$py" "$PROGS/chain.py" 3 >/dev/null 2>&1 &
	target=$!
	MAPS_MADE+=("$target")
	sleep 0.7
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o pdw.data -p $target >/dev/null 2>err.txt
	wait $target
	"$PPM_BIN" report -i pdw.data --format folded >pdw.folded
	whole=$(awk -v f="$PROGS/chain.py" 'index($0, ";py::baz:" f ";py::bar:" f ";py::foo:" f) { w += $NF } END { print w + 0 }' pdw.folded)
	[ "$whole" -gt 500 ] && pass "$ver: -p --call-graph dwarf: $whole samples with whole Python stacks" \
		|| fail "$ver: -p dwarf: $whole whole stacks; $(cat err.txt)"
fi
finish
