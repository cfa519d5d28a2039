# Shared helpers for the end-to-end tests. Each test is a bash script run by ctest;
# exit 77 is a SKIP (ctest's SKIP_RETURN_CODE) and always says why. A test checks one
# scenario: what this machine cannot do is a skipped test of its own, never a part
# of a passing one. tests/CMakeLists.txt reads two header lines of a script:
#   # scenarios: a b c     one ctest entry per scenario, which runs scenario_a(),
#                          ... (the script ends with 'run_scenario "$@"');
#   # per-python: 3.N      one entry per CPython 3.N or later (per scenario), and
#                          the version is the next argument (python_under_test).
set -u
: "${PPM_BIN:?run through ctest}"

# A /tmp of the test's own where the machine allows it (private_tmp.sh says why).
if [ -z "${PPM_E2E_PRIVATE_TMP:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	exec unshare -m --propagation private bash "$(dirname "${BASH_SOURCE[0]}")/private_tmp.sh" "$0" "$@"
fi

TMP=$(mktemp -d /tmp/ppm-e2e.XXXXXX)
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
finish() {
	if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
	exit 0
}
# run_scenario NAME [ARGS...]: the script's scenario_NAME with ARGS, then finish.
run_scenario() {
	local name=${1:?which scenario: see the scenarios line of the script}
	shift
	declare -F "scenario_$name" >/dev/null || { echo "no scenario '$name' in $0"; exit 2; }
	"scenario_$name" "$@"
	finish
}
need_perf() { command -v perf >/dev/null 2>&1 || skip "no perf binary (apt-get install linux-perf)"; }

# The kernel counts hardware events: asked of perf_event_open by tests/progs/pmu_probe.
# 0 yes, 1 no; a machine where the answer is unclear stops the test.
have_pmu() {
	local out rc
	out=$("$PMU_PROBE"); rc=$?
	[ $rc -le 1 ] || skip "cannot tell whether this machine has a PMU: $out"
	PMU_SAYS=$out
	return $rc
}
need_pmu() { have_pmu || skip "this machine has no hardware PMU ($PMU_SAYS)"; }
need_no_pmu() { ! have_pmu || skip "this machine has a hardware PMU: the no-PMU behaviour cannot be seen here"; }

# Sampling at HZ needs kernel.perf_event_max_sample_rate >= HZ (the kernel lowers it
# by itself when sampling takes too long).
need_rate() {
	local max
	max=$(cat /proc/sys/kernel/perf_event_max_sample_rate 2>/dev/null || echo 0)
	[ "$max" -ge "$1" ] || skip "needs sampling at $1 Hz, kernel.perf_event_max_sample_rate is $max"
}

# wait_for SECONDS CMD...: until CMD succeeds, polling; 1 when SECONDS pass first. For
# a condition to come true (a file written, a process started), never a fixed sleep.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.02
	done
}

# A recorder has its events open (its fds include perf_event ones): attached.
has_perf_events() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'anon_inode:\[perf_event\]'; }
# A process named COMM runs among PID's descendants (a recorded command has started).
descendant_running() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$2" ] && return 0
		descendant_running "$c" "$2" && return 0
	done
	return 1
}
# A file has a line matching PATTERN.
file_has() { grep -q "$2" "$1" 2>/dev/null; }

# exit_is RC WANT: RC is WANT, and so not a death by signal (128+N) or a timeout.
exit_is() { [ "$1" = "$2" ]; }
# exit_error RC: a clean error exit (1..125), not a crash, a signal or a timeout.
exit_error() { [ "$1" -ge 1 ] && [ "$1" -le 125 ] && [ "$1" != 124 ]; }

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

# "version interpreter" for every CPython the trampoline was built for (cmake's list,
# from scripts/pythons.sh).
interpreters() {
	[ -f "${PYDIR:-}/interpreters.txt" ] && cat "$PYDIR/interpreters.txt"
}
need_interpreters() {
	[ -s "${PYDIR:-}/interpreters.txt" ] || skip "the trampoline was built for no CPython (see cmake's output; scripts/pythons.sh lists where it looks)"
}
# The first interpreter built for whose version starts with PREFIX (e.g. 3.12), or
# the first of all without one.
find_python() { sh "$SRC/scripts/pythons.sh" --built "$BUILD" "$@"; }
# For a per-python test: sets PYVER and PY from $1 (a version from interpreters.txt),
# or skips with the reason the build gave for not having that version.
python_under_test() {
	local v=${1:?per-python test run without a version} line why
	line=$(interpreters | awk -v v="$v" '$1 == v { print; exit }')
	if [ -z "$line" ]; then
		why=$(awk -v v="$v" '$1 == v { $1 = ""; sub(/^ /, ""); print; exit }' "$PYDIR/unbuilt.txt" 2>/dev/null)
		skip "no CPython $v built for: ${why:-not found}"
	fi
	PYVER=${line%% *}
	PY=${line#* }
	[ -x "$PY" ] || skip "CPython $PYVER at $PY is gone since the build"
}

# Maps this test made, removed at exit: the pids it noted, and no other. With a
# private /tmp (the usual case) everything goes with the namespace anyway.
MAPS_MADE=()
cleanup_maps() {
	local pid
	for pid in "${MAPS_MADE[@]}"; do
		case $pid in '' | *[!0-9]*) continue ;; esac
		rm -f "/tmp/perf-$pid.map" "/tmp/jit-$pid.dump" /tmp/jitted-"$pid"-*.so
	done
}
# The pids of a recording (those with samples), for MAPS_MADE.
pids_of() { "$PPM_BIN" script -i "$1" -F pid 2>/dev/null | awk '{ print $1 }' | sort -un; }
trap 'cleanup_maps; rm -rf "$TMP"' EXIT
