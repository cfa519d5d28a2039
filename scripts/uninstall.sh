#!/bin/sh
# make uninstall: removes what 'make install' put under PREFIX (inside DESTDIR), as the
# install manifest lists it: the build tree's, or the copy installed beside the
# trampolines when the build tree is gone. Folders are removed only under
# lib/pyperfmap, and only when empty: man1/ and bin/ were there before.
#   uninstall.sh BUILD PREFIX    (DESTDIR from the environment)
set -eu
BUILD=$1 PREFIX=$2 DESTDIR=${DESTDIR:-}
own=$DESTDIR$PREFIX/lib/pyperfmap/install_manifest.txt
if [ -f "$own" ]; then
	manifest=$own
elif [ -f "$BUILD/install_manifest.txt" ]; then
	manifest=$BUILD/install_manifest.txt
else
	echo "uninstall: nothing installed under $DESTDIR$PREFIX (no $own, no $BUILD/install_manifest.txt)" >&2
	exit 1
fi
n=0
while IFS= read -r f; do
	case $f in
	"$PREFIX"/*) ;;
	*) echo "uninstall: $manifest lists $f, outside $PREFIX: left as it is" >&2; continue ;;
	esac
	if [ -e "$DESTDIR$f" ] || [ -L "$DESTDIR$f" ]; then
		rm -f "$DESTDIR$f" && n=$((n + 1))
	fi
done <"$manifest"
[ -d "$DESTDIR$PREFIX/lib/pyperfmap" ] && find "$DESTDIR$PREFIX/lib/pyperfmap" -depth -type d -empty -delete
echo "uninstall: removed $n files from $DESTDIR$PREFIX"
