#!/bin/sh
# CPython 3.14 and 3.15 from Debian's sid suite, each in a private root, never installed
# over the system: for building and testing the trampoline against versions bookworm
# does not ship.
# Usage: scripts/sid-pythons.sh [3.14] [3.15]      (default: both)
#
# For each version, sid's python3.X packages (interpreter, stdlib, headers, testsuite)
# and the runtime libraries they link are fetched with 'apt-get download' through a
# private apt state (its own sources list, lists and caches: the system's apt is not
# touched), unpacked with 'dpkg-deb -x' into CACHE/X.Y, and the interpreter is patched
# in place to run on the root's own loader and libraries (patchelf).
#
#   CACHE = $PYPERFMAP_CACHE, else /var/cache/pyperfmap/cpython (outside any clone, so
#           fresh clones reuse it).
#
# A root is unpacked into a temporary directory, checked, then renamed into place, so
# an interrupted run leaves nothing that looks complete; a complete root is reused
# without touching the network. Delete CACHE/X.Y to fetch that version again.
#
# On success prints one line per interpreter on stdout: "VERSION PATH", e.g.
#   3.14.2 /var/cache/pyperfmap/cpython/3.14/usr/bin/python3.14
# Exit status:
#   0  every requested version is there
#   1  any other failure (disk, patchelf, an unpacked interpreter that does not run)
#   2  usage
#   3  the archive is unreachable (network): tests SKIP with the stderr line
#   4  the archive answered but its Release file does not verify against
#      /usr/share/keyrings/debian-archive-keyring.gpg
#   5  a requested version (or one of its packages) is not in sid; the versions that
#      are still get their line on stdout
# Diagnostics go to stderr, one line each, prefixed "sid-pythons:".
#
# PYPERFMAP_SID_MIRROR overrides the archive (default http://deb.debian.org/debian),
# PYPERFMAP_SID_KEYRING the keyring its Release file must verify against.
set -eu

MIRROR=${PYPERFMAP_SID_MIRROR:-http://deb.debian.org/debian}
KEYRING=${PYPERFMAP_SID_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
CACHE=${PYPERFMAP_CACHE:-/var/cache/pyperfmap/cpython}
ARCH=amd64
TRIPLET=x86_64-linux-gnu
# What the interpreter, libpython and the extension modules (lib-dynload) link, by
# package name in sid (t64: the 2024 64-bit time_t transition renamed several); libgcc-s1
# also for pthread_cancel, which loads libgcc_s. Checked after unpacking: every NEEDED
# library of every ELF file in the root must be found inside the root.
RUNTIME_LIBS="libc6 libgcc-s1 libexpat1 zlib1g libffi8 libssl3t64 libzstd1 liblzma5
libbz2-1.0 libsqlite3-0 libuuid1 libncursesw6 libtinfo6 libreadline8t64 libdb5.3t64"

say() { echo "sid-pythons: $*" >&2; }
die() { status=$1; shift; say "$*"; exit "$status"; }

versions=${*:-3.14 3.15}
for v in $versions; do
	case $v in
	3.[0-9] | 3.[0-9][0-9]) ;;
	*) die 2 "not a Python version: '$v' (usage: $0 [3.14] [3.15])" ;;
	esac
done

# A complete root: its stamp file is written last, before the rename.
root_of() { echo "$CACHE/$1"; }
stamp_of() { echo "$CACHE/$1/.pyperfmap-sid"; }
print_done() { echo "$(sed -n 's/^version //p' "$(stamp_of "$1")") $(root_of "$1")/usr/bin/python$1"; }

todo=""
for v in $versions; do
	[ -f "$(stamp_of "$v")" ] || todo="$todo $v"
done
if [ -z "$todo" ]; then
	for v in $versions; do print_done "$v"; done
	exit 0
fi

mkdir -p "$CACHE" 2>/dev/null || die 1 "cannot create '$CACHE' (run as root, or set PYPERFMAP_CACHE)"
[ -w "$CACHE" ] || die 1 "cannot write '$CACHE' (run as root, or set PYPERFMAP_CACHE)"
if ! command -v patchelf >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die 1 "patchelf is missing (run 'sudo apt-get install patchelf')"
	say "installing patchelf"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patchelf >/dev/null ||
		die 1 "cannot install patchelf with apt-get"
