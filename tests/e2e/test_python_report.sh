#!/bin/bash
# The report speaks Python: a function is one row whichever process ran it (its
# object is [python], so the default sort and --sort sym both join two workers' rows,
# --sort pid keeps them apart); a Python function holds the interpreter time beneath
# it as its self time while C extensions stay frames of their own (--show-interpreter
# gives the interpreter's frames back), in the text, folded stacks and annotate; perf
# report's flags (-n, --hierarchy, --percent-limit, --comms, --pid, --dsos, --symbols,
# -g caller|callee), perf's other options said to be perf's; a stripped binary named
# in the header with where its names are; a relative co_filename named absolutely.
# scenarios: one_row self_time perf_flags stripped relative_path
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PY=$(find_python 3.12 3.13 3.11 "") || skip "the trampoline was built for no CPython"
P=$PROGS/py_report.py

rec() { # rec NAME MODE [record options]: NAME.data, once
	local name=$1 mode=$2
	shift 2
	[ -f "$name.data" ] && return
	"$PPM_BIN" record -q "$@" -o "$name.data" -- "$PY" "$P" "$mode" >"$name.rec" 2>&1 || fail "record $mode: $(tail -2 "$name.rec")"
	for p in $(pids_of "$name.data"); do MAPS_MADE+=("$p"); done
}
# rows of a text report whose symbol is exactly $2 (the last field)
rows_of() { grep -cE "\] $2\$" "$1"; }

scenario_one_row() {
	rec w workers
	local f="py::cpu_view:$P"
	"$PPM_BIN" report -i w.data --no-children -G >def.txt 2>&1
	"$PPM_BIN" report -i w.data --no-children -G --sort sym >sym.txt 2>&1
	"$PPM_BIN" report -i w.data --no-children -G --sort pid,sym >pid.txt 2>&1
	[ "$(rows_of def.txt "$f")" = 1 ] && pass "default sort: one row for $f, of two workers ($(grep -F "] $f" def.txt | awk '{ print $1, $4 }'))" \
		|| fail "default sort: $(grep -F "$f" def.txt)"
	grep -F "] $f" def.txt | grep -q '\[python\]' && pass "its object is [python]" || fail "object: $(grep -F "$f" def.txt)"
	[ "$(rows_of sym.txt "$f")" = 1 ] && pass "--sort sym: one row" || fail "--sort sym: $(grep -F "$f" sym.txt)"
	[ "$(rows_of pid.txt "$f")" = 2 ] && pass "--sort pid,sym: a row per worker" || fail "--sort pid,sym: $(grep -F "$f" pid.txt)"
	# the machine formats: one entry of that name
	"$PPM_BIN" report -i w.data -F json -o w.json 2>/dev/null
	python3 - w.json "$f" <<'PYEOF' && pass "JSON: one row, holding both workers' samples" || fail "JSON rows of $f"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["symbol"] == sys.argv[2]]
sys.exit(0 if len(rows) == 1 else 1)
PYEOF
	"$PPM_BIN" report -i w.data -F folded >w.folded 2>/dev/null
	local stacks
	stacks=$(grep -F ";$f" w.folded | sed 's/ [0-9]*$//' | sed "s/;$(printf '%s' "$f" | sed 's/[][\\.*^$/]/\\&/g').*//" | sort -u | wc -l)
	[ "$stacks" -ge 1 ] && pass "folded: the workers' stacks down to it read alike ($stacks distinct)" || fail "folded: $(grep -c cpu_view w.folded)"
}

