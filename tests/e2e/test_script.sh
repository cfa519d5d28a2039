#!/bin/bash
# pyperfmap script against perf script on the same files: every sample line and every
# call-chain frame, field by field (perf's symbol name for an address can be another
# alias or carry a @@VERSION: names must agree on nearly all frames, not all).
. "$(dirname "$0")/lib.sh"
need_perf
cd "$TMP"

compare() { # label file [fields]
	local label=$1 file=$2; shift 2
	"$PPM_BIN" script -i "$file" "$@" >ours.txt 2>err.txt || { fail "$label: script failed: $(cat err.txt)"; return; }
	perf script -i "$file" "$@" >perf.txt 2>/dev/null
	python3 - ours.txt perf.txt "$label" <<'PY' && pass "$label: $(cat verdict.txt)" || fail "$label: $(cat verdict.txt)"
import re, sys
def samples(path):
    out, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        if not line:
            cur = None
            continue
        if line.startswith("\t"):
            m = re.match(r"\t\s*([0-9a-f]+) (.*) \((.*)\)$", line)
            cur[1].append((m.group(1), m.group(2), m.group(3)) if m else (line, "", ""))
        else:
            cur = [line, []]
            out.append(cur)
    return out
ours, perf = samples(sys.argv[1]), samples(sys.argv[2])
bad, frames, same_sym = [], 0, 0
if len(ours) != len(perf):
    bad.append(f"{len(ours)} samples vs perf's {len(perf)}")
for (oh, of), (ph, pf) in zip(ours, perf):
    if oh != ph:
        bad.append(f"line {oh!r} vs {ph!r}")
    for o, p in zip(of[:127], pf[:127]):  # perf script stops at 127 frames
        frames += 1
        if o[0] != p[0] or o[2] != p[2]:
            bad.append(f"frame {o} vs {p}")
        norm = lambda s: re.sub(r"@@?[A-Z_0-9.]+", "", s)
        same_sym += norm(o[1]) == norm(p[1])
share = 100.0 * same_sym / frames if frames else 100.0
msg = f"{len(ours)} samples, {frames} frames; lines, addresses and objects equal; symbols equal on {share:.1f}%"
if share < 95:
    bad.append(f"symbols equal on {share:.1f}% of frames only")
open("verdict.txt", "w").write("; ".join(bad[:3]) if bad else msg)
sys.exit(1 if bad else 0)
PY
}

"$PPM_BIN" record --call-graph none -F 2000 -o flat.data -- "$HOT_C" 0.2 >/dev/null 2>&1
compare "no call chains" flat.data
compare "-F comm,pid,tid,time,event,ip,sym,dso" flat.data -F comm,pid,tid,time,event,ip,sym,dso
compare "-F tid,period,ip,sym,symoff" flat.data -F tid,period,ip,sym,symoff
"$PPM_BIN" record -e cpu-clock,task-clock --call-graph none -F 1000 -o two.data -- "$HOT_C" 0.2 >/dev/null 2>&1
compare "two events" two.data
"$PPM_BIN" record -g -F 2000 -o fp.data -- "$HOT_C" 0.2 >/dev/null 2>&1
compare "frame-pointer call chains" fp.data
read -r ver py < <(interpreters | head -1)
if [ -n "${py:-}" ]; then
	"$PPM_BIN" record --call-graph dwarf -F 1000 -o py.data -- "$py" "$PROGS/chain.py" 0.4 >/dev/null 2>&1
	for p in $("$PPM_BIN" report -i py.data --sort pid --no-children -G | awk '!/^#/ && NF { print $3 }'); do MAPS_MADE+=("$p"); done
	compare "Python $ver, DWARF-unwound chains with py:: frames" py.data
	grep -q 'py::foo:.*(/tmp/perf-[0-9]*\.map)$' ours.txt && pass "py::foo frames named from the perf map" || fail "no py::foo frame"
	# FlameGraph's collapse input: the folded stacks from script text equal report --format folded.
	"$PPM_BIN" script -i py.data | awk '
		/^\S/ { comm = $1; n = 0; next }
		/^\t/ { s = $0; sub(/^\t *[0-9a-f]+ /, "", s); sub(/ \([^)]*\)$/, "", s); sub(/\+0x[0-9a-f]+$/, "", s); f[n++] = s; next }
		/^$/ && n { line = comm; for (i = n - 1; i >= 0; i--) line = line ";" f[i]; c[line]++; n = 0 }
		END { for (l in c) print l, c[l] }' | sort >from_script.txt
	[ "$(awk '{ s += $NF } END { print s }' from_script.txt)" = "$("$PPM_BIN" report -i py.data --format folded --show-interpreter | awk '{ s += $NF } END { print s }')" ] \
		&& pass "stacks collapsed from script text count as many samples as report --format folded" || fail "collapsed counts differ"
else
	fail "no interpreter for the Python check"
fi
"$PPM_BIN" script -i flat.data -F comm,bogus >/dev/null 2>err.txt; rc=$?
[ $rc = 2 ] && grep -q "unknown field 'bogus'" err.txt && pass "unknown field: exit 2" || fail "unknown field: rc=$rc"
"$PPM_BIN" script -i missing.data >/dev/null 2>err.txt; rc=$?
[ $rc = 1 ] && [ "$(wc -l <err.txt)" = 1 ] && pass "missing file: one line, exit 1" || fail "missing file: rc=$rc"
finish
