#!/bin/bash
# The program's behaviour does not change under the trampoline: the same transcript
# (exceptions, generators, async, settrace/setprofile, recursion, signals, threads),
# the same stdout, stderr, argv and exit status as without it; and it fails open.
. "$(dirname "$0")/lib.sh"
need_interpreters
cd "$TMP"

while read -r ver py; do
	[ -x "$py" ] || continue
	"$py" "$PROGS/behaviour.py" >plain.txt 2>&1
	"$PPM_BIN" exec -- "$py" "$PROGS/behaviour.py" >tramp.txt 2>&1
	if cmp -s plain.txt tramp.txt && [ "$(wc -l <plain.txt)" -gt 10 ]; then
		pass "$ver: behaviour transcript identical ($(wc -l <plain.txt) lines)"
	else
		fail "$ver: transcripts differ: $(diff plain.txt tramp.txt | head -5)"
	fi
	"$PPM_BIN" exec -- "$py" -c 'import sys; print(sys.argv[1:]); sys.stderr.write("e\n"); sys.exit(5)' a 'b c' >o.txt 2>e.txt
	rc=$?
	[ $rc -eq 5 ] && [ "$(cat o.txt)" = "['a', 'b c']" ] && [ "$(cat e.txt)" = e ] \
		&& pass "$ver: -c: argv, stdout, stderr, exit status unchanged" || fail "$ver: -c rc=$rc out=$(cat o.txt) err=$(cat e.txt)"
	"$PPM_BIN" exec -- "$py" -m json.tool <<<'{"k": [1, 2]}' >o.txt 2>e.txt
	[ "$(tr -d ' \n' <o.txt)" = '{"k":[1,2]}' ] && [ ! -s e.txt ] && pass "$ver: -m works" || fail "$ver: -m: $(cat o.txt e.txt)"
	# Recursion: RecursionError no earlier than without the hook (or than -X perf).
	depth='import sys
def d(n):
    try: return d(n + 1)
    except RecursionError: return n
sys.setrecursionlimit(5000); print(d(0))'
	base=$("$py" -c "$depth" 2>/dev/null)
	"$py" -X perf -c pass 2>/dev/null && base=$("$py" -X perf -c "$depth" 2>/dev/null)
	ours=$("$PPM_BIN" exec -- "$py" -c "$depth" 2>/dev/null)
	[ -n "$ours" ] && [ "$ours" -ge "$base" ] && pass "$ver: RecursionError at depth $ours (reference $base)" \
		|| fail "$ver: recursion depth $ours < $base"
	# The launcher works where the environment is ignored.
	launcher=$BUILD/pyperfmap-python${ver%.*}
	[ -x "$launcher" ] || launcher=$BUILD/pyperfmap-python$ver
	if [ -x "$launcher" ]; then
		out=$("$launcher" -I -c 'import pyperfmap, sys, os; print(pyperfmap.is_active(), sys.flags.isolated, os.getpid())' 2>&1)
		set -- $out
		MAPS_MADE+=("${3:-0}")
		[ "$1 $2" = "True 1" ] && pass "$ver: pyperfmap-python -I: trampoline on" || fail "$ver: launcher: $out"
		"$launcher" "$PROGS/behaviour.py" >launch.txt 2>&1
		cmp -s plain.txt launch.txt && pass "$ver: launcher transcript identical" || fail "$ver: launcher differs: $(diff plain.txt launch.txt | head -3)"
	else
		echo "SKIP (part): no launcher for $ver (not a shared-library build)"
	fi
done < <(interpreters)

