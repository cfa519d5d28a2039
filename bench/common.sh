# Helpers for the benchmarks: medians of repeated runs, wall time and peak memory.
set -euo pipefail
BUILD=${1:-build}
PYPERFMAP=$(cd "$BUILD" && pwd)/pyperfmap
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d /tmp/ppm-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
command -v perf >/dev/null || { echo "bench: no perf binary: the anchor is missing (apt-get install linux-perf)"; exit 1; }
# PPM_BEFORE=/path/to/an/older/pyperfmap: the benchmarks that read files time it too,
# in the same runs, to show a change is no slower ("before" against "after").
BEFORE=${PPM_BEFORE:-}
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "bench: PPM_BEFORE=$BEFORE is not a program"; exit 1; }

# timed LABEL CMD...: appends "wall_s peak_kb user_s sys_s" of one run to $TMP/LABEL.
# Wall time from the shell's microsecond clock (time(1)'s %e has 10 ms steps).
timed() {
	local label=$1; shift
	local t0=$EPOCHREALTIME t1
	/usr/bin/time -f "%M %U %S" -o "$TMP/time.$$" "$@" >/dev/null 2>"$TMP/stderr.$label" || {
		echo "bench: '$*' failed: $(tail -2 "$TMP/stderr.$label")" >&2; return 1; }
	t1=$EPOCHREALTIME
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(cat "$TMP/time.$$")" >>"$TMP/$label"
}
# median LABEL FIELD: the median of a field (1 wall, 2 memory) over the runs.
median() { sort -n -k"$2" "$TMP/$1" | awk -v f="$2" '{ v[NR] = $f } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# An interpreter the trampoline was built for (the build's list, which comes from
# scripts/pythons.sh): 3.12, else 3.13, else 3.11, else the first.
find_python() {
	sh "$SRC/scripts/pythons.sh" --built "$BUILD" 3.12 3.13 3.11 "" ||
		{ echo "bench: the trampoline was built for no CPython" >&2; return 1; }
}
samples_of() { "$PYPERFMAP" report -i "$1" --no-children -G 2>/dev/null | sed -n 's/^# Samples: \([0-9]*\).*/\1/p'; }
data_size_of() { perf report -i "$1" --header-only 2>/dev/null | sed -n 's/^# data size *: *\([0-9]*\).*/\1/p'; }
# mean CPU seconds (user + system) of a label's runs
mean_cpu() { awk '{ s += $3 + $4 } END { printf "%.3f", s / NR }' "$TMP/$1"; }
