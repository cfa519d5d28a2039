#!/bin/bash
# Runs an end-to-end test with a /tmp of its own: a fresh tmpfs in a private mount
# namespace (lib.sh starts this under 'unshare -m' when it may). Every perf map,
# jitdump and file a test's processes write under /tmp goes there and is gone with
# the namespace, so a test never leaves files behind and never deletes anyone
# else's, and a stale /tmp/perf-PID.map of a recycled pid cannot reach a report.
# The source and build trees are bound back in place when they live under /tmp (a
# fresh clone in /tmp/x, say). If any step fails, the test runs with the real /tmp.
#
# Usage: private_tmp.sh SCRIPT [ARGS...]   (with SRC and BUILD set, as ctest does)
script=$1
shift
keep=()
for d in "${SRC:-}" "${BUILD:-}"; do
	[ -n "$d" ] || continue
	d=$(realpath -m "$d")
	case $d in /tmp/*) keep+=("$d") ;; esac
done
private_tmp() {
	old=$(mktemp -d /run/ppm-e2e-tmp.XXXXXX 2>/dev/null) || return 1
	mount --bind /tmp "$old" || { rmdir "$old"; return 1; }
	if ! mount -t tmpfs -o mode=1777,size=50% ppm-e2e-tmp /tmp; then
		umount -l "$old"; rmdir "$old"; return 1
	fi
	for d in "${keep[@]}"; do
		if ! { mkdir -p "$d" && mount --bind "$old/${d#/tmp/}" "$d"; }; then
			umount -l /tmp; umount -l "$old"; rmdir "$old"; return 1
		fi
	done
	umount -l "$old"
	rmdir "$old"
}
if private_tmp; then
	exec env PPM_E2E_PRIVATE_TMP=1 bash "$script" "$@"
fi
exec env PPM_E2E_PRIVATE_TMP=0 bash "$script" "$@"
