#!/bin/bash
# pyperfmap top: --stdio snapshots name the Python function that works (py::foo with
# most of the self time), several events give a column each with their ratio, -p of a
# process that exits ends the view saying so, a command that ends leaves its last
# snapshot, -o also writes a recording report reads; the full-screen view, driven in
# tmux: rows name py::foo, each key does what it says (s/S sort, p pause, / filter,
# j/k, Enter callers and callees, t the process and thread views, z zero), a resized
# terminal is redrawn, the end of the command is shown until q, and q leaves the
# terminal as it was.
# scenarios: stdio events pid_exits command_ends output tui_keys tui_end tui_clean
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PY=$(find_python 3.12 3.13 3.11 "") || skip "the trampoline was built for no CPython"
F=$PROGS/chain.py

# The last snapshot of a --stdio output: from its last header line on.
last_snapshot() { awk '/^pyperfmap top: / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"; }
# The self share of ROW's symbol in a snapshot (0 when absent).
self_of() { awk -v s="$2" '$NF == s { sub(/%/, "", $1); print $1; found = 1; exit } END { if (!found) print 0 }' "$1"; }

scenario_stdio() {
	timeout 60 "$PPM_BIN" top --stdio -d 1 -- "$PY" "$F" 4 >out.txt 2>err.txt
	rc=$?
	exit_is $rc 0 || fail "top --stdio exited $rc: $(cat err.txt)"
	n=$(grep -c '^pyperfmap top: ' out.txt)
	[ "$n" -ge 3 ] && pass "$n snapshots in about 4 s at -d 1" || fail "only $n snapshots: $(head -5 out.txt)"
	last_snapshot out.txt >last.txt
	self=$(self_of last.txt "py::foo:$F")
	top=$(awk 'NR > 3 && NF { print $NF; exit }' last.txt)
	[ "$top" = "py::foo:$F" ] && awk -v s="$self" 'BEGIN { exit !(s >= 40) }' \
		&& pass "the last snapshot's top row is py::foo with $self% self (the interpreter's frames under it are its own time)" \
		|| fail "top row '$top', py::foo self $self%: $(head -12 last.txt)"
	# a header while the command ran (the last one comes after its end: no process)
	grep -m2 '^pyperfmap top: ' out.txt | tail -1 >header.txt
	grep -Eq "^pyperfmap top: .* at [0-9]+ Hz, .* \| 1 process, 1 thread \| [0-9]+ samples, [0-9]+ lost in the last [0-9.]+ s" header.txt \
		&& pass "the header: event, rate, stacks, processes and threads, samples and lost" \
		|| fail "header: $(cat header.txt)"
	grep -q "'$PY' ended (exit status 0)" err.txt && pass "the end of the command is said: $(grep ended err.txt)" \
		|| fail "the end was not said: $(cat err.txt)"
	grep -Eq '^ +[0-9.]+% +[0-9.]+% +[0-9]+  python +py::(bar|baz|<module>):' last.txt \
		&& pass "callers of foo have their total share" || fail "no total for foo's callers: $(head -12 last.txt)"
}

scenario_events() {
	timeout 60 "$PPM_BIN" top --stdio -d 1 -e task-clock,page-faults -- "$PY" "$F" 3 >out.txt 2>err.txt \
		|| fail "top -e two events: $(cat err.txt)"
	last_snapshot out.txt >last.txt
	cols=$(sed -n 3p last.txt)
	echo "$cols" | grep -q "task-clock" && echo "$cols" | grep -q "page-faults" \
		&& pass "a column per event: $cols" || fail "columns: $cols"
	grep -q "py::foo:$F" last.txt && pass "py::foo has a row" || fail "no py::foo row: $(head -8 last.txt)"
}

scenario_pid_exits() {
	"$PY" "$PROGS/attach_target.py" 3 >target.txt &
	T=$!
	MAPS_MADE+=("$T")
	wait_for 20 grep -q ready target.txt || fail "the target did not start"
	timeout 60 "$PPM_BIN" top --stdio -d 1 -p "$T" >out.txt 2>err.txt
	rc=$?
	wait "$T"
	exit_is $rc 0 && grep -q "the processes watched have exited" err.txt \
		&& pass "top -p of a process that exits ends, saying so (exit $rc)" || fail "top -p: exit $rc, $(cat err.txt)"
	[ "$(grep -c '^pyperfmap top: ' out.txt)" -ge 1 ] && pass "it showed snapshots while the process ran" \
		|| fail "no snapshot: $(cat out.txt)"
	grep -q "result" target.txt && pass "the target finished its work" || fail "target: $(cat target.txt)"
}

scenario_command_ends() {
	timeout 60 "$PPM_BIN" top --stdio -d 30 -- "$PY" "$F" 1.5 >out.txt 2>err.txt
	rc=$?
	# the refresh is 30 s away when the command ends after 1.5: the end shows its snapshot
	exit_is $rc 0 && [ "$(grep -c '^pyperfmap top: ' out.txt)" = 1 ] && grep -q "py::foo:$F" out.txt \
		&& pass "a command that ends before the first refresh still gets its snapshot" \
		|| fail "command end: exit $rc, $(grep -c '^pyperfmap top: ' out.txt) snapshots, $(cat err.txt)"
	timeout 60 "$PPM_BIN" top --stdio -- sh -c 'exit 3' >out.txt 2>err.txt
	grep -q "'sh' ended (exit status 3)" err.txt && pass "its exit status is said" || fail "status: $(cat err.txt)"
}

scenario_output() {
	timeout 60 "$PPM_BIN" top --stdio -d 1 -o top.data -- "$PY" "$F" 2 >out.txt 2>err.txt || fail "top -o: $(cat err.txt)"
	for p in $(pids_of top.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i top.data --format folded >folded.txt 2>rerr.txt || fail "report of top's file: $(cat rerr.txt)"
	grep -q ";py::baz:$F;py::bar:$F;py::foo:$F" folded.txt \
		&& pass "-o writes the samples too: report reads whole Python stacks from it" || fail "top -o file: $(head -3 folded.txt)"
	timeout 60 "$PPM_BIN" top --stdio -d 1 -- "$PY" -c pass >/dev/null 2>&1
	[ ! -e perf.data ] && pass "without -o nothing is written" || fail "top wrote perf.data"
}

# --- the full screen, in tmux ---
need_tmux() { command -v tmux >/dev/null || skip "no tmux (apt-get install tmux)"; }
SOCK=$TMP/tmux.sock
tm() { tmux -S "$SOCK" "$@"; }
screen() { tm capture-pane -p -t t; }
# until the screen shows PATTERN (ERE), within SECONDS
screen_shows() { wait_for "$1" sh -c "tmux -S '$SOCK' capture-pane -p -t t | grep -Eq -- \"\$0\"" "$2"; }
start_tui() { # ARGS...: top in a shell in a 150x40 tmux window
	need_tmux
	tm new-session -d -s t -x 150 -y 40 "bash --norc --noprofile" || skip "tmux cannot start a session here"
	tm send-keys -t t "stty sane; $PPM_BIN top $* ; echo TOP_EXIT=\$?" Enter
}
stop_tui() { tm kill-server 2>/dev/null; }

scenario_tui_keys() {
	start_tui -d 1 -- "$PY" "$F" 60
	screen_shows 20 "python +py::foo:$F" && pass "the rows name py::foo" || fail "no py::foo row: $(screen)"
	tm send-keys -t t s
	screen_shows 5 "sort: total" && pass "s sorts by total" || fail "s: $(screen | sed -n 2p)"
	tm send-keys -t t S
	screen_shows 5 "sort: self" && pass "S goes back to self" || fail "S: $(screen | sed -n 2p)"
	tm send-keys -t t p
	screen_shows 5 "PAUSED" && pass "p pauses" || fail "p: $(screen | head -1)"
	before=$(screen | sed -n '5,$p'); sleep 2.5
	[ "$(screen | sed -n '5,$p')" = "$before" ] && pass "paused, the rows stay as they were" || fail "the rows changed while paused"
	tm send-keys -t t p
	wait_for 5 sh -c "! tmux -S '$SOCK' capture-pane -p -t t | grep -q PAUSED" && pass "p again goes on" || fail "still paused"
	tm send-keys -t t / "^py::ba" Enter
	screen_shows 5 "filter: \\^py::ba" && pass "/ sets a filter" || fail "/: $(screen | sed -n 2p)"
	wait_for 5 sh -c "tmux -S '$SOCK' capture-pane -p -t t | sed -n '5,38p' | grep -v '^ *\$' | awk 'END { exit !(NR > 0) }'" || true
	rows=$(screen | sed -n '5,38p' | grep -c 'py::')
	other=$(screen | sed -n '5,38p' | grep -v '^ *$' | grep -vc 'py::ba')
	[ "$rows" -ge 1 ] && [ "$other" = 0 ] && pass "only rows matching ^py::ba: $rows" || fail "filter rows: $(screen | sed -n '5,12p')"
	tm send-keys -t t / Enter
	screen_shows 5 "filter: -" && pass "an empty filter shows every row again" || fail "filter not cleared"
	tm send-keys -t t Enter
	screen_shows 5 "^Callers" && screen_shows 5 "^Callees" && pass "Enter shows the row's callers and callees" || fail "Enter: $(screen | head -12)"
	tm send-keys -t t Escape
	screen_shows 5 "Symbol" && pass "Esc goes back to the rows" || fail "Esc: $(screen | head -5)"
	tm send-keys -t t j
	sleep 0.3
	tm send-keys -t t Enter
	screen_shows 5 "^Callers" && [ "$(screen | sed -n 3p)" != "py::foo:$F" ] \
		&& pass "j moves to the next row: Enter opens $(screen | sed -n 3p)" || fail "j: $(screen | sed -n 3p)"
	tm send-keys -t t Escape k
	tm send-keys -t t t
	screen_shows 5 "view: processes" && screen_shows 5 "Pid +Command" && pass "t shows rows per process" || fail "t: $(screen | head -5)"
	tm send-keys -t t t
	screen_shows 5 "view: threads" && pass "t again: per thread" || fail "t t: $(screen | sed -n 2p)"
	tm send-keys -t t t
	screen_shows 5 "view: symbols" && pass "and back to symbols" || fail "t t t: $(screen | sed -n 2p)"
	tm send-keys -t t z
	sleep 0.3
	n=$(screen | awk '$NF == "py::foo:'"$F"'" { print $3 }')
	[ -z "$n" ] || [ "$n" -lt 2000 ] && pass "z zeroes the counts (py::foo now ${n:-gone})" || fail "z: py::foo still has $n samples"
	tm resize-window -t t -x 100 -y 20 2>/dev/null || tm resize-pane -t t -x 100 -y 20
	screen_shows 5 "^pyperfmap top:" && [ "$(screen | wc -l)" -le 20 ] \
		&& pass "a resized terminal is drawn again ($(screen | wc -l) lines)" || fail "resize: $(screen | head -3)"
	tm send-keys -t t q
	screen_shows 10 "TOP_EXIT=0" && pass "q quits (exit 0)" || fail "q: $(screen | tail -3)"
	stop_tui
}

scenario_tui_end() {
	start_tui -d 1 -- "$PY" "$F" 2
	screen_shows 30 "ended \\(exit status 0\\): q quits" && pass "the end of the command is shown: $(screen | sed -n 2p | sed 's/.*| //')" \
		|| fail "no end shown: $(screen | head -3)"
	sleep 2
	screen | grep -q "py::foo:$F" && screen | grep -q "q quits" && pass "the last screen stays until q" || fail "after the end: $(screen | head -8)"
	tm send-keys -t t q
	screen_shows 10 "TOP_EXIT=0" && pass "q leaves" || fail "q after the end: $(screen | tail -3)"
	stop_tui
}

scenario_tui_clean() {
	start_tui -d 1 -- "$PY" "$F" 60
	screen_shows 20 "py::foo" || fail "top did not draw: $(screen)"
	tm send-keys -t t q
	screen_shows 10 "TOP_EXIT=0" || fail "q: $(screen | tail -3)"
	screen | grep -q "Symbol" && fail "the view is left on the terminal: $(screen | head -3)" || pass "the view is gone after q"
	tm send-keys -t t "stty -a | tr ' ;' '\\n\\n' | grep -Ex -- '-?(echo|icanon)' | tr '\\n' ' '; echo" Enter
	screen_shows 5 "^(icanon echo|echo icanon) *$" && pass "the terminal is as it was: echo and line editing on" \
		|| fail "stty after top: $(screen | tail -4)"
	# Ctrl-C leaves it clean too
	tm send-keys -t t "$PPM_BIN top -d 1 -- '$PY' '$F' 60; echo TOP2_EXIT=\$?" Enter
	screen_shows 20 "py::foo" || fail "top did not draw again"
	tm send-keys -t t C-c
	screen_shows 10 "TOP2_EXIT=130" && ! screen | grep -q "Symbol" && pass "Ctrl-C leaves the terminal clean (exit 130, as a shell reports SIGINT)" \
		|| fail "Ctrl-C: $(screen | tail -4)"
	stop_tui
}

run_scenario "$@"
