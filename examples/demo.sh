#!/bin/bash
# 'make demo': record the bundled example with pyperfmap and print the report.
set -euo pipefail
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
PYPERFMAP="$BUILD/pyperfmap"
PY=$(command -v python3)
OUT=$(mktemp -d /tmp/pyperfmap-demo.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# record switches pyperfmap's trampoline on in the Python it starts (PYPERFMAP=1), so
# Python functions have names in the report on any CPython 3.8-3.13.
echo "demo: $PYPERFMAP record -F 4000 -o perf.data -- $PY examples/demo.py" >&2
"$PYPERFMAP" record -F 4000 -o "$OUT/perf.data" -- "$PY" "$HERE/demo.py"
echo "demo: $PYPERFMAP report --no-children" >&2
# Into a file first: a reader that stops early (head) must not make the demo fail.
"$PYPERFMAP" report -i "$OUT/perf.data" --no-children >"$OUT/report.txt"
head -30 "$OUT/report.txt"
echo "demo: the Python functions, each with its callees (report --children):" >&2
"$PYPERFMAP" report -i "$OUT/perf.data" --children -G >"$OUT/children.txt"
grep 'py::' "$OUT/children.txt" | head -10 || true
