#!/bin/bash
# PEP 768 remote execution (session/pyremote.c through tests/progs/pyremote_run) on a
# running CPython 3.14+: the script runs once, in the main thread, and the program's
# output stays its own; and what it refuses, with which line.
# scenarios: runs libpython threads relative_path busy after_main disabled disabled_xoption exits_during other_user same_user
# per-python: 3.14
. "$(dirname "$0")/lib.sh"
cd "$TMP"
: "${PYREMOTE_RUN:?run through ctest}"

TARGETS=()
trap 'for p in "${TARGETS[@]}"; do kill "$p" 2>/dev/null; done; cleanup_maps; rm -rf "$TMP"' EXIT

# A script that appends "ran VERSION main=BOOL" to DIR/marker.
write_script() { # dir
	mkdir -p "$1"
	cat >"$1/script.py" <<PY
import sys, threading
with open("$1/marker", "a") as f:
    f.write("ran %d.%d main=%s\n" % (sys.version_info[0], sys.version_info[1],
            threading.current_thread() is threading.main_thread()))
PY
}

# start_target DIR MODE [ARGS...]: the target in DIR's own working directory; TARGET
# is its pid, DIR/out.txt and DIR/err.txt its output.
start_target() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && exec "${RUN_AS[@]}" env "${TARGET_ENV[@]}" "$PY" "${PY_OPTS[@]}" \
		"$PROGS/pyremote_target.py" "$@" "$dir" >"$dir/out.txt" 2>"$dir/err.txt") &
	TARGET=$!
	TARGETS+=("$TARGET")
	MAPS_MADE+=("$TARGET")
	wait_for 20 test -e "$dir/ready" || fail "$PYVER: the target never got ready: $(cat "$dir/err.txt")"
}
RUN_AS=()
TARGET_ENV=()
PY_OPTS=()

# The target ran to its end with its own output only.
target_unchanged() { # dir
	local rc
	wait "$TARGET"
	rc=$?
	exit_is $rc 0 && [ "$(cat "$1/out.txt")" = "$(printf 'start\nend')" ] && [ ! -s "$1/err.txt" ] \
		&& pass "$PYVER: the target's output and exit status are its own" \
		|| fail "$PYVER: target rc=$rc out=$(cat "$1/out.txt") err=$(cat "$1/err.txt")"
}

scenario_runs() {
	python_under_test "$@"
	write_script "$TMP/t"
	start_target "$TMP/t" loop
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run.txt 2>runerr.txt
	rc=$?
	exit_is $rc 0 && grep -qx "ok $PYVER threads=1" run.txt \
		&& pass "$PYVER: planted: $(cat run.txt)" || fail "$PYVER: rc=$rc $(cat run.txt runerr.txt)"
	wait_for 10 test -e t/marker && pass "$PYVER: the script ran" || fail "$PYVER: the script never ran"
	target_unchanged "$TMP/t"
	[ "$(cat t/marker)" = "ran ${PYVER%.*} main=True" ] && pass "$PYVER: once, in the main thread, by CPython ${PYVER%.*}" \
		|| fail "$PYVER: marker: $(cat t/marker)"
}

# A program linked with libpython3.N.so (pyperfmap's launcher embeds it): _PyRuntime
# is found in the library's mapping, at its load bias.
scenario_libpython() {
	python_under_test "$@"
	local launcher="$BUILD/pyperfmap-python${PYVER%.*}"
	[ -x "$launcher" ] || skip "no $launcher (CPython ${PYVER%.*} has no shared libpython here)"
	PY=$launcher
	write_script "$TMP/t"
	start_target "$TMP/t" loop
	"$PYREMOTE_RUN" -p "$TARGET" >probe.txt 2>&1
	grep -Eq "^ok $PYVER threads=1 runtime=/.*/libpython${PYVER%.*}\.so[.0-9]*\$" probe.txt \
		&& pass "$PYVER: $(cat probe.txt)" || fail "$PYVER: probe: $(cat probe.txt)"
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run.txt 2>&1
	rc=$?
	exit_is $rc 0 && pass "$PYVER: planted through libpython" || fail "$PYVER: rc=$rc $(cat run.txt)"
	wait_for 10 test -e t/marker || fail "$PYVER: the script never ran"
	target_unchanged "$TMP/t"
	[ "$(cat t/marker)" = "ran ${PYVER%.*} main=True" ] && pass "$PYVER: run in the main thread" \
		|| fail "$PYVER: marker: $(cat t/marker)"
}