fi

# One run at a time per cache; a second one waits, then finds the roots done.
exec 9>"$CACHE/.lock"
flock 9
# What an interrupted run left (under the lock, nobody else's).
rm -rf "$CACHE"/.debs.* "$CACHE"/.3.*
todo=""
for v in $versions; do
	[ -f "$(stamp_of "$v")" ] || todo="$todo $v"
done

# The private apt state: nothing of the system's sources, lists, caches or pins.
APTDIR=$CACHE/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/etc"
echo "deb [arch=$ARCH signed-by=$KEYRING] $MIRROR sid main" >"$APTDIR/etc/sources.list"
APT_OPTS="-o Dir::Etc::SourceList=$APTDIR/etc/sources.list -o Dir::Etc::SourceParts=/dev/null
-o Dir::State::Lists=$APTDIR/lists -o Dir::Cache=$APTDIR/cache
-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
-o Dir::State::status=/dev/null -o APT::Architecture=$ARCH -o APT::Architectures=$ARCH
-o Acquire::Languages=none -o Acquire::Retries=1 -o Acquire::http::Timeout=20
-o APT::Sandbox::User=root -o Debug::NoLocking=1"
apt_() {
	# shellcheck disable=SC2086
	apt-get $APT_OPTS "$@"
}
cache_() {
	# shellcheck disable=SC2086
	apt-cache $APT_OPTS "$@"
}

say "reading sid's package lists from $MIRROR"
log=$APTDIR/update.log
apt_ update >"$log" 2>&1 || true
if ! ls "$APTDIR/lists/"*_dists_sid_InRelease >/dev/null 2>&1 ||
   grep -qE '^(E:|W:).*(NO_PUBKEY|not signed|EXPKEYSIG|BADSIG|is not valid yet|invalid signature|The following signatures)' "$log"; then
	if grep -qE 'NO_PUBKEY|not signed|EXPKEYSIG|BADSIG|signature' "$log"; then
		die 4 "sid's Release file does not verify against $KEYRING ($(grep -m1 -E 'NO_PUBKEY|signature' "$log" | cut -c1-160))"
	fi
	why=$(grep -m1 -A1 '^Err:' "$log" | tail -1 | sed 's/^ *//')
	die 3 "archive unreachable: $MIRROR sid (${why:-$(grep -m1 -E '^(E|W):' "$log" | cut -c1-160)})"
fi

# Packages of one version, as sid names them today.
packages_of() {
	echo "python$1 python$1-minimal libpython$1 libpython$1-minimal libpython$1-stdlib" \
	     "libpython$1-dev python$1-dev libpython$1-testsuite"
}
# "NAME CANDIDATE" for every package of the versions to do, read once (each apt-cache
# call parses sid's whole package list, about a second).
all=$RUNTIME_LIBS
for v in $todo; do all="$all $(packages_of "$v")"; done
# shellcheck disable=SC2086
candidates=$(cache_ policy $all 2>/dev/null | awk '/^[^ ]/ { sub(/:$/, ""); n = $0 } /^ +Candidate:/ { print n, $2 }')
candidate() { echo "$candidates" | awk -v p="$1" '$1 == p && $2 != "(none)" { print $2 }'; }

rc=0
dl=$(mktemp -d "$CACHE/.debs.XXXXXX")
tmp=""
trap 'rm -rf "$dl" ${tmp:+"$tmp"}' EXIT
trap 'exit 130' INT TERM

