#!/bin/bash
# record -p of a CPython 3.14+ process with remote debugging disabled
# (PYTHON_DISABLE_REMOTE_DEBUG): nothing is done to it, the recording is a plain native
# profile, and the reason is said.
# scenarios: disabled
# per-python: 3.14
. "$(dirname "$0")/lib.sh"
cd "$TMP"

start_target() { # env...
	env "$@" "$PY" "$PROGS/attach_target.py" 2 >target.txt 2>target.err &
	TARGET=$!
	MAPS_MADE+=("$TARGET")
	wait_for 20 file_has target.txt '^ready' || fail "the target never got ready: $(cat target.err)"
}

scenario_disabled() {
	python_under_test "$@"
	start_target PYTHON_DISABLE_REMOTE_DEBUG=1
	"$PPM_BIN" record -F 2000 -o dis.data -p $TARGET -- sleep 0.5 >/dev/null 2>err.txt
	rc=$?
	wait $TARGET
	exit_is $rc 0 || fail "$PYVER: record exited $rc: $(cat err.txt)"
	grep -q "cannot be named (process $TARGET: CPython $(echo "$PYVER" | cut -d. -f1-2) has remote debugging disabled (PYTHON_DISABLE_REMOTE_DEBUG or -X disable-remote-debug))" err.txt \
		&& pass "$PYVER: remote debugging disabled: $(grep 'cannot be named' err.txt)" || fail "$PYVER: $(cat err.txt)"
	"$PPM_BIN" report -i dis.data --no-children -G | grep -q '^# Samples: [1-9]' && pass "$PYVER: a plain native profile" \
		|| fail "$PYVER: no samples"
	grep -q '^trampoline: absent$' target.txt && pass "$PYVER: nothing was loaded into it" || fail "$PYVER: $(grep trampoline target.txt)"
}
run_scenario "$@"
