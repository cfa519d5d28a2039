# Shared helpers for the end-to-end tests. Each test is a bash script run by ctest;
# exit 77 is a SKIP (ctest's SKIP_RETURN_CODE) and always says why.
set -u
: "${PPM_BIN:?run through ctest}"

TMP=$(mktemp -d /tmp/ppm-e2e.XXXXXX)
touch "$TMP/.start"
trap 'rm -rf "$TMP"' EXIT
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
finish() {
	if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
	exit 0
}
need_perf() { command -v perf >/dev/null 2>&1 || skip "no perf binary (apt-get install linux-perf)"; }

# The first interpreter found for a CPython version: pyenv's, then the system's.
find_python() {
	local v=$1 p
	for p in /root/.pyenv/versions/"$v".*/bin/python"$v" "$(command -v python"$v" 2>/dev/null)"; do
		[ -n "$p" ] && [ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

# "SYMBOL<TAB>PERCENT" for the top N rows of a perf-style --stdio --no-children report.
top_symbols() {
	awk -v n="$2" '
		/^#/ || !/%/ { next }
		/^ +[0-9.]+%/ {
			pct = $1; sub("%", "", pct)
			i = index($0, "] "); if (!i) next
			sym = substr($0, i + 2); sub(/ +$/, "", sym)
			print sym "\t" pct; if (++k == n) exit
		}' "$1"
}

# The percentage of SYMBOL in such a report, 0 when absent.
pct_of() {
	awk -v s="$2" -F'\t' '$1 == s { print $2; found = 1; exit } END { if (!found) print 0 }' "$1"
}

# "version interpreter" for every CPython the trampoline was built for.
interpreters() {
	[ -f "${PYDIR:-}/interpreters.txt" ] && cat "$PYDIR/interpreters.txt"
}
need_interpreters() {
	[ -s "${PYDIR:-}/interpreters.txt" ] || skip "the trampoline was built for no CPython 3.8-3.13 (install python3-dev)"
}
# Maps this test made, removed at exit (never anyone else's): the pids it noted, and
# any perf map or jitdump written during its run by a process that has since exited
# (the interpreters' children, -X perf reference runs). A live process's file stays.
MAPS_MADE=()
cleanup_maps() {
	local f pid
	for pid in "${MAPS_MADE[@]}"; do rm -f "/tmp/perf-$pid.map"; done
	while read -r f; do
		pid=${f##*-}; pid=${pid%%.*}
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && rm -f "$f"
	done < <(find /tmp -maxdepth 1 \( -name 'perf-*.map' -o -name 'jit-*.dump' \) -newer "$TMP/.start" 2>/dev/null)
}
trap 'cleanup_maps; rm -rf "$TMP"' EXIT
