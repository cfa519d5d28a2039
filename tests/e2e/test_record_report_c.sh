#!/bin/bash
# End to end on a C program with a known hot function: record, report, folded, and
# perf's own tools read the file without complaint; pyperfmap report reads the
# stacks of perf record --call-graph dwarf (a build without frame pointers) whole,
# as perf report does; and names the kernel frames of perf's files from the copy of
# the kernel's symbols in perf's build-id cache when there is one, else /proc/kallsyms.
# scenarios: flat callchains kernel_symbols perf_reads perf_dwarf perf_kernel
. "$(dirname "$0")/lib.sh"
cd "$TMP"

scenario_flat() {
	"$PPM_BIN" record --call-graph none -F 2000 -o plain.data -- "$HOT_C" 0.5 >out.txt 2>err.txt
	rc=$?
	[ $rc -eq 0 ] && pass "record exits 0" || fail "record exited $rc: $(cat err.txt)"
	grep -q '^done' out.txt && pass "the command's stdout passes through" || fail "stdout lost"
	grep -Eq '^pyperfmap: [0-9]+ samples written, 0 lost, .* to .plain.data.' err.txt \
		&& pass "summary line" || fail "no summary line: $(cat err.txt)"

	"$PPM_BIN" report -i plain.data --stdio >report.txt 2>rerr.txt || fail "report failed: $(cat rerr.txt)"
	top_symbols report.txt 5 >top.txt
	hot=$(pct_of top.txt hot_loop)
	[ "$(head -1 top.txt | cut -f1)" = hot_loop ] && pass "hot_loop is the top row" || fail "top row: $(head -1 top.txt)"
	awk -v p="$hot" 'BEGIN { exit !(p >= 60) }' && pass "hot_loop has $hot% (>= 60%)" || fail "hot_loop only $hot%"
	grep -q 'hot_c  *hot_c  *\[\.\] warm_loop' report.txt && pass "warm_loop named with its dso" || fail "warm_loop missing"
	grep -q '^# Samples: [1-9][0-9]*  Lost: 0' report.txt && pass "header counts samples" || fail "bad header"
	grep -q 'Children' report.txt && fail "Children column without callchains" || pass "no Children column without -g"
}

scenario_callchains() {
	# With callchains: children, call graph, folded stacks.
	"$PPM_BIN" record -g -F 2000 -o graph.data -- "$HOT_C" 0.5 >/dev/null 2>&1 || fail "record -g failed"
	"$PPM_BIN" report -i graph.data >graph.txt 2>&1 || fail "report -g failed"
	grep -q '^# Children      Self' graph.txt && pass "Children column with callchains" || fail "no Children column"
	grep -Eq '^ +[0-9.]+% +[0-9.]+% .*\[\.\] main$' graph.txt && pass "main is a row (children)" || fail "main row missing"
	# perf's default order with children: callers first, from the root down to the row
	awk '/\[\.\] hot_loop$/ { row = 1; next } row && /---/ { print; exit }' graph.txt | grep -q -- '---_start\|---main\|---__libc' \
		&& awk '/\[\.\] hot_loop$/ { row = 1; next } row && NF == 1 && $1 == "main" { w = 1 } row && w && $1 == "hot_loop" { f = 1; exit } END { exit !f }' graph.txt \
		&& pass "call graph under hot_loop, callers first (main above hot_loop)" || fail "no caller-order call graph under hot_loop: $(grep -A8 'hot_loop$' graph.txt | head -9)"
	"$PPM_BIN" report -i graph.data -g callee >callee.txt 2>&1 || fail "report -g callee failed"
	grep -q -- '---hot_loop' callee.txt && pass "-g callee: the graph starts at hot_loop" || fail "-g callee: no graph from hot_loop"
	"$PPM_BIN" report -i graph.data --format folded >folded.txt || fail "folded failed"
	grep -Eq '^hot_c;.*main;(work;)?hot_loop [0-9]+$' folded.txt && pass "folded stack main;work;hot_loop" \
		|| fail "folded: $(head -3 folded.txt)"
	total=$(awk '{ s += $NF } END { print s }' folded.txt)
	samples=$(sed -n 's/^# Samples: \([0-9]*\).*/\1/p' graph.txt)
	[ "$total" = "$samples" ] && pass "folded counts sum to the sample count ($total)" || fail "folded sums to $total, header says $samples"
	[ "$(sort folded.txt | cut -d' ' -f1 | uniq -d | wc -l)" -eq 0 ] && pass "one line per distinct stack" || fail "duplicate stacks in folded output"

	"$PPM_BIN" report -i graph.data --no-children --sort dso >dso.txt || fail "--sort dso failed"
	grep -Eq '^ +[0-9.]+% +[0-9]+  hot_c *$' dso.txt && pass "--sort dso rows" || fail "--sort dso: $(grep -v '^#' dso.txt | head -3)"
	"$PPM_BIN" report -i graph.data --no-children --sort pid,sym -G >pid.txt || fail "--sort pid,sym failed"
	grep -Eq '^ +[0-9.]+% +[0-9]+ +[0-9]+  \[\.\] hot_loop$' pid.txt && pass "--sort pid,sym rows" || fail "--sort pid,sym: $(grep -v '^#' pid.txt | head -2)"
}

