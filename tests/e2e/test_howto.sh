#!/bin/bash
# The Python docs' perf howto, the howto's way, on every interpreter built for:
# 'record -F 9999 -g', then 'report --stdio -n -g': py::foo is a row of its own time,
# and its call graph reads py::baz -> py::bar -> py::foo (caller order, perf's default
# with children), with no interpreter frame between them.
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
cd "$TMP"
python_under_test "${1:-}"
need_rate 9999
P=$PROGS/py_report.py
"$PPM_BIN" record -F 9999 -g -o h.data -- "$PY" "$P" howto >rec.out 2>&1 || fail "record: $(tail -3 rec.out)"
for p in $(pids_of h.data); do MAPS_MADE+=("$p"); done
"$PPM_BIN" report -i h.data --stdio -n -g >rep.txt 2>rep.err || fail "report: $(cat rep.err)"
f="py::foo:$P"
self=$(awk -v f="$f" '$NF == f { sub("%", "", $2); print $2; exit }' rep.txt)
awk -v s="${self:-0}" 'BEGIN { exit !(s >= 50) }' && pass "Python $PYVER: py::foo has ${self}% self time" || fail "py::foo self ${self:-none}: $(sed -n 8,12p rep.txt)"
# its graph: the lines under py::foo's row, down to the blank line
awk -v f="$f" 'found && /^$/ { exit } found { print } $NF == f && /%/ { found = 1 }' rep.txt | sed 's/^[ |-]*//; s/^[0-9.]*%--//; s/ (.*//' >graph.txt
order=$(grep -E '^py::(baz|bar|foo):' graph.txt | sed 's/^\(py::[a-z]*\):.*/\1/' | tr '\n' ' ')
[ "$order" = "py::baz py::bar py::foo " ] && pass "its graph: py::baz -> py::bar -> py::foo" || fail "graph order '$order': $(cat graph.txt | head -20)"
between=$(awk '/^py::baz:/ { on = 1; next } /^py::foo:/ { on = 0 } on && !/^py::/ { print }' graph.txt)
[ -z "$between" ] && pass "no interpreter frame between them" || fail "between: $between"
finish
