#!/bin/bash
# What watching costs: the CPU time of the whole top process, in % of one CPU, while
# it watches a busy Python process (-p) for 10 s at 4000 Hz, against perf top on the
# same load: perf top's default (no call graphs) and perf top -g beside pyperfmap
# top's default (its call graphs: DWARF on an interpreter without frame pointers) and
# --call-graph fp; and the samples lost, which top shows in its header. Medians of 3.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
SECONDS_EACH=10

"$PY" "$SRC/tests/progs/attach_target.py" 1000 >"$TMP/target.txt" &
T=$!
trap 'kill $T 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/target.txt" && break; sleep 0.1; done

# cpu LABEL CMD...: CPU seconds (user + system) of CMD run for SECONDS_EACH, as % of a CPU
cpu() {
	local label=$1; shift
	# stdin a pipe that stays open and quiet: perf top --stdio reads its keys there and
	# spins on a closed one
	/usr/bin/time -f "%U %S" -o "$TMP/time" timeout -s INT "$SECONDS_EACH" "$@" >"$TMP/out.$label" \
		2>"$TMP/err.$label" < <(sleep $((SECONDS_EACH + 5))) || true
	# the last line (time(1) says first when the command exited non-zero: timeout's 124)
	tail -1 "$TMP/time" | awk -v s="$SECONDS_EACH" '{ printf "%.2f\n", 100 * ($1 + $2) / s }' >>"$TMP/$label"
}
med() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for i in 1 2 3; do
	cpu perf perf top --stdio -p "$T" -F 4000
	cpu perf_g perf top --stdio -g -p "$T" -F 4000
	cpu ours "$PYPERFMAP" top --stdio -p "$T" -F 4000
	cpu ours_fp "$PYPERFMAP" top --stdio --call-graph fp -p "$T" -F 4000
done
lost=$(awk '/^pyperfmap top:/ { for (i = 1; i <= NF; i++) if ($i == "lost") { s += $(i - 1) } } END { print s + 0 }' "$TMP/out.ours")
samples=$(awk '/^pyperfmap top:/ { for (i = 1; i <= NF; i++) if ($i == "samples,") { s += $(i - 1) } } END { print s + 0 }' "$TMP/out.ours")
mode=$(grep -o 'call graph: [a-z]*' "$TMP/err.ours" | head -1)
printf "top: %-44s %6s %% of a CPU\n" "perf top (anchor, no call graphs)" "$(med perf)"
printf "top: %-44s %6s %% of a CPU\n" "perf top -g (anchor, frame pointers)" "$(med perf_g)"
printf "top: %-44s %6s %% of a CPU   %sx perf top's\n" "pyperfmap top (${mode:-call graph: auto})" "$(med ours)" \
	"$(ratio "$(med ours)" "$(med perf)")"
printf "top: %-44s %6s %% of a CPU   %sx perf top -g's\n" "pyperfmap top --call-graph fp" "$(med ours_fp)" \
	"$(ratio "$(med ours_fp)" "$(med perf_g)")"
echo "top: the last run of pyperfmap top: $samples samples shown, $lost lost"
