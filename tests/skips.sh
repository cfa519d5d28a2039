#!/bin/sh
# Prints each skipped test of the last ctest run with its reason (ctest itself lists
# skipped tests by name only): the "SKIP: why" line a test printed.
# Usage: tests/skips.sh BUILD_DIR
log=${1:?usage: tests/skips.sh BUILD_DIR}/Testing/Temporary/LastTest.log
[ -f "$log" ] || exit 0
awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
     /^SKIP: / { sub(/^SKIP: /, ""); printf "  %-50s %s\n", name, $0; n++ }
     END { if (n) printf "%d test(s) skipped, with the reason each gave above.\n", n }' "$log" |
	awk 'NR == 1 && !/skipped, with/ { print "Skipped tests:" } { print }'
