#!/bin/bash
# pyperfmap installed, away from its build tree: 'make install' into a staging root
# (DESTDIR), with the build and source trees hidden, records and names py:: frames,
# its launcher works, every command has a man page, bash completes commands, options
# and events; 'make uninstall' removes every file, from the build's manifest or from
# the installed copy; 'make deb' builds a package whose Depends are computed and met
# here, which installs, runs and removes cleanly (dpkg --root: a throwaway dpkg
# database that holds this machine's records of the packages depended on, so dpkg
# checks the Depends and nothing of the machine's own is touched); install-python
# and uninstall-python in a virtual environment; the refusals.
# scenarios: prefix uninstall deb python refusals
. "$(dirname "$0")/lib.sh"
cd "$TMP"

PY=$(find_python 3.11 3.12 3.13 "") || skip "the trampoline was built for no CPython"
PREFIX=/usr/local
DEST=$TMP/dest

cat >hot.py <<'PYEOF'
import time


def hot_installed(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += sum(i * i for i in range(200))
    return n


hot_installed(1.0)
PYEOF

# make install, its build step skipped (the suite's build is current): what it runs
# is cmake --install of that build.
make_install() {
	[ -x "$DEST$PREFIX/bin/pyperfmap" ] && return
	DESTDIR=$DEST make -s -C "$SRC" -o build -o deps install BUILD="$BUILD" PREFIX=$PREFIX \
		>install.out 2>&1 || fail "make install: $(tail -3 install.out)"
}

# CMD... with the build and source trees hidden under empty folders, as if deleted
without_trees() {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 ||
		skip "hiding the build tree needs root and unshare (a private mount namespace)"
	unshare -m --propagation private bash -c '
		mount -t tmpfs gone "$1" && mount -t tmpfs gone "$2" || exit 99
		shift 2; exec "$@"' - "$BUILD" "$SRC" "$@"
}

scenario_prefix() {
	make_install
	local bin=$DEST$PREFIX/bin/pyperfmap
	[ -x "$bin" ] && pass "make install put bin/pyperfmap under DESTDIR$PREFIX" || { fail "no $bin"; return; }
	for f in lib/pyperfmap/python/pyperfmap.py lib/pyperfmap/python/pyperfmap_autostart.py \
		 lib/pyperfmap/python/pyperfmap.pth share/bash-completion/completions/pyperfmap; do
		[ -f "$DEST$PREFIX/$f" ] || fail "not installed: $f"
	done
	local n_built n_inst
	n_built=$(interpreters | wc -l)
	n_inst=$(ls "$DEST$PREFIX"/lib/pyperfmap/python/_builds/*/pyperfmap*.so 2>/dev/null | wc -l)
	[ "$n_inst" -eq "$n_built" ] && pass "a trampoline for each of the $n_built interpreters built for" \
		|| fail "$n_inst trampolines installed, $n_built built"
	without_trees "$bin" record -F 999 -g -o "$TMP/inst.data" -- "$PY" "$TMP/hot.py" >rec.out 2>rec.err
	local rc=$?
	[ $rc = 99 ] && skip "cannot mount over the build tree here"
	for p in $(pids_of inst.data); do MAPS_MADE+=("$p"); done
	[ $rc = 0 ] || fail "the installed pyperfmap, build tree hidden, cannot record: $(tail -2 rec.err)"
	without_trees "$bin" report -i "$TMP/inst.data" --stdio >rep.txt 2>rep.err
	grep -q 'py::hot_installed:' rep.txt && pass "build tree hidden: the installed binary records and names py::hot_installed" \
		|| fail "no py:: frame from the installed binary: $(head -15 rep.txt) $(cat rec.err)"
	# a launcher, build tree hidden: the trampoline on even with -I
	local launcher
	launcher=$(ls "$DEST$PREFIX"/bin/pyperfmap-python3.* 2>/dev/null | head -1)
	if [ -n "$launcher" ]; then
		without_trees "$launcher" -I -c 'import pyperfmap, os; print(pyperfmap.is_active(), os.getpid())' >launch.out 2>&1
		read -r active lpid <launch.out
		MAPS_MADE+=("$lpid")
		[ "$active" = True ] && pass "$(basename "$launcher") runs with the trampoline on, build tree hidden" \
			|| fail "launcher: $(cat launch.out)"
	fi
	# a man page for each command its help lists, and for pyperfmap itself
	local cmds c missing=""
	cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
	for c in "" $cmds; do
		local page=$DEST$PREFIX/share/man/man1/pyperfmap${c:+-$c}.1
		[ -f "$page" ] || missing="$missing ${c:-pyperfmap}"
	done
	[ -z "$missing" ] && [ -n "$cmds" ] && pass "man pages: pyperfmap(1) and one for each of: $(echo $cmds)" \
		|| fail "no man page for:$missing"
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=100 man -l "$DEST$PREFIX/share/man/man1/pyperfmap-record.1" >man.txt 2>man.err
		local opts_missing=""
		for o in $("$bin" record --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -q -- "$o" man.txt || opts_missing="$opts_missing $o"
		done
		[ -z "$opts_missing" ] && [ ! -s man.err ] && grep -q '^NAME' man.txt \
			&& pass "man pyperfmap-record renders, every option of its --help there" \
			|| fail "man page: missing$opts_missing; $(head -3 man.err)"
	fi
	# bash completion, as installed
	bash -c '. "$1"; c() { COMP_WORDS=("$2" "${@:3}"); COMP_CWORD=$(($# - 2)); _pyperfmap; echo "${COMPREPLY[*]}"; }
		c x "$2" rec; c x "$2" record --call-gr; c x "$2" record -e cpu-cl' - \
		"$DEST$PREFIX/share/bash-completion/completions/pyperfmap" "$bin" >comp.txt 2>&1
	[ "$(sed -n 1p comp.txt)" = record ] && [ "$(sed -n 2p comp.txt)" = --call-graph ] && [ "$(sed -n 3p comp.txt)" = cpu-clock ] \
		&& pass "bash completes a command, an option and an event" || fail "completion: $(cat comp.txt)"
}

scenario_uninstall() {
	make_install
	[ -f "$DEST$PREFIX/lib/pyperfmap/install_manifest.txt" ] || { fail "no installed manifest"; return; }
	# before: what else is in the staging root (the folders make install found or made)
	DESTDIR=$DEST make -s -C "$SRC" uninstall BUILD="$BUILD" PREFIX=$PREFIX >un.out 2>&1 || fail "make uninstall: $(cat un.out)"
	local left
	left=$(find "$DEST" -type f -o -type l | head -5)
	[ -z "$left" ] && pass "make uninstall: no file left ($(cat un.out))" || fail "left behind: $left"
	[ ! -e "$DEST$PREFIX/lib/pyperfmap" ] && pass "lib/pyperfmap is gone" || fail "lib/pyperfmap left"
	# again, from the installed copy of the manifest only (the build tree gone)
	make_install
	mkdir -p nobuild
	DESTDIR=$DEST make -s -C "$SRC" uninstall BUILD="$TMP/nobuild" PREFIX=$PREFIX >un2.out 2>&1 || fail "make uninstall without the build: $(cat un2.out)"
	left=$(find "$DEST" -type f -o -type l | head -5)
	[ -z "$left" ] && pass "without the build tree, the installed manifest removes everything" || fail "left behind: $left"
	DESTDIR=$DEST make -s -C "$SRC" uninstall BUILD="$TMP/nobuild" PREFIX=$PREFIX >un3.out 2>&1
	[ $? -ne 0 ] && grep -q "nothing installed" un3.out && pass "uninstall of nothing: $(cat un3.out)" || fail "second uninstall: $(cat un3.out)"
}

scenario_deb() {
	command -v dpkg-deb >/dev/null 2>&1 && command -v dpkg-shlibdeps >/dev/null 2>&1 ||
		skip "no dpkg-deb/dpkg-shlibdeps (apt-get install dpkg-dev)"
	make -s -C "$SRC" -o build -o deps deb BUILD="$BUILD" DEB_OUT="$TMP/deb" >deb.out 2>&1 || { fail "make deb: $(tail -3 deb.out)"; return; }
	local deb
	deb=$(ls "$TMP"/deb/pyperfmap_*.deb 2>/dev/null | head -1)
	[ -f "$deb" ] || { fail "no .deb in $TMP/deb"; return; }
	local version depends
	version=$(dpkg-deb -f "$deb" Version)
	[ "$version" = "$("$PPM_BIN" --version | awk '{ print $2 }')" ] && pass "version $version, the binary's" || fail "Version: $version"
	depends=$(dpkg-deb -f "$deb" Depends)
	local p
	for p in libpfm4 libelf1 libdw1 libcapstone4 libprotobuf-c1 zlib1g libc6; do
		echo ", $depends" | grep -q ", $p\b" || fail "Depends lacks $p: $depends"
	done
	pass "Depends: $depends"
	dpkg-deb -f "$deb" Description | grep -q . && pass "it has a description" || fail "no description"
	dpkg-deb -c "$deb" >contents.txt
	for f in ./usr/bin/pyperfmap ./usr/lib/pyperfmap/python/pyperfmap.py ./usr/share/man/man1/pyperfmap.1.gz \
		 ./usr/share/man/man1/pyperfmap-record.1.gz ./usr/share/bash-completion/completions/pyperfmap \
		 ./usr/share/doc/pyperfmap/changelog.Debian.gz ./usr/share/doc/pyperfmap/copyright; do
		grep -q " $f\$" contents.txt || fail "the package lacks $f"
	done
	awk '{ print $2 }' contents.txt | grep -qv '^root/root$' && fail "files not owned by root: $(awk '{ print $2 }' contents.txt | sort -u)"
	mkdir -p deb.x && dpkg-deb -x "$deb" deb.x && zcat deb.x/usr/share/doc/pyperfmap/changelog.Debian.gz | head -1 | grep -q "^pyperfmap ($version)" \
		&& pass "the changelog's entry is for $version" || fail "changelog: $(zcat deb.x/usr/share/doc/pyperfmap/changelog.Debian.gz | head -1)"
	# install and remove, for real, in a throwaway root
	local root=$TMP/root
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
	touch "$root/var/lib/dpkg/available"
	for p in $(echo "$depends" | tr ',' '\n' | awk '{ print $1 }'); do
		dpkg-query -s "$p" 2>/dev/null || { fail "Depends names $p, which this machine does not have"; continue; }
		echo
		touch "$root/var/lib/dpkg/info/$p.list" "$root/var/lib/dpkg/info/$p:$(dpkg --print-architecture).list"
	done >"$root/var/lib/dpkg/status"
	dpkg --root="$root" -i "$deb" >dpkg-i.out 2>&1 && pass "dpkg -i: installs, its Depends met by this machine's packages" \
		|| { fail "dpkg -i: $(tail -5 dpkg-i.out)"; return; }
	dpkg --root="$root" -s pyperfmap | grep -q '^Status: install ok installed' || fail "not installed: $(dpkg --root="$root" -s pyperfmap)"
	local dpy
	dpy=$(ls -d "$root"/usr/lib/pyperfmap/python/_builds/* 2>/dev/null | head -1)
	if [ -n "$dpy" ]; then
		local ver=${dpy##*/} dexe
		dexe=$(interpreters | awk -v v="$ver" '$1 == v { print $2; exit }')
		"$root/usr/bin/pyperfmap" record -F 999 -g -o "$TMP/deb.data" -- "$dexe" "$TMP/hot.py" >drec.out 2>&1
		for p in $(pids_of deb.data); do MAPS_MADE+=("$p"); done
		"$root/usr/bin/pyperfmap" report -i "$TMP/deb.data" --stdio 2>&1 | grep -q 'py::hot_installed:' \
			&& pass "the packaged pyperfmap names py:: frames of Python $ver" || fail "packaged record: $(tail -3 drec.out)"
	else
		echo "note: the package carries no trampoline (no interpreter from a Debian package was built for)"
	fi
	dpkg --root="$root" -r pyperfmap >dpkg-r.out 2>&1 || fail "dpkg -r: $(tail -3 dpkg-r.out)"
	local left
	left=$(find "$root" -path "$root/var" -prune -o ! -type d -print | head -5)
	[ -z "$left" ] && [ ! -e "$root/usr" ] && pass "dpkg -r: nothing left" || fail "dpkg -r left: $left $(ls "$root")"
	dpkg --root="$root" -s pyperfmap >/dev/null 2>&1 && fail "still known to dpkg after -r"
}

# a virtual environment of an interpreter built for: PY's, or one nobody may run
venv_python() {
	VENV=$TMP/venv
	[ -x "$VENV/bin/python" ] && return
	local base=$PY c
	for c in $(interpreters | awk '{ print $2 }'); do
		if su nobody -s /bin/sh -c "'$c' -c pass" >/dev/null 2>&1; then base=$c; break; fi
	done
	"$base" -m venv --without-pip "$VENV" >venv.out 2>&1 || skip "cannot make a venv of $base: $(tail -1 venv.out)"
	chmod 755 "$TMP"
	SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
}
snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec md5sum {} + | sort); }