scenario_self_time() {
	rec h howto -g
	"$PPM_BIN" report -i h.data --no-children -G >self.txt 2>&1
	local top self
	top=$(awk '/^ +[0-9.]+%/ { print $NF; exit }' self.txt)
	self=$(awk -v f="py::foo:$P" '$NF == f { sub("%", "", $1); print $1; exit }' self.txt)
	[ "$top" = "py::foo:$P" ] && awk -v s="$self" 'BEGIN { exit !(s >= 50) }' \
		&& pass "--no-children: py::foo is the top row, $self% self" || fail "top row $top, py::foo self $self%: $(sed -n 8,12p self.txt)"
	"$PPM_BIN" report -i h.data --no-children -G --show-interpreter >interp.txt 2>&1
	local fself
	fself=$(awk -v f="py::foo:$P" '$NF == f { sub("%", "", $1); print $1; exit }' interp.txt)
	grep -qE 'libpython|python3' <(awk '/^ +[0-9.]+%/ { print; exit }' interp.txt) && awk -v s="${fself:-0}" 'BEGIN { exit !(s < 5) }' \
		&& pass "--show-interpreter: the interpreter's frames hold the time again (py::foo ${fself:-0}% self)" \
		|| fail "--show-interpreter: $(sed -n 8,10p interp.txt)"
	"$PPM_BIN" report -i h.data -F folded >h.folded 2>/dev/null
	local leaf_foo all
	leaf_foo=$(awk -v f="py::foo:$P" '{ n = split($1, a, ";"); if (a[n] == f) s += $NF } END { print s + 0 }' h.folded)
	all=$(awk '{ s += $NF } END { print s }' h.folded)
	awk -v a="$leaf_foo" -v b="$all" 'BEGIN { exit !(a * 2 >= b) }' && pass "folded stacks end in py::foo ($leaf_foo of $all samples)" \
		|| fail "folded: py::foo is the leaf of $leaf_foo of $all samples"
	"$PPM_BIN" annotate -i h.data "py::foo" >ann.txt 2>&1
	local own samples
	own=$(sed -n 's/.*its own (innermost Python frame): *\([0-9]*\).*/\1/p' ann.txt | head -1)
	samples=$(awk -v f="py::foo:$P" '$NF == f { print $2; exit }' self.txt)
	[ -n "$own" ] && [ "$own" = "$samples" ] && pass "annotate py::foo: its own samples ($own) are report's self samples" \
		|| fail "annotate's own $own, report's $samples: $(head -8 ann.txt)"
	# a C extension's time is its own
	rec n native -g
	"$PPM_BIN" report -i n.data --no-children -G >nat.txt 2>&1
	local z p
	z=$(awk '$4 ~ /libz/ { sub("%", "", $1); s += $1 } END { print s + 0 }' nat.txt)
	p=$(awk -v f="py::in_python:$P" '$NF == f { sub("%", "", $1); print $1; exit }' nat.txt)
	awk -v z="$z" -v p="${p:-0}" 'BEGIN { exit !(z >= 20 && p >= 20) }' \
		&& pass "zlib's C code keeps its own rows ($z%), py::in_python its own time (${p:-0}%)" \
		|| fail "libz $z%, py::in_python ${p:-0}%: $(sed -n 8,14p nat.txt)"
	grep -F "] py::in_zlib:$P" nat.txt | awk '{ sub("%", "", $1); exit !($1 < 10) }' \
		&& pass "py::in_zlib's self time is not zlib's" || fail "py::in_zlib: $(grep -F in_zlib nat.txt)"
}

