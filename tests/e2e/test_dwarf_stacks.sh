#!/bin/bash
# Whole Python + native stacks on interpreters without frame pointers, for every
# CPython built for: --call-graph dwarf, unwound while recording, through the
# trampoline's stubs. At least 95% of the samples in foo carry the whole chain
# py::<module>;py::baz;py::bar;py::foo, native frames below foo are there, and a
# 50-level recursion comes out whole. --call-graph auto (the default, and -g) picks
# what the build supports, forcing fp on a build without frame pointers is warned
# about, perf reads the DWARF-mode file as plain callchains, and report unwinds the
# stacks of perf's own DWARF recording (perf record -- pyperfmap exec -- python)
# through the trampoline's stubs, named by the perf map the trampoline wrote.
# scenarios: chain recursion auto g_flag forced_fp perf_reads perf_dwarf
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"

record_chain() {
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o chain.data -- "$PY" "$PROGS/chain.py" 1.5 >/dev/null 2>err.txt \
		|| fail "$PYVER: record failed: $(cat err.txt)"
	for p in $(pids_of chain.data); do MAPS_MADE+=("$p"); done
}

# whole_in_foo FILE: "whole all": samples in chain.py's foo with its whole Python stack, and all.
whole_in_foo() {
	"$PPM_BIN" report -i "$1" --format folded | awk -v f="$PROGS/chain.py" 'index($0, "py::foo:" f) { a += $NF
		if (index($0, ";py::<module>:" f ";py::baz:" f ";py::bar:" f ";py::foo:" f)) w += $NF } END { print w + 0, a + 0 }'
}