for v in $todo; do
	missing=""
	for p in $(packages_of "$v"); do
		[ -n "$(candidate "$p")" ] || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "Python $v is not in sid (missing:$missing)"
		rc=5
		continue
	fi
	libs=""
	for p in $RUNTIME_LIBS; do
		if [ -n "$(candidate "$p")" ]; then libs="$libs $p"; else say "note: $p is not in sid, skipped"; fi
	done
	say "downloading Python $v ($(candidate "python$v")) and its runtime libraries"
	rm -f "$dl"/*.deb
	# shellcheck disable=SC2046,SC2086
	if ! (cd "$dl" && apt_ download $(packages_of "$v") $libs >"$dl/download.log" 2>&1); then
		if grep -qE 'Could not (resolve|connect)|Failed to fetch|timed out|Temporary failure' "$dl/download.log"; then
			die 3 "archive unreachable while downloading Python $v ($(grep -m1 -E '^(E|W|Err):' "$dl/download.log" | cut -c1-160))"
		fi
		die 1 "apt-get download failed for Python $v ($(grep -m1 '^E:' "$dl/download.log" | cut -c1-160))"
	fi

	tmp=$(mktemp -d "$CACHE/.$v.XXXXXX")
	chmod 755 "$tmp"
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$tmp" || die 1 "cannot unpack $(basename "$deb")"
	done
	libdir=$tmp/usr/lib/$TRIPLET
	py=$tmp/usr/bin/python$v
	if [ ! -x "$py" ] || [ ! -e "$libdir/ld-linux-x86-64.so.2" ]; then
		die 1 "unpacked Python $v has no interpreter or loader"
	fi

	# Debian's pyconfig.h is a wrapper that includes <TRIPLET/python3.X/pyconfig.h>
	# from the system include path, where this root's is not: the real one in its place.
	real_cfg=$tmp/usr/include/$TRIPLET/python$v/pyconfig.h
	[ -f "$real_cfg" ] && cp "$real_cfg" "$tmp/usr/include/python$v/pyconfig.h"

	# Every library the interpreter, libpython and the extension modules need must be
	# in the root, so none comes from bookworm.
	unresolved=""
	for elf in "$py" "$libdir"/*.so* "$tmp/usr/lib/python$v/lib-dynload/"*.so; do
		[ -f "$elf" ] || continue
		for lib in $(patchelf --print-needed "$elf" 2>/dev/null); do
			[ -e "$libdir/$lib" ] || [ -e "$tmp/lib/$TRIPLET/$lib" ] || case " $unresolved " in
				*" $lib "*) ;;
				*) unresolved="$unresolved $lib" ;;
			esac
		done
	done
	[ -z "$unresolved" ] || say "note: Python $v: not in its root, would come from bookworm:$unresolved"

	# Checked where it was unpacked (patched for that place), then patched again for
	# where it will live, and renamed there: the rename is the last step.
	# --force-rpath writes DT_RPATH, which (unlike DT_RUNPATH) also applies to what the
	# extension modules loaded later (dlopen) link: _ssl's libssl, _ctypes' libffi, ...
	final=$(root_of "$v")
	for where in "$tmp" "$final"; do
		patchelf --set-interpreter "$where/usr/lib/$TRIPLET/ld-linux-x86-64.so.2" \
			--force-rpath --set-rpath "$where/usr/lib/$TRIPLET" "$py" ||
			die 1 "patchelf failed on python$v"
		[ "$where" = "$tmp" ] || break
		out=$("$py" -c '
import sys, sysconfig, ssl, sqlite3
print("%d.%d.%d" % sys.version_info[:3])
print(sys.prefix)
print(sysconfig.get_paths()["include"])
' 2>&1) || die 1 "Python $v does not run from its root: $(echo "$out" | tail -1)"
		full=$(echo "$out" | sed -n 1p)
		prefix=$(echo "$out" | sed -n 2p)
		inc=$(echo "$out" | sed -n 3p)
		if [ "$prefix" != "$tmp/usr" ] || [ ! -f "$inc/Python.h" ] || [ "${inc#"$tmp"/}" = "$inc" ]; then
			die 1 "Python $v does not find itself in its root (prefix $prefix, include $inc)"
		fi
	done
	{
		echo "version $full"
		echo "fetched $(date -u +%Y-%m-%dT%H:%M:%SZ) from $MIRROR sid"
		for deb in "$dl"/*.deb; do echo "package $(basename "$deb")"; done
	} >"$tmp/.pyperfmap-sid"
	# A root without its stamp is what an older interrupted run left: replaced.
	[ ! -e "$final" ] || rm -rf "$final"
	mv "$tmp" "$final"
	tmp=""
	say "Python $full ready in $final ($(du -sh "$final" | cut -f1))"
done

for v in $versions; do
	[ -f "$(stamp_of "$v")" ] && print_done "$v"
done
exit $rc
