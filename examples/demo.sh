#!/bin/bash
# 'make demo': record the bundled example with pyperfmap and print the report.
set -euo pipefail
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
PYPERFMAP="$BUILD/pyperfmap"

# Python frames need a perf trampoline in the interpreter: CPython 3.12+'s own -X perf
# here. Older interpreters still give native and kernel frames.
PY="" XPERF=""
for v in 3.13 3.12; do
	for p in /root/.pyenv/versions/$v.*/bin/python$v "$(command -v python$v 2>/dev/null || true)"; do
		if [ -n "$p" ] && [ -x "$p" ]; then PY=$p; XPERF="-X perf"; break 2; fi
	done
done
if [ -z "$PY" ]; then
	PY=$(command -v python3)
	echo "demo: $($PY --version) has no -X perf: Python functions show as interpreter frames" >&2
fi
OUT=$(mktemp -d /tmp/pyperfmap-demo.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
echo "demo: $PYPERFMAP record -F 4000 -o $OUT/perf.data -- $PY $XPERF examples/demo.py" >&2
# shellcheck disable=SC2086
"$PYPERFMAP" record -F 4000 -o "$OUT/perf.data" -- "$PY" $XPERF "$HERE/demo.py"
echo "demo: $PYPERFMAP report -i $OUT/perf.data --no-children --percent-limit 2" >&2
"$PYPERFMAP" report -i "$OUT/perf.data" --no-children | head -40
echo "demo: Python functions seen (samples taken inside their trampolines):" >&2
"$PYPERFMAP" report -i "$OUT/perf.data" --no-children -G | grep 'py::' | head -10 || true
