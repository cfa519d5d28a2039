#!/bin/bash
# The trampoline fails open (DESIGN.md, decision 4), on every CPython built for: a
# symlinked map, a read-only /tmp, no memory for stubs: one warning that says what
# the user gets, and the program runs on. And installed in a virtualenv's
# site-packages, PYPERFMAP=1 switches it on.
# scenarios: symlinked_map readonly_tmp no_memory site_packages
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# The one warning of a fail-open: what failed, then what the user gets.
one_warning() { # file pattern
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q "$2" "$1" &&
		grep -q ': Python functions will not be named (the program runs normally)$' "$1" &&
		! grep -q 'unprofiled' "$1"
}

scenario_symlinked_map() {
	python_under_test "$@"
	echo "precious" >target.txt
	# The symlink is planted at the pid the interpreter will have: the shell's own,
	# which exec keeps.
	sh -c 'ln -s "$1" /tmp/perf-$$.map; echo $$ >pid.txt; exec env PYPERFMAP=1 PYTHONPATH="$2" "$3" -c "print(sum(range(10)))"' \
		sh "$TMP/target.txt" "$PYDIR" "$PY" >o.txt 2>e.txt
	rc=$?
	MAPS_MADE+=("$(cat pid.txt)")
	if exit_is $rc 0 && [ "$(cat o.txt)" = 45 ] && [ "$(cat target.txt)" = precious ] && one_warning e.txt "cannot write '/tmp/perf-"; then
		pass "symlinked map: one warning, the program runs on, the target is untouched: $(cat e.txt)"
	else
		fail "symlinked map: rc=$rc out=$(cat o.txt) err=$(cat e.txt) target=$(cat target.txt)"
	fi
}

scenario_readonly_tmp() {
	python_under_test "$@"
	[ "$(id -u)" = 0 ] || skip "a read-only /tmp is made in a mount namespace, which needs root"
	command -v unshare >/dev/null || skip "no unshare (util-linux)"
	# In a private mount namespace: pyperfmap's folder (which may itself live under
	# /tmp) is bound to /mnt first, then /tmp becomes an empty read-only tmpfs.
	unshare -m sh -c 'mount --bind "$1" /mnt && mount -t tmpfs -o ro tmpfs /tmp &&
		exec env PYPERFMAP=1 PYTHONPATH=/mnt "$2" -c "def f(): return 7
print(f())"' sh "$PYDIR" "$PY" >o.txt 2>e.txt
	rc=$?
	exit_is $rc 0 && [ "$(cat o.txt)" = 7 ] && one_warning e.txt "cannot write '/tmp/perf-" \
		&& pass "read-only /tmp: one warning, the program runs on: $(cat e.txt)" || fail "read-only /tmp: rc=$rc $(cat o.txt) $(cat e.txt)"
}

scenario_no_memory() {
	python_under_test "$@"
	[ -f "$FAILMMAP" ] || fail "the mmap-failing preload library is missing: $FAILMMAP"
	LD_PRELOAD=$FAILMMAP PYPERFMAP=1 PYTHONPATH="$PYDIR" "$PY" -c 'def f(): return 7
print(f())' >o.txt 2>e.txt
	rc=$?
	exit_is $rc 0 && [ "$(cat o.txt)" = 7 ] && one_warning e.txt "cannot map memory for trampolines" \
		&& pass "no memory: one warning, the program runs on: $(cat e.txt)" || fail "no memory: rc=$rc $(cat o.txt) $(cat e.txt)"
}

# Installed in site-packages (a virtualenv): the .pth starts it with PYPERFMAP=1.
scenario_site_packages() {
	python_under_test "$@"
	"$PY" -m venv --without-pip venv >venv.txt 2>&1 || skip "$PYVER cannot make a virtualenv: $(tail -1 venv.txt)"
	site=$(venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	cp -r "$PYDIR/pyperfmap.py" "$PYDIR/pyperfmap_autostart.py" "$PYDIR/pyperfmap.pth" "$PYDIR/_builds" "$site/"
	out=$(PYPERFMAP=1 venv/bin/python -c 'import pyperfmap, os; print(pyperfmap.is_active(), os.getpid())' 2>&1)
	set -- $out
	MAPS_MADE+=("${2:-}")
	off=$(venv/bin/python -c 'import pyperfmap; print(pyperfmap.is_active())' 2>&1)
	[ "${1:-}" = True ] && [ "$off" = False ] && pass "installed in site-packages: PYPERFMAP=1 switches it on, nothing else does" \
		|| fail "site-packages install: '$out' / '$off'"
}

run_scenario "$@"