scenario_python() {
	venv_python
	mkdir -p "$SITE"
	snapshot "$SITE" >before.txt
	"$PPM_BIN" install-python "$VENV/bin/python" >ip.out 2>&1 && pass "install-python: $(cat ip.out)" || { fail "install-python: $(cat ip.out)"; return; }
	[ -f "$SITE/pyperfmap.pth" ] || fail "no pyperfmap.pth in $SITE"
	# unset: nothing of pyperfmap's is imported, no map
	env -u PYPERFMAP -u PYTHONPATH "$VENV/bin/python" -c 'import sys, os; print(os.getpid(), sorted(m for m in sys.modules if "pyperfmap" in m))' >off.out 2>&1
	local opid
	read -r opid _ <off.out
	[ "$(cut -d' ' -f2- off.out)" = "[]" ] && [ ! -e "/tmp/perf-$opid.map" ] \
		&& pass "PYPERFMAP unset: no pyperfmap module loaded, no map" || fail "unset: $(cat off.out)"
	# set, started by another user, no pyperfmap in its command line: the trampoline
	# names its functions in /tmp/perf-PID.map
	local runner="" who=root
	if su nobody -s /bin/sh -c "'$VENV/bin/python' -c pass" >/dev/null 2>&1; then runner="su nobody -s /bin/sh -c"; who=nobody; fi
	if [ -n "$runner" ]; then
		$runner "env -u PYTHONPATH PYPERFMAP=1 '$VENV/bin/python' -c 'import os; print(os.getpid())
def named_by_pth():
    return sum(range(100))
named_by_pth()
import pyperfmap, time; print(pyperfmap.is_active()); time.sleep(0.3)'" >on.out 2>&1
	else
		env -u PYTHONPATH PYPERFMAP=1 "$VENV/bin/python" -c 'import os; print(os.getpid())
def named_by_pth():
    return sum(range(100))
named_by_pth()
import pyperfmap, time; print(pyperfmap.is_active()); time.sleep(0.3)' >on.out 2>&1
	fi
	local pid
	pid=$(sed -n 1p on.out)
	MAPS_MADE+=("$pid")
	[ "$(sed -n 2p on.out)" = True ] && grep -q 'py::named_by_pth:' "/tmp/perf-$pid.map" 2>/dev/null \
		&& pass "PYPERFMAP=1, run by $who: the trampoline is on and names py::named_by_pth" \
		|| fail "PYPERFMAP=1 ($who): $(cat on.out); map: $(head -2 "/tmp/perf-$pid.map" 2>&1)"
	# byte-compiled at install for users who cannot write __pycache__; an -O run by
	# root adds its own copies, which uninstall-python removes too
	ls "$SITE"/__pycache__/pyperfmap_autostart.*.pyc >/dev/null 2>&1 && pass "the modules come byte-compiled" || fail "no .pyc in $SITE/__pycache__"
	env -u PYTHONDONTWRITEBYTECODE -u PYTHONPATH PYPERFMAP=1 "$VENV/bin/python" -O -c 'import os; print(os.getpid())' >opt.out 2>&1
	MAPS_MADE+=("$(cat opt.out)")
	ls "$SITE"/__pycache__/pyperfmap.*opt-1.pyc >/dev/null 2>&1 || echo "note: the -O run wrote no .opt-1.pyc"
	"$PPM_BIN" uninstall-python "$VENV/bin/python" >up.out 2>&1 && pass "uninstall-python: $(cat up.out)" || fail "uninstall-python: $(cat up.out)"
	snapshot "$SITE" >after.txt
	diff before.txt after.txt >/dev/null && pass "site-packages exactly as before (names, modes, sizes, contents)" \
		|| fail "site-packages changed: $(diff before.txt after.txt | head -5)"
}