# Other Python threads are counted; the main thread alone runs the script, once.
scenario_threads() {
	python_under_test "$@"
	write_script "$TMP/t"
	start_target "$TMP/t" threads 3
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run.txt 2>runerr.txt
	rc=$?
	exit_is $rc 0 && grep -qx "ok $PYVER threads=4" run.txt \
		&& pass "$PYVER: 4 thread states seen: $(cat run.txt)" || fail "$PYVER: rc=$rc $(cat run.txt runerr.txt)"
	wait_for 10 test -e t/marker || fail "$PYVER: the script never ran"
	target_unchanged "$TMP/t"
	[ "$(cat t/marker)" = "ran ${PYVER%.*} main=True" ] && pass "$PYVER: with 3 other threads, run once, in the main thread" \
		|| fail "$PYVER: marker: $(cat t/marker)"
}

# The target opens the script from its own working directory: a relative path is made
# absolute on the caller's side.
scenario_relative_path() {
	python_under_test "$@"
	mkdir -p caller
	write_script "$TMP/caller"
	start_target "$TMP/t" loop
	(cd caller && "$PYREMOTE_RUN" "$TARGET" script.py) >run.txt 2>runerr.txt
	rc=$?
	exit_is $rc 0 && pass "$PYVER: planted with a relative path" || fail "$PYVER: rc=$rc $(cat runerr.txt)"
	wait_for 10 test -e caller/marker && pass "$PYVER: the target found the caller's script" \
		|| fail "$PYVER: the script never ran"
	touch t/marker
	target_unchanged "$TMP/t"
}

# A request the main thread has not run yet is not overwritten: the second is refused
# and the script runs once.
scenario_busy() {
	python_under_test "$@"
	write_script "$TMP/t"
	start_target "$TMP/t" blocked 2
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run1.txt 2>&1
	rc1=$?
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run2.txt 2>&1
	rc2=$?
	exit_is $rc1 0 && exit_is $rc2 9 && grep -qx "process $TARGET: an earlier remote script request to its main thread has not run yet" run2.txt \
		&& pass "$PYVER: a second request while the first waits: $(cat run2.txt)" \
		|| fail "$PYVER: rc=$rc1,$rc2 $(cat run1.txt run2.txt)"
	wait_for 10 test -e t/marker || fail "$PYVER: the script never ran"
	target_unchanged "$TMP/t"
	[ "$(cat t/marker)" = "ran ${PYVER%.*} main=True" ] && pass "$PYVER: the script ran once" \
		|| fail "$PYVER: marker: $(cat t/marker)"
}

# Past __main__ (atexit handlers, then finalization) no thread runs __main__: refused,
# as sys.remote_exec refuses, rather than run in a tearing-down interpreter.
scenario_after_main() {
	python_under_test "$@"
	write_script "$TMP/t"
	start_target "$TMP/t" atexit
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run.txt 2>&1
	rc=$?
	exit_is $rc 8 && grep -qx "process $TARGET: CPython ${PYVER%.*} has no thread running __main__ (it is starting up or shutting down, or embeds Python without one)" run.txt \
		&& pass "$PYVER: in an atexit handler: $(cat run.txt)" || fail "$PYVER: rc=$rc $(cat run.txt)"
	touch t/marker
	target_unchanged "$TMP/t"
	[ "$(cat t/marker)" = "" ] && pass "$PYVER: nothing ran" || fail "$PYVER: marker: $(cat t/marker)"
}

refused_disabled() { # what
	write_script "$TMP/t"
	start_target "$TMP/t" loop
	"$PYREMOTE_RUN" "$TARGET" "$TMP/t/script.py" >run.txt 2>&1
	rc=$?
	exit_is $rc 7 && grep -qx "process $TARGET: CPython ${PYVER%.*} has remote debugging disabled (PYTHON_DISABLE_REMOTE_DEBUG or -X disable-remote-debug)" run.txt \
		&& pass "$PYVER: $1: $(cat run.txt)" || fail "$PYVER: $1: rc=$rc $(cat run.txt)"
	touch t/marker
	target_unchanged "$TMP/t"
}

