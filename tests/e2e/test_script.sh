#!/bin/bash
# pyperfmap script against perf script on the same files: every sample line and every
# call-chain frame, field by field (perf's symbol name for an address can be another
# alias or carry a @@VERSION: names must agree on nearly all frames, not all).
# scenarios: vs_perf python_vs_perf collapse errors
. "$(dirname "$0")/lib.sh"
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

record_ok() { "$PPM_BIN" record "$@" >/dev/null 2>rec.err || fail "record $*: $(cat rec.err)"; }

scenario_vs_perf() {
	need_perf
	record_ok --call-graph none -F 2000 -o flat.data -- "$HOT_C" 0.2
	compare "no call chains" flat.data
	compare "-F comm,pid,tid,time,event,ip,sym,dso" flat.data -F comm,pid,tid,time,event,ip,sym,dso
	compare "-F tid,period,ip,sym,symoff" flat.data -F tid,period,ip,sym,symoff
	record_ok -e cpu-clock,task-clock --call-graph none -F 1000 -o two.data -- "$HOT_C" 0.2
	compare "two events" two.data
	record_ok -g -F 2000 -o fp.data -- "$HOT_C" 0.2
	compare "frame-pointer call chains" fp.data
}

record_python() {
	need_interpreters
	read -r ver py < <(interpreters | head -1)
	record_ok --call-graph dwarf -F 1000 -o py.data -- "$py" "$PROGS/chain.py" 0.4
	for p in $(pids_of py.data); do MAPS_MADE+=("$p"); done
}

scenario_python_vs_perf() {
	need_perf
	record_python
	compare "Python $ver, DWARF-unwound chains with py:: frames" py.data
	grep -q 'py::foo:.*(/tmp/perf-[0-9]*\.map)$' ours.txt && pass "py::foo frames named from the perf map" || fail "no py::foo frame"
}

# FlameGraph's collapse input: the folded stacks from script text equal report --format folded.
scenario_collapse() {
	record_python
	"$PPM_BIN" script -i py.data | awk '
		/^\S/ { comm = $1; n = 0; next }
		/^\t/ { s = $0; sub(/^\t *[0-9a-f]+ /, "", s); sub(/ \([^)]*\)$/, "", s); sub(/\+0x[0-9a-f]+$/, "", s); f[n++] = s; next }
		/^$/ && n { line = comm; for (i = n - 1; i >= 0; i--) line = line ";" f[i]; c[line]++; n = 0 }
		END { for (l in c) print l, c[l] }' | sort >from_script.txt
	a=$(awk '{ s += $NF } END { print s + 0 }' from_script.txt)
	b=$("$PPM_BIN" report -i py.data --format folded --show-interpreter | awk '{ s += $NF } END { print s + 0 }')
	[ "$a" -gt 0 ] && [ "$a" = "$b" ] && pass "stacks collapsed from script text count as many samples as report --format folded ($a)" \
		|| fail "collapsed counts differ: script $a, folded $b"
}

scenario_errors() {
	record_ok --call-graph none -F 2000 -o flat.data -- "$HOT_C" 0.05
	"$PPM_BIN" script -i flat.data -F comm,bogus >/dev/null 2>err.txt; rc=$?
	exit_is $rc 2 && grep -q "unknown field 'bogus'" err.txt && pass "unknown field: exit 2" || fail "unknown field: rc=$rc"
	"$PPM_BIN" script -i missing.data >/dev/null 2>err.txt; rc=$?
	exit_is $rc 1 && [ "$(wc -l <err.txt)" = 1 ] && pass "missing file: one line, exit 1" || fail "missing file: rc=$rc"
	# output that cannot be written: one line saying so, exit 1 (with and without call
	# chains, and with the fields of a header only), whether the write fails at the end or
	# while reading (chains.data prints megabytes: more than script's buffer)
	if [ -w /dev/full ]; then
		nm --defined-only "$HOT_C" | awk '$2 ~ /^[tT]$/ { print $1 }' >addrs.txt
		"$PERFGEN" stacks chains.data "$HOT_C" addrs.txt 20000 100 >/dev/null || fail "perfgen stacks"
		[ "$("$PPM_BIN" script -i chains.data | wc -c)" -gt 2000000 ] || fail "chains.data prints too little"
		for args in "-i chains.data" "-i flat.data" "-i chains.data -F comm,pid"; do
			"$PPM_BIN" script $args >/dev/full 2>err.txt; rc=$?
			exit_is $rc 1 && [ "$(wc -l <err.txt)" = 1 ] && grep -q "No space left on device" err.txt &&
				pass "write to a full device ($args): one line, exit 1" ||
				fail "write to a full device ($args): rc=$rc, $(wc -l <err.txt) lines: $(head -2 err.txt)"
		done
	else
		skip "no writable /dev/full"
	fi
}
run_scenario "$@"