scenario_refusals() {
	local out rc
	# an interpreter no build matches
	local other
	other=$(awk '{ print $2 }' "$PYDIR/unsupported.txt" 2>/dev/null | head -1)
	if [ -n "$other" ] && [ -x "$other" ]; then
		out=$("$PPM_BIN" install-python "$other" 2>&1); rc=$?
		[ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "no trampoline is built for Python" \
			&& pass "an interpreter without a build: $out" || fail "unsupported interpreter: rc $rc: $out"
	else
		echo "note: no interpreter outside the builds here; the check uses a fake one"
	fi
	# one that says it is a version nothing was built for
	printf '#!/bin/sh\necho 3.99.0; echo cpython-399; echo %s/fake-site\n' "$TMP" >fakepy && chmod +x fakepy
	out=$("$PPM_BIN" install-python ./fakepy 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "no trampoline is built for Python 3.99.0 (this pyperfmap has builds for: 3\." \
		&& [ ! -e fake-site ] && pass "a version with no build: $out" || fail "fake version: rc $rc: $out"
	out=$("$PPM_BIN" install-python /no/such/python 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "no such program" && pass "no such interpreter: $out" || fail "missing interpreter: rc $rc: $out"
	out=$("$PPM_BIN" install-python 2>&1); rc=$?
	[ $rc -eq 2 ] && pass "no interpreter named: $out" || fail "no argument: rc $rc: $out"
	# a site-packages it cannot write
	venv_python
	mkdir -p "$SITE"
	snapshot "$SITE" >before.txt
	if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		out=$(su nobody -s /bin/sh -c "'$PPM_BIN' install-python '$VENV/bin/python'" 2>&1); rc=$?
		if echo "$out" | grep -q "cannot ask"; then
			echo "note: nobody cannot run $VENV/bin/python; the unwritable case uses a read-only site-packages"
		else
			[ $rc -eq 1 ] && echo "$out" | grep -q "cannot write '$SITE'" && pass "site-packages not writable (as nobody): $out" \
				|| fail "unwritable site-packages: rc $rc: $out"
		fi
	fi
	chmod 555 "$SITE"
	if [ "$(id -u)" != 0 ]; then
		out=$("$PPM_BIN" install-python "$VENV/bin/python" 2>&1); rc=$?
		[ $rc -eq 1 ] && echo "$out" | grep -q "cannot write" && pass "read-only site-packages: $out" || fail "read-only: rc $rc: $out"
	fi
	chmod 755 "$SITE"
	# a pyperfmap.py that is not ours
	echo '# somebody else' >"$SITE/pyperfmap.py"
	out=$("$PPM_BIN" install-python "$VENV/bin/python" 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "not pyperfmap's install" && [ "$(cat "$SITE/pyperfmap.py")" = '# somebody else' ] \
		&& [ ! -e "$SITE/pyperfmap.pth" ] && pass "a foreign pyperfmap.py is left alone: $out" || fail "foreign module: rc $rc: $out"
	rm -f "$SITE/pyperfmap.py"
	out=$("$PPM_BIN" uninstall-python "$VENV/bin/python" 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "nothing of pyperfmap's is installed" && pass "uninstall where nothing is: $out" || fail "uninstall of nothing: rc $rc: $out"
	snapshot "$SITE" >after.txt
	diff before.txt after.txt >/dev/null && pass "site-packages untouched by the refusals" || fail "refusals changed site-packages: $(diff before.txt after.txt | head -3)"
}

run_scenario "$@"
