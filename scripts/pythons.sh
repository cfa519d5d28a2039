#!/bin/sh
# The CPython interpreters pyperfmap looks at, one path per line: the one list that
# CMake builds the trampoline from (cmake/Pythons.cmake), and through the build's
# python/interpreters.txt, the tests and the benchmarks use.
#
#   PYPERFMAP_PYTHONS="/opt/py/bin/python3.14 /usr/bin/python3.12"   only these
#   (separated by spaces, ':' or ';'); otherwise, in this order:
#   - pyenv's versions ($PYENV_ROOT, else ~/.pyenv), python3.N of each;
#   - /usr/bin/python3.N and /usr/local/bin/python3.N;
#   - the private CPython roots of scripts/sid-pythons.sh (under $PYPERFMAP_CACHE,
#     default /var/cache/pyperfmap/cpython), e.g. Debian sid's 3.14 and 3.15.
# Versions pyperfmap cannot build for are listed too (CMake says why it skips them, and
# the fail-open test needs one).
#
#   scripts/pythons.sh --built BUILD [VERSION...]
# prints instead the first interpreter the trampoline was built for (BUILD's
# python/interpreters.txt) whose version starts with one of VERSIONs, tried in order
# (e.g. 3.12 3.13), or the first of all without any; exit 1 when there is none.
set -u
if [ "${1:-}" = --built ]; then
	list=${2:?usage: pythons.sh --built BUILD [VERSION...]}/python/interpreters.txt
	shift 2
	[ -s "$list" ] || exit 1
	[ $# -gt 0 ] || set -- ""
	for v in "$@"; do
		p=$(awk -v v="$v" 'v == "" || index($1, v ".") == 1 || $1 == v { print $2; exit }' "$list")
		[ -n "$p" ] && { echo "$p"; exit 0; }
	done
	exit 1
fi
list() {
if [ -n "${PYPERFMAP_PYTHONS:-}" ]; then
	echo "$PYPERFMAP_PYTHONS" | tr ':; ' '\n\n\n' | sed '/^$/d'
	return
fi
for root in "${PYENV_ROOT:-}" "${HOME:-/nonexistent}/.pyenv"; do
	[ -n "$root" ] && [ -d "$root/versions" ] || continue
	for p in "$root"/versions/*/bin/python3.[0-9] "$root"/versions/*/bin/python3.[0-9][0-9]; do
		[ -x "$p" ] && echo "$p"
	done
done
minor=6
while [ $minor -le 20 ]; do
	for dir in /usr/bin /usr/local/bin; do
		[ -x "$dir/python3.$minor" ] && echo "$dir/python3.$minor"
	done
	minor=$((minor + 1))
done
cache=${PYPERFMAP_CACHE:-/var/cache/pyperfmap/cpython}
for p in "$cache"/*/usr/bin/python3.[0-9] "$cache"/*/usr/bin/python3.[0-9][0-9]; do
	[ -x "$p" ] && echo "$p"
done
}
list | awk '!seen[$0]++'
