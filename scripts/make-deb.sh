#!/bin/sh
# make deb: a Debian package of the build in BUILD, written to OUT/.
#   make-deb.sh BUILD OUT
# The package installs under /usr what 'make install' would, keeping of the trampolines
# and launchers those for interpreters that Debian packages provide (a pyenv or a
# private tree is the build machine's own and would not be on the machine the package
# goes to). Depends is computed: dpkg-shlibdeps over every binary, plus libpfm4's
# package (dlopened, so no binary names it). Version from the binary, the changelog
# entry from packaging/debian/changelog.
set -eu
BUILD=$(cd "${1:?usage: make-deb.sh BUILD OUT}" && pwd)
OUT=${2:?usage: make-deb.sh BUILD OUT}
SRC=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "make-deb: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps dpkg-query; do
	command -v $tool >/dev/null 2>&1 || die "needs $tool (apt-get install dpkg-dev)"
done
[ -x "$BUILD/pyperfmap" ] || die "no pyperfmap in $BUILD: build first (make)"
VERSION=$("$BUILD/pyperfmap" --version | awk '{ print $2 }')
ARCH=$(dpkg --print-architecture)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ppm-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
DESTDIR=$ROOT cmake --install "$BUILD" --prefix /usr >/dev/null
rm -f "$ROOT/usr/lib/pyperfmap/install_manifest.txt" # dpkg keeps the list

# Interpreters of Debian packages: the trampolines and launchers to keep.
keep=""
while read -r ver exe; do
	if dpkg -S "$exe" >/dev/null 2>&1; then
		keep="$keep $ver"
	fi
done <"$BUILD/python/interpreters.txt"
for d in "$ROOT"/usr/lib/pyperfmap/python/_builds/*; do
	case " $keep " in *" ${d##*/} "*) ;; *) rm -rf "$d" ;; esac
done
for l in "$ROOT"/usr/bin/pyperfmap-python*; do
	[ -e "$l" ] || continue
	real=$(strings "$l" | grep -m1 -E '^/.*/python3' || true)
	if [ -z "$real" ] || ! dpkg -S "$real" >/dev/null 2>&1; then
		rm -f "$l"
	fi
done
# a launcher named for its micro version (another 3.X took the short name) takes it back
for l in "$ROOT"/usr/bin/pyperfmap-python3.*.*; do
	[ -e "$l" ] || continue
	short=${l%.*}
	[ -e "$short" ] || mv "$l" "$short"
done

# Debian's conventions: man pages and the changelog compressed, the copyright file.
gzip -9n "$ROOT"/usr/share/man/man1/*.1
DOC=$ROOT/usr/share/doc/pyperfmap
mkdir -p "$DOC"
gzip -9nc "$SRC/packaging/debian/changelog" >"$DOC/changelog.Debian.gz"
cp "$SRC/packaging/debian/copyright" "$DOC/copyright"
chmod -R u=rwX,go=rX "$ROOT"

# Depends: the shared libraries' packages, then libpfm4's.
mkdir -p "$WORK/src/debian"
printf 'Source: pyperfmap\n\nPackage: pyperfmap\nArchitecture: any\n' >"$WORK/src/debian/control"
bins=$(find "$ROOT/usr/bin" "$ROOT/usr/lib" -type f \( -perm -u+x -o -name '*.so' \) |
	while read -r f; do
		[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && echo "-e$f"
	done)
# shellcheck disable=SC2086
deps=$(cd "$WORK/src" && dpkg-shlibdeps -O --ignore-missing-info $bins 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || die "dpkg-shlibdeps found no dependencies"
pfm=$(grep -a -o 'libpfm\.so\.[0-9]*' "$BUILD/pyperfmap" | head -1)
pfmpath=$(ldconfig -p | awk -v l="$pfm" '$1 == l { print $NF; exit }')
pfmpkg=$([ -n "$pfmpath" ] && dpkg -S "$(readlink -f "$pfmpath")" 2>/dev/null | cut -d: -f1 | head -1)
[ -n "$pfmpkg" ] || die "cannot tell which package provides $pfm"
pfmver=$(dpkg-query -W -f '${Version}' "$pfmpkg" | sed 's/-[^-]*$//')
deps="$deps, $pfmpkg (>= $pfmver)"

mkdir -p "$ROOT/DEBIAN"
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: pyperfmap
Version: $VERSION
Architecture: $ARCH
Maintainer: pyperfmap developers <pyperfmap@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $deps
Section: devel
Priority: optional
Description: perf_event_open profiler that names Python functions
 pyperfmap records and reports like perf (record, report, top, stat, annotate,
 script) and names CPython functions in its stacks as py::function:file: a
 trampoline gives each Python function a machine-code stub of its own and writes
 /tmp/perf-PID.map. It attaches to running processes, follows process trees,
 records off-CPU time, and writes flame graphs, speedscope and pprof files.
CONTROL
mkdir -p "$OUT"
deb=$OUT/pyperfmap_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
echo "$deb"
