#!/bin/bash
# The cost of leaving the trampoline installed in an interpreter (install-python):
# start-up with pyperfmap.pth present and PYPERFMAP unset, against a twin virtual
# environment without it (the anchor); then with PYPERFMAP=1, start-up (loading and
# switching the trampoline on) and the three workloads of trampoline_bench.sh against
# the same interpreter with PYPERFMAP unset. Start-ups alternate A B A B, ROUNDS
# rounds of BATCH runs each; each figure is the median of the rounds' per-run means.
. "$(dirname "$0")/common.sh"
ROUNDS=${ROUNDS:-15}
BATCH=${BATCH:-20}
RUNS=${RUNS:-5}
PY=$(find_python)
VER=$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
"$PY" -m venv --without-pip "$TMP/venv_plain" >/dev/null
"$PY" -m venv --without-pip "$TMP/venv_pth" >/dev/null
"$PYPERFMAP" install-python "$TMP/venv_pth/bin/python" 2>/dev/null
W=$SRC/bench/tramp_workloads.py
# CPython's own trampoline (3.12+), the other way to have perf name Python functions
XPERF=0
"$PY" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && XPERF=1
START=$(date +%s)
trap 'find /tmp -maxdepth 1 -name "perf-*.map" -newermt "@$START" -exec grep -l -e tramp_workloads.py -e "<string>" {} + 2>/dev/null | xargs -r rm -f; rm -rf "$TMP"' EXIT

# batch LABEL ENV... -- PYTHON ARGS...: one round, BATCH start-ups, mean ms per run
batch() {
	local label=$1; shift
	local t0=$EPOCHREALTIME
	for _ in $(seq "$BATCH"); do env -u PYTHONPATH "$@" >/dev/null; done
	awk -v a="$t0" -v b="$EPOCHREALTIME" -v n="$BATCH" 'BEGIN { printf "%.4f\n", (b - a) * 1000 / n }' >>"$TMP/$label"
}
for _ in $(seq "$ROUNDS"); do
	batch plain -u PYPERFMAP "$TMP/venv_plain/bin/python" -c pass
	batch pth_unset -u PYPERFMAP "$TMP/venv_pth/bin/python" -c pass
	batch pth_set PYPERFMAP=1 "$TMP/venv_pth/bin/python" -c pass
	[ "$XPERF" = 1 ] && batch xperf -u PYPERFMAP "$TMP/venv_plain/bin/python" -X perf -c pass
done
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { printf "%.3f-%.3f", v[int(NR / 4) + 1], v[int(3 * NR / 4)] }'; }
p=$(med plain) u=$(med pth_unset) s=$(med pth_set)
echo "install: Python $VER start-up ('-c pass', median of $ROUNDS rounds x $BATCH runs, quartiles in brackets)"
printf "install:   no .pth (anchor)         %.3f ms  [%s]\n" "$p" "$(spread plain)"
printf "install:   .pth, PYPERFMAP unset    %.3f ms  [%s]  %+.3f ms, ratio %s\n" "$u" "$(spread pth_unset)" "$(awk -v a="$u" -v b="$p" 'BEGIN { print a - b }')" "$(ratio "$u" "$p")"
printf "install:   .pth, PYPERFMAP=1        %.3f ms  [%s]  %+.3f ms, ratio %s\n" "$s" "$(spread pth_set)" "$(awk -v a="$s" -v b="$p" 'BEGIN { print a - b }')" "$(ratio "$s" "$p")"
[ "$XPERF" = 1 ] && printf "install:   python -X perf, no .pth    %.3f ms  [%s]  %+.3f ms, ratio %s\n" "$(med xperf)" "$(spread xperf)" "$(awk -v a="$(med xperf)" -v b="$p" 'BEGIN { print a - b }')" "$(ratio "$(med xperf)" "$p")"
# the trampoline on, by the .pth alone, on the workloads (in-process seconds)
for w in fib loop oo; do
	scale=10; [ $w = fib ] && scale=30
	: >"$TMP/w_off"; : >"$TMP/w_on"; : >"$TMP/w_xperf"
	for _ in $(seq "$RUNS"); do
		env -u PYPERFMAP -u PYTHONPATH "$TMP/venv_pth/bin/python" "$W" $w $scale >>"$TMP/w_off"
		env -u PYTHONPATH PYPERFMAP=1 "$TMP/venv_pth/bin/python" "$W" $w $scale >>"$TMP/w_on"
		[ "$XPERF" = 1 ] && env -u PYPERFMAP -u PYTHONPATH "$TMP/venv_plain/bin/python" -X perf "$W" $w $scale >>"$TMP/w_xperf"
	done
	off=$(med w_off) on=$(med w_on)
	printf "install:   %-4s PYPERFMAP unset %.4f s  PYPERFMAP=1 %.4f s  ratio %s" "$w" "$off" "$on" "$(ratio "$on" "$off")"
	[ "$XPERF" = 1 ] && printf "  (-X perf %.4f s, ratio %s)" "$(med w_xperf)" "$(ratio "$(med w_xperf)" "$off")"
	echo
done
"$PYPERFMAP" uninstall-python "$TMP/venv_pth/bin/python" 2>/dev/null
