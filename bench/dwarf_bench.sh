#!/bin/bash
# Whole stacks without frame pointers (issue 4), each against its anchor in the same run:
#  - depth: samples at the bottom of a 100-level Python recursion that carry all 100
#    levels, pyperfmap (auto) vs perf --call-graph dwarf (its default 8 KB copy);
#  - bytes per sample, vs perf's DWARF mode and frame-pointer mode;
#  - record overhead at -F 9999 vs perf record --call-graph dwarf;
#  - report time and memory on >= 100,000 samples vs perf report of perf's DWARF file.
. "$(dirname "$0")/common.sh"
PY=$(find_python)
R=$SRC/tests/progs/recurse.py
W=$SRC/bench/cpu_work.py

count_whole() { # folded-file levels
	awk -v n="$2" '/py::work:/ { t += $NF; c = gsub("py::down:", "&"); if (c > m) m = c; if (c >= n) w += $NF }
		END { printf "%.1f%% of %d (deepest: %d levels)", t ? 100 * w / t : 0, t, m }' "$1"
}
echo "dwarf: interpreter $PY"
"$PYPERFMAP" record -q -F 2000 -o "$TMP/deep.data" -- "$PY" "$R" 2 100 >/dev/null 2>&1
"$PYPERFMAP" report -i "$TMP/deep.data" --format folded >"$TMP/deep.folded"
echo "dwarf: depth 100: pyperfmap record (auto): $(count_whole "$TMP/deep.folded" 100) samples in work() carry all 100 levels"
if "$PY" -X perf -c pass 2>/dev/null && "$PY" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null; then
	perf record -q -F 2000 --call-graph dwarf -o "$TMP/pdeep.data" -- "$PY" -X perf "$R" 2 100 >/dev/null 2>&1
	perf script -i "$TMP/pdeep.data" -F ip,sym 2>/dev/null | awk '
		/^$/ { if (s) print s " 1"; s = ""; next } { s = ($2 == "" ? "?" : $2) (s == "" ? "" : ";" s) }
		END { if (s) print s " 1" }' >"$TMP/pdeep.folded"
	echo "dwarf: depth 100: perf --call-graph dwarf + python -X perf (anchor): $(count_whole "$TMP/pdeep.folded" 100) samples in work() carry all 100 levels"
fi

ROUNDS=${ROUNDS:-1500}
# Python names cost a trampoline in both pipelines: pair like with like (perf's DWARF
# mode on python -X perf, 3.12+), and also show perf on the plain program.
XP=()
"$PY" -c 'import sys; sys.activate_stack_trampoline' 2>/dev/null && XP=(-X perf)
for i in 1 2 3; do
	timed plain "$PY" "$W" $ROUNDS
	timed perf_dwarf perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/pd.data" -- "$PY" "${XP[@]}" "$W" $ROUNDS
	timed ours_auto "$PYPERFMAP" record -q -F 9999 -o "$TMP/od.data" -- "$PY" "$W" $ROUNDS
done
timed perf_dwarf_plain perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/pdp.data" -- "$PY" "$W" $ROUNDS
timed perf_fp perf record -q -F 9999 -g --no-bpf-event -o "$TMP/pfp.data" -- "$PY" "$W" $ROUNDS
plain=$(median plain 1)
for x in "perf --call-graph dwarf, python ${XP[*]} (anchor)|perf_dwarf|pd" "perf --call-graph dwarf, plain python|perf_dwarf_plain|pdp" "perf record -g (frame pointers)|perf_fp|pfp" "pyperfmap record (auto = dwarf)|ours_auto|od"; do
	label=${x%%|*}; rest=${x#*|}; key=${rest%%|*}; f=$TMP/${rest#*|}.data
	n=$(samples_of "$f"); size=$(stat -c %s "$f"); w=$(median "$key" 1)
	lost=$(perf report -i "$f" --stdio 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')
	printf "dwarf: %-42s wall %ss (%sx plain)  %6s samples  lost %s  %s bytes/sample\n" "$label" "$w" \
		"$(ratio "$w" "$plain")" "$n" "${lost:-?}" "$(ratio "$size" "$n")"
done
echo "dwarf: record overhead ratio pyperfmap auto / perf dwarf = $(ratio "$(median ours_auto 1)" "$(median perf_dwarf 1)")"

# Report: >= 100,000 samples, two processes at 9999 Hz for ~6 s each.
echo "dwarf: recording ~120,000 samples with each tool..."
perf record -q -F 9999 --call-graph dwarf --no-bpf-event -o "$TMP/pbig.data" -- sh -c \
	"'$PY' '$W' 4500 >/dev/null & '$PY' '$W' 4500 >/dev/null; wait" >/dev/null 2>&1
"$PYPERFMAP" record -q -F 9999 -o "$TMP/obig.data" -- sh -c \
	"'$PY' '$W' 4500 >/dev/null & '$PY' '$W' 4500 >/dev/null; wait" >/dev/null 2>&1
pn=$(samples_of "$TMP/pbig.data"); on=$(samples_of "$TMP/obig.data")
for i in 1 2 3; do
	timed prep perf report -i "$TMP/pbig.data" --stdio
	timed orep "$PYPERFMAP" report -i "$TMP/obig.data" --stdio
done
printf "dwarf: perf report --stdio on perf's DWARF file (%s samples, %s MB): %ss, %s KiB\n" "$pn" \
	"$(( $(stat -c %s "$TMP/pbig.data") >> 20 ))" "$(median prep 1)" "$(median prep 2)"
printf "dwarf: pyperfmap report on its own file (%s samples, %s MB): %ss, %s KiB: %sx faster, %sx less memory\n" "$on" \
	"$(( $(stat -c %s "$TMP/obig.data") >> 20 ))" "$(median orep 1)" "$(median orep 2)" \
	"$(ratio "$(median prep 1)" "$(median orep 1)")" "$(ratio "$(median prep 2)" "$(median orep 2)")"