scenario_perf_flags() {
	rec h howto -g
	local f="py::foo:$P"
	"$PPM_BIN" report -i h.data --stdio -n >n.txt 2>&1 && grep -q 'Samples' n.txt && pass "-n: accepted, the Samples column" || fail "-n: $(head -3 n.txt)"
	# --hierarchy: command, then [python], then the function, nested
	"$PPM_BIN" report -i h.data --stdio --hierarchy >hier.txt 2>&1
	awk -v f="$f" '
		/^  +[0-9.]+%/ { ind = match($0, /[0-9]/) }
		/^  +[0-9.]+% +[0-9]+ +python/ { c = ind }
		/\[python\]$/ { d = ind }
		$NF == f { s = ind }
		END { exit !(c && d > c && s > d) }' hier.txt && pass "--hierarchy: command > [python] > $f, each deeper" \
		|| fail "--hierarchy: $(sed -n 8,14p hier.txt)"
	"$PPM_BIN" report -i h.data --no-children -G --percent-limit 5 >pl.txt 2>&1
	awk '/^ +[0-9.]+%/ { sub("%", "", $1); if ($1 + 0 < 5) bad++ ; n++ } END { exit !(n >= 1 && !bad) }' pl.txt \
		&& pass "--percent-limit 5: $(grep -cE '^ +[0-9.]+%' pl.txt) rows, none under 5%" || fail "--percent-limit: $(sed -n 8,20p pl.txt)"
	"$PPM_BIN" report -i h.data --no-children -G --dsos '[python]' >dso.txt 2>&1
	awk '/^ +[0-9.]+%/ && $4 != "[python]" { bad++ } /^ +[0-9.]+%/ { n++ } END { exit !(n >= 1 && !bad) }' dso.txt \
		&& pass "--dsos [python]: only Python rows" || fail "--dsos: $(sed -n 8,14p dso.txt)"
	"$PPM_BIN" report -i h.data --no-children -G --symbols py::foo >symf.txt 2>&1
	[ "$(grep -cE '^ +[0-9.]+%' symf.txt)" = 1 ] && grep -qF "] $f" symf.txt && pass "--symbols py::foo: its row only" || fail "--symbols: $(sed -n 8,12p symf.txt)"
	# a C program beside the Python one: --comms and --pid pick one, shares stay absolute
	if [ ! -f two.data ]; then
		"$PPM_BIN" record -q -o two.data -- sh -c "'$HOT_C' 1 & '$PY' '$P' howto; wait" >two.rec 2>&1 || fail "record two: $(cat two.rec)"
		for p in $(pids_of two.data); do MAPS_MADE+=("$p"); done
	fi
	local hot
	hot=$(basename "$HOT_C")
	"$PPM_BIN" report -i two.data --no-children -G --comms "$hot" >comm.txt 2>&1
	awk -v c="$hot" '/^ +[0-9.]+%/ { n++; if ($3 != c) bad++; sub("%", "", $1); s += $1 } END { exit !(n >= 1 && !bad && s < 90) }' comm.txt \
		&& pass "--comms $hot: its rows only, shares of the whole profile ($(awk '/^ +[0-9.]+%/ { sub("%", "", $1); s += $1 } END { print s }' comm.txt)%)" \
		|| fail "--comms: $(sed -n 8,14p comm.txt)"
	local pypid
	pypid=$("$PPM_BIN" report -i two.data --no-children -G --sort pid,sym 2>/dev/null | awk -v f="$f" '$NF == f { print $3; exit }')
	"$PPM_BIN" report -i two.data --no-children -G --pid "$pypid" >pidf.txt 2>&1
	grep -qF "$f" pidf.txt && ! grep -q "$hot" pidf.txt && pass "--pid $pypid: the Python process only" || fail "--pid: $(sed -n 8,14p pidf.txt)"
	# -g caller (the default with children) and callee
	"$PPM_BIN" report -i h.data --stdio -g caller --symbols py::foo >caller.txt 2>&1
	"$PPM_BIN" report -i h.data --stdio --no-children -g callee --symbols py::foo >callee.txt 2>&1
	local first_caller first_callee
	first_caller=$(grep -m1 -- '---' caller.txt | sed 's/.*---//')
	first_callee=$(grep -m1 -- '---' callee.txt | sed 's/.*---//')
	[ "$first_callee" = "$f" ] && [ -n "$first_caller" ] && [ "$first_caller" != "$f" ] \
		&& pass "-g callee starts at the row ($first_callee), -g caller at its outermost caller ($first_caller)" \
		|| fail "-g: caller starts '$first_caller', callee '$first_callee'"
	"$PPM_BIN" report -i h.data --stdio -g graph,0.5,callee --symbols py::foo >g3.txt 2>&1 && cmp -s g3.txt <("$PPM_BIN" report -i h.data --stdio -g callee --symbols py::foo 2>&1) \
		&& pass "perf's -g graph,0.5,callee form" || fail "-g graph,0.5,callee: $(head -3 g3.txt)"
	local out rc
	out=$("$PPM_BIN" report -i h.data --tui 2>&1); rc=$?
	[ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "option of perf report that pyperfmap report does not support" \
		&& pass "perf's --tui: $out" || fail "--tui: rc $rc: $out"
	out=$("$PPM_BIN" report -i h.data --no-such-thing 2>&1); rc=$?
	[ $rc = 2 ] && echo "$out" | grep -q "unknown option" && pass "an option nobody has: $out" || fail "unknown: rc $rc: $out"
}

scenario_stripped() {
	cp "$HOT_C" hot_stripped && strip hot_stripped || skip "cannot strip a copy of hot_c"
	readelf -S hot_stripped | grep -q '\.symtab' && skip "strip left .symtab"
	"$PPM_BIN" record -q -o s.data -- ./hot_stripped 1 >s.rec 2>&1 || fail "record: $(cat s.rec)"
	"$PPM_BIN" report -i s.data --no-children -G >s.txt 2>&1
	grep -q "^# hot_stripped is stripped (no symbol table, no debug file under /usr/lib/debug/.build-id).*its -dbgsym package" s.txt \
		&& pass "the header names the stripped binary: $(grep -m1 'is stripped' s.txt | cut -c1-110)..." || fail "no stripped note: $(sed -n 1,9p s.txt)"
	[ "$(grep -c 'is stripped' s.txt)" = 1 ] && pass "once" || fail "said $(grep -c 'is stripped' s.txt) times"
	"$PPM_BIN" record -q -o u.data -- "$HOT_C" 1 >u.rec 2>&1
	"$PPM_BIN" report -i u.data --no-children -G 2>&1 | grep -q 'is stripped' && fail "an unstripped binary said stripped" || pass "nothing said of an unstripped one"
	# Debian's interpreter, stripped, without its debug file here: the package named
	local deb
	deb=$(interpreters | awk '$2 ~ /^\/usr\/bin\/python3\.[0-9]+$/ { print $2; exit }')
	if [ -n "$deb" ] && ! readelf -S "$deb" | grep -q '\.symtab'; then
		"$PPM_BIN" record -q -o d.data -- "$deb" "$P" howto >d.rec 2>&1
		for p in $(pids_of d.data); do MAPS_MADE+=("$p"); done
		"$PPM_BIN" report -i d.data --show-interpreter --no-children -G >d.txt 2>&1
		local v=${deb##*/}
		if grep -q "^# $v is stripped" d.txt; then
			grep -q "^# $v is stripped.*($v-dbg)" d.txt && pass "Debian's $v: $(grep -m1 'is stripped' d.txt | sed 's/.*; //')" || fail "package: $(grep 'is stripped' d.txt)"
		else
			echo "note: $v's debug file is installed here, or its frames all have names: $(sed -n 5p d.txt)"
		fi
	fi
}

scenario_relative_path() {
	mkdir -p rel && cp "$P" rel/relmain.py
	local line ver py any=0
	while read -r ver py; do
		[ -x "$py" ] || continue
		(cd rel && "$PPM_BIN" record -q -o "$TMP/rel-$ver.data" -- "$py" relmain.py howto) >rel.rec 2>&1 || { fail "record $ver: $(tail -2 rel.rec)"; continue; }
		for p in $(pids_of "rel-$ver.data"); do MAPS_MADE+=("$p"); done
		"$PPM_BIN" report -i "rel-$ver.data" --no-children -G >"rel-$ver.txt" 2>&1
		if grep -qF "] py::foo:$TMP/rel/relmain.py" "rel-$ver.txt"; then
			any=$((any + 1))
		else
			fail "Python $ver: $(grep -m1 'py::foo' "rel-$ver.txt")"
		fi
	done < <(interpreters)
	[ $any -gt 0 ] && pass "'python relmain.py' in its folder: py::foo:$TMP/rel/relmain.py on all $any interpreters" || fail "no interpreter named it"
}

run_scenario "$@"