scenario_chain() {
	python_under_test "$@"
	record_chain
	"$PPM_BIN" report -i chain.data --format folded >folded.txt
	f=$PROGS/chain.py
	read -r in_foo whole < <(awk -v f="$f" '
		index($0, "py::foo:" f) { n += $NF
			if (index($0, ";py::<module>:" f ";py::baz:" f ";py::bar:" f ";py::foo:" f)) w += $NF }
		END { print n + 0, w + 0 }' folded.txt)
	pct=$(awk -v a="$whole" -v b="$in_foo" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
	# 1.5 CPU-seconds at 2000 Hz is about 3,000 samples, nearly all in foo.
	awk -v p="$pct" -v n="$in_foo" 'BEGIN { exit !(p >= 95 && n >= 1000) }' \
		&& pass "$PYVER: $pct% of $in_foo samples in foo carry py::<module>;py::baz;py::bar;py::foo" \
		|| fail "$PYVER: only $pct% of $in_foo samples in foo are whole ($(grep -E 'stacks unwound' err.txt))"
	# foo's own work (the eval loop under it) is its self time: stacks end in py::foo
	self=$(awk -v f="$f" '{ line = $0; sub(/ [0-9]+$/, "", line)
		if (substr(line, length(line) - length(";py::foo:" f) + 1) == ";py::foo:" f) n += $NF } END { print n + 0 }' folded.txt)
	awk -v a="$self" -v b="$in_foo" 'BEGIN { exit !(b && a >= b / 2) }' \
		&& pass "$PYVER: py::foo is the leaf (its self time) in $self of $in_foo samples" \
		|| fail "$PYVER: py::foo is the leaf in only $self of $in_foo samples"
	# and under --show-interpreter the native frames below it are there
	native=$("$PPM_BIN" report -i chain.data --format folded --show-interpreter | awk -v f="$f" '{ i = index($0, ";py::foo:" f ";"); if (!i) next
		rest = substr($0, i + length(";py::foo:" f ";")); sub(/ [0-9]+$/, "", rest)
		if (rest ~ /(^|;)[A-Za-z_][A-Za-z0-9_.]*$/) n += $NF } END { print n + 0 }')
	[ "$native" -gt 0 ] && pass "$PYVER: --show-interpreter: native leaf frames below foo in $native samples" || fail "$PYVER: no native frames below foo under --show-interpreter"
	# --show-interpreter keeps the eval loop between Python frames (a stripped
	# interpreter, as Debian's, names it by its file: [python3.X]).
	"$PPM_BIN" report -i chain.data --format folded --show-interpreter |
		grep -Eq "py::bar:$f;([^ ]*_PyEval_EvalFrameDefault|\[(lib)?python3[.0-9]*(\.so[.0-9]*)?\])" \
		&& pass "$PYVER: --show-interpreter keeps the interpreter's frames" || fail "$PYVER: --show-interpreter shows no glue"
}

# 50 levels of Python recursion, whole.
scenario_recursion() {
	python_under_test "$@"
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o rec.data -- "$PY" "$PROGS/recurse.py" 1.5 50 >/dev/null 2>err.txt \
		|| fail "$PYVER: record failed: $(cat err.txt)"
	for p in $(pids_of rec.data); do MAPS_MADE+=("$p"); done
	"$PPM_BIN" report -i rec.data --format folded >rfolded.txt
	read -r in_work whole < <(awk -v f="$PROGS/recurse.py" '
		index($0, "py::work:" f) { n += $NF; c = gsub("py::down:" f, "&")
			if (c == 50 && index($0, ";py::<module>:" f ";py::down:")) w += $NF }
		END { print n + 0, w + 0 }' rfolded.txt)
	pct=$(awk -v a="$whole" -v b="$in_work" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
	awk -v p="$pct" -v n="$in_work" 'BEGIN { exit !(p >= 95 && n >= 1000) }' \
		&& pass "$PYVER: recursion 50 deep: $pct% of $in_work samples carry all 50 levels" \
		|| fail "$PYVER: recursion: $pct% of $in_work whole ($(grep -E 'stacks unwound' err.txt))"
}

# What the build's CFLAGS say (sysconfig): fp when it keeps frame pointers, else dwarf.
build_mode() {
	"$PY" -c 'import sysconfig, sys; f = (sysconfig.get_config_var("CFLAGS") or "").split()
sys.exit(0 if "-fno-omit-frame-pointer" in f and "-fomit-frame-pointer" not in f[f.index("-fno-omit-frame-pointer"):] else 1)' \
		&& echo fp || echo dwarf
}

# --call-graph auto (the default) picks fp where the build keeps frame pointers (its
# CFLAGS say -fno-omit-frame-pointer), dwarf otherwise, and says why; a C program
# built with them gets fp.
scenario_auto() {
	python_under_test "$@"
	"$PPM_BIN" record -o auto.data -- "$PY" -c pass >/dev/null 2>err.txt || fail "record failed: $(cat err.txt)"
	want=$(build_mode)
	grep -q "call graph: $want (" err.txt && pass "$PYVER: auto: $(grep 'call graph' err.txt)" \
		|| fail "$PYVER: auto for a build whose CFLAGS mean $want: $(cat err.txt)"
	"$PPM_BIN" record -o auto.data -- "$HOT_C" 0.05 >/dev/null 2>err.txt
	grep -q "call graph: fp (main in .*hot_c keeps a frame pointer)" err.txt \
		&& pass "auto: $(grep 'call graph' err.txt)" || fail "auto for hot_c: $(cat err.txt)"
}

# -g, perf's habit, means "call graphs": the mode that works, whole Python stacks.
scenario_g_flag() {
	python_under_test "$@"
	"$PPM_BIN" record -g -F 2000 -o g.data -- "$PY" "$PROGS/chain.py" 1.5 >/dev/null 2>err.txt \
		|| fail "$PYVER: record -g failed: $(cat err.txt)"
	for p in $(pids_of g.data); do MAPS_MADE+=("$p"); done
	grep -q "call graph: $(build_mode) (" err.txt || fail "$PYVER: -g did not pick $(build_mode): $(grep 'call graph' err.txt)"
	read -r whole all < <(whole_in_foo g.data)
	[ "$all" -ge 1000 ] && [ $((100 * whole)) -ge $((95 * all)) ] \
		&& pass "$PYVER: record -g: $whole of $all samples in foo carry the whole Python stack" \
		|| fail "$PYVER: record -g: $whole of $all whole"
}

# --call-graph fp is kept when asked for, with one line when the build omits them.
scenario_forced_fp() {
	python_under_test "$@"
	"$PPM_BIN" record --call-graph fp -o fp.data -- "$PY" -c pass >/dev/null 2>err.txt || fail "record failed: $(cat err.txt)"
	if [ "$(build_mode)" = fp ]; then
		! grep -q -- "--call-graph fp:" err.txt && pass "$PYVER: --call-graph fp on a build with frame pointers: no warning" \
			|| fail "$PYVER: warned on a frame-pointer build: $(cat err.txt)"
	else
		[ "$(grep -c -- "^pyperfmap: --call-graph fp: .*stacks stop at the first function without one (-g picks dwarf here)$" err.txt)" = 1 ] \
			&& pass "$PYVER: --call-graph fp on a build without frame pointers: $(grep -- '--call-graph fp' err.txt)" \
			|| fail "$PYVER: no one-line warning: $(cat err.txt)"
	fi
	"$PPM_BIN" report -i fp.data --format folded >/dev/null || fail "$PYVER: the fp recording does not read"
}

scenario_perf_reads() {
	need_perf
	python_under_test "$@"
	record_chain
	perf report -i chain.data --stdio --no-children -g caller >perf.txt 2>perr.txt
	[ ! -s perr.txt ] && grep -q 'py::foo' perf.txt && grep -q 'py::baz' perf.txt \
		&& pass "perf report reads the DWARF-mode file and sees py::baz above py::foo" || fail "perf report: $(head -2 perr.txt)"
}
scenario_perf_dwarf() {
	need_perf
	python_under_test "$@"
	perf record -q --call-graph dwarf -e cpu-clock -F 1000 -o pd.data -- "$PPM_BIN" exec -- "$PY" "$PROGS/chain.py" 1.5 \
		>/dev/null 2>perr.txt || skip "perf cannot record DWARF call graphs here: $(head -1 perr.txt)"
	for p in $(perf script -i pd.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
	read -r whole all < <(whole_in_foo pd.data)
	[ "$all" -ge 1000 ] && [ $((100 * whole)) -ge $((95 * all)) ] \
		&& pass "$PYVER: perf record --call-graph dwarf: report unwinds $whole of $all samples in foo to the whole Python stack" \
		|| fail "$PYVER: perf's DWARF file: $whole of $all samples in foo whole"
}

run_scenario "$@"
