#!/bin/bash
# Whole Python + native stacks on interpreters without frame pointers, for every
# CPython built for: --call-graph dwarf, unwound while recording, through the
# trampoline's stubs. At least 95% of the samples in foo carry the whole chain
# py::<module>;py::baz;py::bar;py::foo, native frames below foo are there, and a
# 50-level recursion comes out whole.
. "$(dirname "$0")/lib.sh"
need_interpreters
cd "$TMP"

while read -r ver py; do
	[ -x "$py" ] || continue
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o chain.data -- "$py" "$PROGS/chain.py" 1.5 >/dev/null 2>err.txt \
		|| { fail "$ver: record failed: $(cat err.txt)"; continue; }
	"$PPM_BIN" report -i chain.data --format folded >folded.txt
	f=$PROGS/chain.py
	read -r in_foo whole < <(awk -v f="$f" '
		index($0, "py::foo:" f) { n += $NF
			if (index($0, ";py::<module>:" f ";py::baz:" f ";py::bar:" f ";py::foo:" f)) w += $NF }
		END { print n + 0, w + 0 }' folded.txt)
	pct=$(awk -v a="$whole" -v b="$in_foo" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
	awk -v p="$pct" -v n="$in_foo" 'BEGIN { exit !(p >= 95 && n >= 500) }' \
		&& pass "$ver: $pct% of $in_foo samples in foo carry py::<module>;py::baz;py::bar;py::foo" \
		|| fail "$ver: only $pct% of $in_foo samples in foo are whole ($(grep -E 'stacks unwound' err.txt))"
	native=$(awk -v f="$f" '{ i = index($0, ";py::foo:" f ";"); if (!i) next
		rest = substr($0, i + length(";py::foo:" f ";")); sub(/ [0-9]+$/, "", rest)
		if (rest ~ /(^|;)[A-Za-z_][A-Za-z0-9_.]*$/) n += $NF } END { print n + 0 }' folded.txt)
	[ "$native" -gt 0 ] && pass "$ver: native leaf frames below foo in $native samples" || fail "$ver: no native frames below foo"
	# 50 levels of Python recursion, whole.
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o rec.data -- "$py" "$PROGS/recurse.py" 1.5 50 >/dev/null 2>err.txt
	"$PPM_BIN" report -i rec.data --format folded >rfolded.txt
	read -r in_work whole < <(awk -v f="$PROGS/recurse.py" '
		index($0, "py::work:" f) { n += $NF; c = gsub("py::down:" f, "&")
			if (c == 50 && index($0, ";py::<module>:" f ";py::down:")) w += $NF }
		END { print n + 0, w + 0 }' rfolded.txt)
	pct=$(awk -v a="$whole" -v b="$in_work" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
	awk -v p="$pct" -v n="$in_work" 'BEGIN { exit !(p >= 95 && n >= 500) }' \
		&& pass "$ver: recursion 50 deep: $pct% of $in_work samples carry all 50 levels" \
		|| fail "$ver: recursion: $pct% of $in_work whole ($(grep -E 'stacks unwound' err.txt))"
	# --show-interpreter keeps the eval loop between Python frames.
	"$PPM_BIN" report -i chain.data --format folded --show-interpreter | grep -q "py::bar:$f;[^ ]*_PyEval_EvalFrameDefault" \
		&& pass "$ver: --show-interpreter keeps the interpreter's frames" || fail "$ver: --show-interpreter shows no glue"
	for p in $("$PPM_BIN" report -i chain.data --sort pid --no-children -G | awk '!/^#/ && NF { print $3 }') \
		 $("$PPM_BIN" report -i rec.data --sort pid --no-children -G | awk '!/^#/ && NF { print $3 }'); do
		MAPS_MADE+=("$p")
	done
done < <(interpreters)

# --call-graph auto (the default) reads the eval loop's prologue: these builds keep no
# frame pointers, so it picks dwarf and says why; a C program built with them gets fp.
read -r ver py < <(interpreters | head -1)
"$PPM_BIN" record -o auto.data -- "$py" -c pass >/dev/null 2>err.txt
grep -q "call graph: dwarf (_PyEval_EvalFrameDefault in .* does not keep a frame pointer)" err.txt \
	&& pass "auto: $(grep 'call graph' err.txt)" || fail "auto for $py: $(cat err.txt)"
"$PPM_BIN" record -o auto.data -- "$HOT_C" 0.05 >/dev/null 2>err.txt
grep -q "call graph: fp (main in .*hot_c keeps a frame pointer)" err.txt \
	&& pass "auto: $(grep 'call graph' err.txt)" || fail "auto for hot_c: $(cat err.txt)"

# perf reads a DWARF-mode file as it is: plain callchains.
if command -v perf >/dev/null; then
	perf report -i chain.data --stdio --no-children -g caller >perf.txt 2>perr.txt
	[ ! -s perr.txt ] && grep -q 'py::foo' perf.txt && grep -q 'py::baz' perf.txt \
		&& pass "perf report reads the DWARF-mode file and sees py::baz above py::foo" || fail "perf report: $(head -2 perr.txt)"
fi
finish
