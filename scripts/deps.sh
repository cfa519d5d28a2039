#!/bin/sh
# Install what pyperfmap needs from Debian packages, only when something is missing.
# Usage: scripts/deps.sh [build|test]   ("test" adds the tools the test suite uses)
#
# The test suite also checks the flame graph page in a real browser and the speedscope
# file against speedscope's own schema: Debian's chromium, and from the npm registry the
# versions pinned in tests/js/package-lock.json (playwright-core, speedscope, ajv),
# installed into tests/js/node_modules with 'npm ci'.
set -eu
want="cmake make gcc pkg-config libpfm4-dev libelf-dev libcapstone-dev python3 python3-dev libdw-dev"
want="$want protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libncurses-dev"
if [ "${1:-build}" = test ]; then
	want="$want libcmocka-dev linux-perf binutils time libpython3.11-testsuite tmux"
	want="$want chromium golang-go"
	# Node.js may come from elsewhere (NodeSource); Debian's only when there is none.
	command -v node >/dev/null 2>&1 || want="$want nodejs"
	command -v npm >/dev/null 2>&1 || want="$want npm"
fi
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "pyperfmap: missing Debian packages:$missing (run 'sudo $0 ${1:-build}')" >&2
		exit 1
	fi
	echo "pyperfmap: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "${1:-build}" = test ]; then
	# CPython 3.14 and 3.15, which Debian 12 lacks, from sid into private roots. If
	# the archive cannot be reached the tests of those versions skip, saying why:
	# the reason is kept beside the roots, where cmake/Pythons.cmake reads it.
	cache=${PYPERFMAP_CACHE:-/var/cache/pyperfmap/cpython}
	if [ "$(id -u)" = 0 ] || [ -w "$(dirname "$cache")" ]; then
		why=$(sh "$(dirname "$0")/sid-pythons.sh" 2>&1 >/dev/null) && rc=0 || rc=$?
		for v in 3.14 3.15; do
			if [ -f "$cache/$v/.pyperfmap-sid" ]; then
				rm -f "$cache/$v.unavailable"
			elif [ $rc -ne 0 ]; then
				mkdir -p "$cache" && printf '%s\n' "${why:-scripts/sid-pythons.sh failed (exit $rc)}" | tail -1 >"$cache/$v.unavailable"
				echo "pyperfmap: CPython $v not provided, its tests will skip: $(cat "$cache/$v.unavailable")" >&2
			fi
		done
	fi
	js="$(dirname "$0")/../tests/js"
	# Reinstalled when the lock file is newer than what npm last installed.
	if [ ! -f "$js/node_modules/.package-lock.json" ] ||
	   [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
		echo "pyperfmap: installing the browser test packages (npm ci in tests/js)" >&2
		(cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
fi
exit 0
