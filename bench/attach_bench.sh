#!/bin/bash
# Attaching (issue 12), each figure beside its anchor in the same run:
#  - a CPython 3.14+ target's loop rate before the attach, while recorded (its
#    trampoline switched on from outside, PEP 768) and after the detach: the anchor is
#    the rate before;
#  - attach latency: from the first sample of the recording to the first one with a
#    named Python frame;
#  - system-wide recording (-a) of two CPU-bound Python processes: their work rate and
#    the recorder's CPU time, against perf record -a on the same load.
. "$(dirname "$0")/common.sh"
SECS=${SECS:-3}
PY=$(sh "$SRC/scripts/pythons.sh" --built "$BUILD" 3.14 3.15) ||
	{ echo "attach: no CPython 3.14+ built for: the remote activation cannot be measured"; exit 0; }

# A loop that prints how many rounds it did in each half second.
cat >"$TMP/loop.py" <<'PY'
import sys, time
def leaf(n):
    return sum(i * i % 7 for i in range(n))
def mid(n):
    return leaf(n)
end = time.monotonic() + float(sys.argv[1])
t0, rounds = time.monotonic(), 0
while time.monotonic() < end:
    mid(200)
    rounds += 1
    now = time.monotonic()
    if now - t0 >= 0.5:
        print("%.3f %d" % (now, rounds), flush=True)
        t0, rounds = now, 0
PY
"$PY" "$TMP/loop.py" $((SECS + 6)) >"$TMP/rates.txt" &
target=$!
sleep 2   # the window before: the anchor
t_attach=$(python3 -c 'import time; print("%.3f" % time.monotonic())')
"$PYPERFMAP" record -q -F 2000 -o "$TMP/a.data" -p $target -- sleep "$SECS" 2>"$TMP/rec.err"
t_detach=$(python3 -c 'import time; print("%.3f" % time.monotonic())')
wait $target
rm -f "/tmp/perf-$target.map"
# mean rounds per half second in each window (the half second around each edge left out)
awk -v a="$t_attach" -v d="$t_detach" '
	$1 < a - 0.5 { b += $2; nb++ } $1 > a + 1 && $1 < d - 0.5 { r += $2; nr++ } $1 > d + 1 { f += $2; nf++ }
	END { printf "attach: loop rate (rounds per 0.5 s): before %.0f (anchor) | recorded %.0f (%.2fx) | after detach %.0f (%.2fx)\n",
		b / nb, r / nr, (r / nr) / (b / nb), f / nf, (f / nf) / (b / nb) }' "$TMP/rates.txt"
# attach latency inside the recording
"$PYPERFMAP" script -i "$TMP/a.data" -F time,ip,sym 2>/dev/null | awk '
	/^ *[0-9]+\.[0-9]+:/ { t = $1; sub(":", "", t); if (first == "") first = t; next }
	/py::(leaf|mid):/ && named == "" { named = t }
	END { printf "attach: first named Python frame %.0f ms after the first sample\n", (named - first) * 1000 }'

# -a: two busy Python processes, recorded system-wide by each tool.
work() { "$PY" -c 'import sys, time
end = time.monotonic() + float(sys.argv[1]); n = 0
while time.monotonic() < end:
    sum(i * i % 7 for i in range(1000)); n += 1
print(n)' "$SECS"; }
load() { # label recorder...
	local label=$1 a b
	shift
	work >"$TMP/w1" & a=$!
	work >"$TMP/w2" & b=$!
	if [ $# -gt 0 ]; then
		/usr/bin/time -f "%U %S" -o "$TMP/$label.cpu" "$@" -- sleep "$SECS" >/dev/null 2>&1
	else
		echo "0 0" >"$TMP/$label.cpu"
	fi
	wait $a $b
	echo "$(( $(cat "$TMP/w1") + $(cat "$TMP/w2") ))" >"$TMP/$label.work"
}
load plain
load perf perf record -q -a -F 1000 -g --no-bpf-event -o "$TMP/pa.data"
load ours "$PYPERFMAP" record -q -a -F 1000 -o "$TMP/oa.data"
plain=$(cat "$TMP/plain.work")
for x in perf ours; do
	read -r u s <"$TMP/$x.cpu"
	printf "attach: -a %-9s work %s (%.2fx of no recorder), recorder CPU %.2f s, %s samples\n" \
		"$([ $x = perf ] && echo "perf -g" || echo pyperfmap)" "$(cat "$TMP/$x.work")" \
		"$(ratio "$(cat "$TMP/$x.work")" "$plain")" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" \
		"$(samples_of "$TMP/$([ $x = perf ] && echo pa || echo oa).data")"
done
echo "attach: (perf -a -g walks frame pointers; pyperfmap -a unwinds DWARF stacks, which name the Python functions)"