# Fail open: the map path is a symlink.
read -r ver py < <(interpreters | head -1)
echo "precious" >target.txt
sh -c 'ln -s "$1" /tmp/perf-$$.map; exec env PYPERFMAP=1 PYTHONPATH="$2" "$3" -c "print(sum(range(10)))"' sh "$TMP/target.txt" "$PYDIR" "$py" >o.txt 2>e.txt
rc=$?
link=$(find /tmp -maxdepth 1 -name 'perf-*.map' -lname "$TMP/target.txt" 2>/dev/null)
[ -n "$link" ] && rm -f $link
if [ $rc -eq 0 ] && [ "$(cat o.txt)" = 45 ] && [ "$(cat target.txt)" = precious ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q "runs on unprofiled" e.txt; then
	pass "symlinked map: one warning, the program runs on, the target is untouched: $(cat e.txt)"
else
	fail "symlinked map: rc=$rc out=$(cat o.txt) err=$(cat e.txt) target=$(cat target.txt)"
fi
# Fail open: /tmp is read-only.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	# In a private mount namespace: pyperfmap's folder (which may itself live under
	# /tmp) is bound to /mnt first, then /tmp becomes an empty read-only tmpfs.
	unshare -m sh -c 'mount --bind "$1" /mnt && mount -t tmpfs -o ro tmpfs /tmp &&
		exec env PYPERFMAP=1 PYTHONPATH=/mnt "$2" -c "def f(): return 7
print(f())"' sh "$PYDIR" "$py" >o.txt 2>e.txt
	rc=$?
	[ $rc -eq 0 ] && [ "$(cat o.txt)" = 7 ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q "cannot write '/tmp/perf-" e.txt \
		&& pass "read-only /tmp: one warning, the program runs on: $(cat e.txt)" || fail "read-only /tmp: rc=$rc $(cat o.txt) $(cat e.txt)"
else
	echo "SKIP (part): the read-only /tmp check needs root and unshare"
fi
# Fail open: no memory for the stubs' arena.
if [ -n "${FAILMMAP:-}" ] && [ -f "$FAILMMAP" ]; then
	LD_PRELOAD=$FAILMMAP PYPERFMAP=1 PYTHONPATH="$PYDIR" "$py" -c 'def f(): return 7
print(f())' >o.txt 2>e.txt
	rc=$?
	[ $rc -eq 0 ] && [ "$(cat o.txt)" = 7 ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q "cannot map memory for trampolines" e.txt \
		&& pass "no memory: one warning, the program runs on: $(cat e.txt)" || fail "no memory: rc=$rc $(cat o.txt) $(cat e.txt)"
fi
# Installed in site-packages (a virtualenv): the .pth starts it with PYPERFMAP=1.
if "$py" -m venv --without-pip venv >/dev/null 2>&1; then
	site=$(venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	cp -r "$PYDIR/pyperfmap.py" "$PYDIR/pyperfmap_autostart.py" "$PYDIR/pyperfmap.pth" "$PYDIR/_builds" "$site/"
	out=$(PYPERFMAP=1 venv/bin/python -c 'import pyperfmap, os; print(pyperfmap.is_active(), os.getpid())' 2>&1)
	set -- $out
	MAPS_MADE+=("${2:-0}")
	off=$(venv/bin/python -c 'import pyperfmap; print(pyperfmap.is_active())' 2>&1)
	[ "$1" = True ] && [ "$off" = False ] && pass "installed in site-packages: PYPERFMAP=1 switches it on, nothing else does" \
		|| fail "site-packages install: '$out' / '$off'"
else
	echo "SKIP (part): $py cannot make a virtualenv"
fi
# Fail open: an interpreter with no build (3.7, or 3.6).
old=$(ls /root/.pyenv/versions/3.7*/bin/python3.7 /root/.pyenv/versions/3.6*/bin/python3.6 2>/dev/null | head -1)
if [ -n "$old" ]; then
	"$PPM_BIN" exec -- "$old" -c 'print("ran")' >o.txt 2>e.txt
	[ "$(cat o.txt)" = ran ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q "no trampoline built for Python 3.[67]" e.txt \
		&& pass "unsupported version: $(cat e.txt)" || fail "unsupported version: $(cat o.txt) $(cat e.txt)"
else
	echo "SKIP (part): no Python 3.6/3.7 to check the unsupported-version warning"
fi
finish
