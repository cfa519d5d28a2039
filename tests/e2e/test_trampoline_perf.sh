#!/bin/bash
# perf's own tools read what the trampoline writes: perf record -g of pyperfmap exec,
# then perf script shows py:: frames (samples inside the stubs, 50 kHz for 2 s).
# per-python: 3.8
. "$(dirname "$0")/lib.sh"
need_perf
need_rate 50000
python_under_test "$@"
cd "$TMP"
perf record -q -g -F 50000 -o perf.data -- "$PPM_BIN" exec -- "$PY" "$PROGS/calls.py" 2 >/dev/null 2>perr.txt \
	|| fail "$PYVER: perf record: $(tail -2 perr.txt)"
for p in $(perf script -i perf.data -F pid 2>/dev/null | sort -u); do MAPS_MADE+=("$p"); done
n=$(perf script -i perf.data -F ip,sym 2>/dev/null | grep -c "py::foo:$PROGS/calls.py")
[ "$n" -gt 0 ] && pass "$PYVER: perf script shows py::foo ($n frames)" || fail "$PYVER: perf script shows no py::foo: $(head -2 perr.txt)"
finish
