#!/bin/bash
# On CPython 3.13 and later, the distribution of Python stacks from pyperfmap record (auto) agrees
# within 3 points with the anchor pipeline: python -X perf_jit, perf record -k 1
# --call-graph dwarf, perf inject --jit, then perf's view of the stacks.
# per-python: 3.13
. "$(dirname "$0")/lib.sh"
need_perf
python_under_test "$@"
ver=$PYVER py=$PY
"$py" -X perf_jit -c pass 2>/dev/null || skip "$py has no -X perf_jit"
cd "$TMP"

# A script whose time splits between two Python stacks.
cat >split.py <<'PY'
import sys, time
def leaf(n):
    t = 0
    for i in range(n):
        t += i * i % 7
    return t
def left(n): return leaf(n)
def right(n): return leaf(3 * n)
def top(n): return left(n) + right(n)
end = time.process_time() + float(sys.argv[1])  # CPU seconds
while time.process_time() < end:
    top(5000)
PY
# Python stacks only: the py:: names root first, file names dropped.
pystacks() {
	awk '{ c = $NF; n = split($0, f, ";"); s = ""
		for (i = 1; i <= n; i++) if (f[i] ~ /^py::/) { x = f[i]; sub(/^py::/, "", x); sub(/:.*/, "", x); s = s (s ? ";" : "") x }
		if (s != "") { t[s] += c; all += c } }
		END { for (k in t) printf "%s\t%.2f\n", k, 100 * t[k] / all }' | sort
}
"$PPM_BIN" record -q -F 2000 -o ours.data -- "$py" split.py 3 >/dev/null 2>&1 || fail "pyperfmap record failed"
for p in $(pids_of ours.data); do MAPS_MADE+=("$p"); done
"$PPM_BIN" report -i ours.data --format folded | pystacks >ours.txt
perf record -q -k 1 -F 2000 --call-graph dwarf -o jit.data -- "$py" -X perf_jit split.py 3 >/dev/null 2>&1 || fail "perf record failed"
for p in $(perf script -i jit.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
perf inject --jit -i jit.data -o jit.inj.data 2>inject.err || fail "perf inject: $(head -2 inject.err)"
perf script -i jit.inj.data -F ip,sym 2>/dev/null | awk '
	/^$/ { if (s) print s " 1"; s = ""; next } { $1 = ""; sub(/^ /, ""); s = $0 (s == "" ? "" : ";" s) }
	END { if (s) print s " 1" }' | pystacks >anchor.txt
[ -s anchor.txt ] || { fail "the anchor pipeline gave no Python stacks"; finish; }
worst=$(join -t $'\t' -a1 -a2 -e 0 -o 0,1.2,2.2 ours.txt anchor.txt |
	awk -F'\t' '{ d = $2 - $3; if (d < 0) d = -d; if (d > m) { m = d; k = $1 } } END { printf "%.2f %s", m, k }')
echo "pyperfmap:"; sort -t$'\t' -k2 -rn ours.txt | head -4
echo "anchor (-X perf_jit + perf inject):"; sort -t$'\t' -k2 -rn anchor.txt | head -4
awk -v w="${worst%% *}" 'BEGIN { exit !(w <= 3) }' \
	&& pass "$ver: Python stack shares agree within 3 points (largest difference ${worst%% *} on '${worst#* }')" \
	|| fail "$ver: shares differ by ${worst%% *} points on '${worst#* }'"
finish