# Kernel symbols: the ones embedded at record time name what /proc/kallsyms names.
# Thousands of exits and page faults give kernel return addresses that sit on the
# first byte of the next symbol (looked up at address - 1), which a lean embedded
# table used to miss.
scenario_kernel_symbols() {
	[ -r /proc/kallsyms ] && grep -qv '^0* ' /proc/kallsyms || skip "/proc/kallsyms hides the kernel's addresses here"
	"$PPM_BIN" record -q -g -F 5000 -o sys.data -- sh -c 'for i in $(seq 2000); do /bin/true; ls -la /usr/lib >/dev/null; done' \
		>/dev/null 2>&1 || fail "record of ls failed"
	"$PPM_BIN" report -i sys.data >emb.txt 2>&1
	"$PPM_BIN" report -i sys.data --kallsyms /proc/kallsyms >kall.txt 2>&1
	if [ "$(grep -c '\[k\] [a-z_]' emb.txt)" -gt 0 ] && cmp -s emb.txt kall.txt; then
		pass "embedded kernel symbols agree with /proc/kallsyms ($(grep -c '\[k\] [a-z_]' emb.txt) kernel rows)"
	else
		fail "embedded kernel symbols differ: $(diff emb.txt kall.txt | head -4)"
	fi
}

# perf reads what we wrote, with nothing to say about its structure.
scenario_perf_reads() {
	need_perf
	"$PPM_BIN" record --call-graph none -F 2000 -o plain.data -- "$HOT_C" 0.3 >/dev/null 2>&1 || fail "record failed"
	"$PPM_BIN" record -g -F 2000 -o graph.data -- "$HOT_C" 0.3 >/dev/null 2>&1 || fail "record -g failed"
	for f in plain.data graph.data; do
		perf report -i $f --stdio >/dev/null 2>perr.txt; rc=$?
		[ $rc -eq 0 ] && [ ! -s perr.txt ] && pass "perf report reads $f silently" \
			|| fail "perf report on $f: rc=$rc $(head -3 perr.txt)"
		perf script -i $f >script.txt 2>perr.txt; rc=$?
		[ $rc -eq 0 ] && [ ! -s perr.txt ] && grep -q hot_loop script.txt && pass "perf script reads $f silently" \
			|| fail "perf script on $f: rc=$rc $(head -3 perr.txt)"
	done
}
# perf record --call-graph dwarf of a program without frame pointers: the samples hold
# registers and stack copies; report unwinds them to the same callers perf finds.
scenario_perf_dwarf() {
	need_perf
	perf record -q --call-graph dwarf -e cpu-clock -F 1000 -o dw.data -- "$HOT_NOFP" 1 >/dev/null 2>perr.txt \
		|| skip "perf cannot record DWARF call graphs here: $(head -1 perr.txt)"
	"$PPM_BIN" report -i dw.data -F folded >folded.txt 2>err.txt || fail "report of perf's DWARF file: $(cat err.txt)"
	read -r in_hot whole < <(awk '/;hot_loop [0-9]+$/ { n += $NF; if (/;main;work;hot_loop [0-9]+$/) w += $NF } END { print n + 0, w + 0 }' folded.txt)
	[ "$in_hot" -ge 300 ] && [ $((100 * whole)) -ge $((95 * in_hot)) ] \
		&& pass "$whole of $in_hot samples in hot_loop carry main;work;hot_loop (unwound from the stack copies)" \
		|| fail "only $whole of $in_hot hot_loop samples have their callers: $(head -3 folded.txt)"
	# perf's own unwinding of the same file: the same callers for the same share
	perf script -i dw.data -F ip,sym 2>/dev/null | awk '
		/^$/ { if (leaf == "hot_loop") { n++; if (w && m) k++ } leaf = ""; w = m = 0; first = 1; next }
		{ if (first) { leaf = $2; first = 0 } else if ($2 == "work") w = 1; else if ($2 == "main") m = 1 }
		END { if (leaf == "hot_loop") { n++; if (w && m) k++ } print n + 0, k + 0 }' >perf_counts.txt
	read -r perf_hot perf_whole <perf_counts.txt
	[ "$perf_hot" = "$in_hot" ] && pass "the same $in_hot samples in hot_loop as perf script" \
		|| fail "hot_loop samples: ours $in_hot, perf $perf_hot"
	[ "$whole" -ge "$perf_whole" ] && pass "callers found in $whole samples (perf: $perf_whole)" \
		|| fail "callers in $whole samples, perf found them in $perf_whole"
	"$PPM_BIN" report -i dw.data >report.txt 2>&1
	grep -Eq '^# Stacks unwound from the samples.* [0-9]+ of [0-9]+ complete' report.txt \
		&& pass "the header says the stacks were unwound: $(grep '^# Stacks unwound' report.txt)" \
		|| fail "no unwinding line in the header: $(head -8 report.txt)"
}