scenario_disabled() {
	python_under_test "$@"
	TARGET_ENV=(PYTHON_DISABLE_REMOTE_DEBUG=1)
	refused_disabled PYTHON_DISABLE_REMOTE_DEBUG=1
}

scenario_disabled_xoption() {
	python_under_test "$@"
	PY_OPTS=(-X disable-remote-debug)
	refused_disabled "-X disable-remote-debug"
}

# Targets that start and exit while being asked: every answer is a clean one (planted,
# gone, not running __main__ yet or any more, not yet exec'd into CPython), and no
# target says anything or fails.
scenario_exits_during() {
	python_under_test "$@"
	write_script "$TMP"
	local i rc bad=0 seen=()
	# Runs of 0-30 ms after a start-up of about 15, asked 0-42 ms after their start.
	for i in $(seq 20); do
		"$PY" -c "import time; time.sleep(0.0$((i % 4)))" >"o.$i" 2>"e.$i" &
		pid=$!
		sleep "0.0$((i % 5))$((i % 3))"
		"$PYREMOTE_RUN" "$pid" "$TMP/script.py" >"r.$i" 2>&1
		rc=$?
		wait "$pid"
		trc=$?
		case $rc in 0 | 3 | 5 | 8) ;; *) bad=1 ;; esac
		[ "$(wc -l <"r.$i")" -eq 1 ] && [ "$trc" = 0 ] && [ ! -s "o.$i" ] && [ ! -s "e.$i" ] || bad=1
		[ $bad = 0 ] || { fail "$PYVER: run $i: rc=$rc target rc=$trc: $(cat "r.$i" "e.$i")"; return; }
		seen+=("$rc")
	done
	pass "$PYVER: 20 short-lived targets, each answer clean (exit statuses:$(printf '%s\n' "${seen[@]}" | sort | uniq -c | awk '{ printf " %s x%s", $2, $1 }')), no target disturbed"
}

# Two users, switched to with setpriv: a public folder for the script and the ready file.
need_users() {
	[ "$(id -u)" = 0 ] || skip "switching users needs root"
	command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
	getent passwd nobody >/dev/null || skip "no user nobody"
	getent passwd daemon >/dev/null || skip "no user daemon"
	chmod 711 "$TMP"
	mkdir -m 1777 "$TMP/pub"
	write_script "$TMP/pub"
	chmod 644 "$TMP/pub/script.py"
}
as_user() { # user cmd...
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups "$@"
}

# Someone else's process: the line names what would allow it.
scenario_other_user() {
	python_under_test "$@"
	need_users
	RUN_AS=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
	start_target "$TMP/pub" loop
	as_user daemon "$PYREMOTE_RUN" "$TARGET" "$TMP/pub/script.py" >run.txt 2>&1
	rc=$?
	want="process $TARGET: not allowed to read its memory maps (needs CAP_SYS_PTRACE"
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
	if exit_is $rc 4 && grep -qF "$want" run.txt && { [ -z "$scope" ] || grep -q "kernel.yama.ptrace_scope is $scope" run.txt; }; then
		pass "$PYVER: daemon asking nobody's process: $(cat run.txt)"
	else
		fail "$PYVER: rc=$rc $(cat run.txt)"
	fi
	touch pub/marker
	wait "$TARGET"
}

# The same user may, where Yama does not forbid it: the refusal above is about users.
scenario_same_user() {
	python_under_test "$@"
	need_users
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
	[ "$scope" = 0 ] || skip "kernel.yama.ptrace_scope is $scope: a user's processes cannot read each other's memory"
	RUN_AS=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
	start_target "$TMP/pub" loop
	as_user nobody "$PYREMOTE_RUN" "$TARGET" "$TMP/pub/script.py" >run.txt 2>&1
	rc=$?
	exit_is $rc 0 && pass "$PYVER: nobody asking nobody's process: $(cat run.txt)" || fail "$PYVER: rc=$rc $(cat run.txt)"
	wait_for 10 test -e pub/marker && pass "$PYVER: the script ran as nobody" || fail "$PYVER: the script never ran"
	target_unchanged "$TMP/pub"
}
run_scenario "$@"
