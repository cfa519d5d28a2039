#!/bin/sh
# Install what pyperfmap needs from Debian packages, only when something is missing.
# Usage: scripts/deps.sh [build|test]   ("test" adds the tools the test suite uses)
set -eu
want="cmake make gcc pkg-config libpfm4-dev libelf-dev libcapstone-dev python3 python3-dev libdw-dev"
if [ "${1:-build}" = test ]; then
	want="$want libcmocka-dev linux-perf binutils time libpython3.11-testsuite"
fi
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "pyperfmap: missing Debian packages:$missing (run 'sudo $0 ${1:-build}')" >&2
	exit 1
fi
echo "pyperfmap: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