# perf record -g of a program in the kernel (dd moving bytes): the kernel frames are
# named as perf names them, from /proc/kallsyms, or from perf's build-id cache copy.
scenario_perf_kernel() {
	need_perf
	[ "$(awk 'NR == 1 { print $1 }' /proc/kallsyms)" != 0000000000000000 ] \
		|| skip "kernel addresses are hidden here (kptr_restrict)"
	PERF_BUILDID_DIR=$TMP/none perf record -q -g -e cpu-clock -F 2000 -o k.data -- \
		dd if=/dev/zero of=/dev/null bs=512 count=2000000 >/dev/null 2>perr.txt \
		|| skip "perf cannot record here: $(head -1 perr.txt)"
	top() { awk '/\[k\]/ { print $NF; exit }'; }
	ours=$(PERF_BUILDID_DIR=$TMP/none "$PPM_BIN" report -i k.data --no-children -G --sort sym | top)
	theirs=$(PERF_BUILDID_DIR=$TMP/none perf report -i k.data --stdio --no-children -g none --sort sym 2>/dev/null | top)
	[ -n "$ours" ] && [ "$ours" = "$theirs" ] && pass "the top kernel function, from /proc/kallsyms: $ours (perf: $theirs)" \
		|| fail "top kernel function: ours '$ours', perf '$theirs'"
	id=$(perf buildid-list -i k.data 2>/dev/null | awk '$2 == "[kernel.kallsyms]" { print $1 }')
	[ -n "$id" ] || skip "perf noted no build id for the kernel"
	mkdir -p "bid/[kernel.kallsyms]/$id"
	sed "s/ $ours\$/ ${ours}_from_the_cache/" /proc/kallsyms >"bid/[kernel.kallsyms]/$id/kallsyms"
	named=$(PERF_BUILDID_DIR=$TMP/bid "$PPM_BIN" report -i k.data --no-children -G --sort sym | top)
	[ "$named" = "${ours}_from_the_cache" ] && pass "with perf's build-id cache copy of the kernel's symbols: $named" \
		|| fail "the build-id cache copy was not used: $named"
	# a copy that hides its addresses (made by a user who could not see them) is passed over
	sed 's/^[0-9a-f]*/0000000000000000/' /proc/kallsyms >"bid/[kernel.kallsyms]/$id/kallsyms"
	named=$(PERF_BUILDID_DIR=$TMP/bid "$PPM_BIN" report -i k.data --no-children -G --sort sym | top)
	[ "$named" = "$ours" ] && pass "a hidden copy is passed over for /proc/kallsyms: $named" \
		|| fail "with a hidden copy: '$named'"
}

run_scenario "$@"
