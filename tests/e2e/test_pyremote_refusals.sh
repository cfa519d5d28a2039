#!/bin/bash
# PEP 768 remote execution refused, each with its own line and exit status of
# tests/progs/pyremote_run: what is not a CPython, a CPython before 3.14 (with
# _Py_DebugOffsets, with a .PyRuntime section only, with neither), a process that
# does not exist or has exited, a script that is not there.
# scenarios: not_python old_python old_python_nocookie old_python_nosection gone exited bad_script
. "$(dirname "$0")/lib.sh"
cd "$TMP"
: "${PYREMOTE_RUN:?run through ctest}"

TARGETS=()
trap 'for p in "${TARGETS[@]}"; do kill "$p" 2>/dev/null; done; cleanup_maps; rm -rf "$TMP"' EXIT
echo 'open("marker", "w").close()' >script.py

# refused WANT_RC LINE PID: the driver's answer for PID is that status and line.
refused() {
	local want_rc=$1 line=$2 pid=$3 rc
	"$PYREMOTE_RUN" "$pid" "$TMP/script.py" >run.txt 2>&1
	rc=$?
	exit_is $rc "$want_rc" && [ "$(cat run.txt)" = "$line" ] && pass "$(cat run.txt)" \
		|| fail "rc=$rc (want $want_rc): $(cat run.txt) (want: $line)"
}

scenario_not_python() {
	sleep 60 &
	TARGETS+=($!)
	refused 5 "process $!: not a CPython (no mapped file has a .PyRuntime section or a _PyRuntime symbol)" $!
}

# old_target VERSION: a CPython VERSION built for, waiting; PID is its pid.
old_target() {
	local py
	py=$(find_python "$1") || skip "no CPython $1 built for (see build/python/interpreters.txt)"
	"$py" -c 'import time; open("ready", "w").close(); time.sleep(60)' &
	PID=$!
	TARGETS+=($PID)
	wait_for 20 test -e ready || fail "CPython $1 never got ready"
}

# 3.13 has _Py_DebugOffsets and says its version, but no remote execution.
scenario_old_python() {
	old_target 3.13
	refused 6 "process $PID: CPython 3.13 has no remote activation (PEP 768 needs CPython 3.14 or later)" $PID
}

# 3.10-3.12: a .PyRuntime section without the cookie; the version from Py_Version.
scenario_old_python_nocookie() {
	old_target 3.12
	refused 6 "process $PID: CPython 3.12 has no remote activation (PEP 768 needs CPython 3.14 or later)" $PID
}

# 3.8-3.9: no .PyRuntime, an exported _PyRuntime; the version from the file's name.
scenario_old_python_nosection() {
	old_target 3.9
	refused 6 "process $PID: CPython 3.9 has no remote activation (PEP 768 needs CPython 3.14 or later)" $PID
}

# A pid above pid_max can never exist.
scenario_gone() {
	local pid=$(($(cat /proc/sys/kernel/pid_max) + 1))
	refused 3 "process $pid: no such process" $pid
}

# A zombie: true exits as the child of a shell that exec'd into sleep, which never reaps.
scenario_exited() {
	sh -c 'true & exec sleep 60' &
	local parent=$! child
	TARGETS+=($parent)
	wait_for 10 sh -c "grep -qs '^State:.*Z' /proc/\$(cat /proc/$parent/task/$parent/children 2>/dev/null | awk '{print \$1}')/status" \
		|| fail "no zombie child appeared"
	child=$(awk '{ print $1 }' /proc/$parent/task/$parent/children)
	refused 3 "process $child: has exited (not yet reaped by its parent)" "$child"
}

scenario_bad_script() {
	sleep 60 &
	TARGETS+=($!)
	"$PYREMOTE_RUN" $! "$TMP/missing.py" >run.txt 2>&1
	rc=$?
	exit_is $rc 10 && [ "$(cat run.txt)" = "script '$TMP/missing.py': No such file or directory" ] \
		&& pass "$(cat run.txt)" || fail "rc=$rc: $(cat run.txt)"
	"$PYREMOTE_RUN" $! "$TMP" >run.txt 2>&1
	rc=$?
	exit_is $rc 10 && [ "$(cat run.txt)" = "script '$TMP': Is a directory" ] \
		&& pass "$(cat run.txt)" || fail "rc=$rc: $(cat run.txt)"
}
run_scenario "$@"
