#!/bin/bash
# The same perf.data read by perf report and by pyperfmap report: the top 5 symbols
# agree within 1 point, for files made by pyperfmap record and by perf record.
. "$(dirname "$0")/lib.sh"
need_perf

cd "$TMP"
compare() { # file label
	perf report -i "$1" --stdio --no-children -g none --percent-limit 0 2>/dev/null >perf.txt
	"$PPM_BIN" report -i "$1" --stdio --no-children -G >ours.txt 2>&1
	top_symbols perf.txt 5 >perf_top.txt
	top_symbols ours.txt 50 >ours_all.txt
	top_symbols ours.txt 5 >ours_top.txt
	top_symbols perf.txt 50 >perf_all.txt
	[ -s perf_top.txt ] || { fail "$2: perf printed no rows"; return; }
	local bad=0 sym p o
	while IFS=$'\t' read -r sym p; do
		o=$(pct_of ours_all.txt "$sym")
		awk -v a="$p" -v b="$o" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1.0) }' \
			|| { fail "$2: '$sym' perf $p% vs pyperfmap $o%"; bad=1; }
	done <perf_top.txt
	while IFS=$'\t' read -r sym o; do
		p=$(pct_of perf_all.txt "$sym")
		awk -v a="$p" -v b="$o" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1.0) }' \
			|| { fail "$2: '$sym' pyperfmap $o% vs perf $p%"; bad=1; }
	done <ours_top.txt
	# The same top row, or one tied with it: equal totals list in perf's order (by
	# name), but a symbol with several names may sort under another alias.
	local ptop otop
	ptop=$(head -1 perf_top.txt); otop=$(head -1 ours_top.txt)
	[ "${ptop%%$'\t'*}" = "${otop%%$'\t'*}" ] || [ "$(pct_of perf_all.txt "${otop%%$'\t'*}")" = "${ptop#*$'\t'}" ] \
		|| { fail "$2: top symbol differs: perf '$ptop', pyperfmap '$otop'"; bad=1; }
	[ $bad -eq 0 ] && pass "$2: top 5 agree within 1 point ($(head -2 ours_top.txt | tr '\t\n' '= '))"
}

"$PPM_BIN" record -q -F 3000 -o ours_plain.data -- "$HOT_C" 0.5 >/dev/null 2>&1 || fail "pyperfmap record failed"
compare ours_plain.data "pyperfmap record"
"$PPM_BIN" record -q -g -F 3000 -o ours_g.data -- "$HOT_C" 0.5 >/dev/null 2>&1 || fail "pyperfmap record -g failed"
compare ours_g.data "pyperfmap record -g"
perf record -q -F 3000 -o perf_plain.data -- "$HOT_C" 0.5 >/dev/null 2>&1 || fail "perf record failed"
compare perf_plain.data "perf record"
perf record -q -g -F 3000 -o perf_g.data -- "$HOT_C" 0.5 >/dev/null 2>&1 || fail "perf record -g failed"
compare perf_g.data "perf record -g"
# A workload with kernel time and shared libraries.
perf record -q -g -F 3000 -o perf_sys.data -- sh -c 'for i in $(seq 300); do ls -la /usr/lib >/dev/null; done' >/dev/null 2>&1 \
	|| fail "perf record of ls failed"
compare perf_sys.data "perf record -g of ls"
"$PPM_BIN" record -q -g -F 3000 -o ours_sys.data -- sh -c 'for i in $(seq 300); do ls -la /usr/lib >/dev/null; done' >/dev/null 2>&1 \
	|| fail "pyperfmap record of ls failed"
compare ours_sys.data "pyperfmap record -g of ls"
finish
