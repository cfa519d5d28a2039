#!/bin/bash
# Bad input: one clear line on stderr, the documented exit status (2 for a usage
# error, 1 for a failure, 127 for a command that cannot be run), no crash, no hang,
# and no good file destroyed.
# scenarios: usage record_errors permissions emfile report_files mutations
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# expect_error <label> <status> <pattern> <command...>: that status, one matching line.
expect_error() {
	local label=$1 want=$2 pattern=$3 rc lines
	shift 3
	timeout 60 "$@" >out.txt 2>err.txt </dev/null
	rc=$?
	# Notices (the cpu-clock fallback, user-space-only sampling) may come first.
	lines=$(grep -cv -e 'falls back to' -e 'sampling user space only' -e 'call graph: ' err.txt)
	if exit_is $rc "$want" && grep -Eq -e "$pattern" err.txt && [ "$lines" -eq 1 ]; then
		pass "$label (exit $rc): $(tail -1 err.txt)"
	else
		fail "$label: exit $rc (want $want), stderr: $(cat err.txt)"
	fi
}

scenario_usage() {
	expect_error "unknown option" 2 "unknown option '--bogus'" "$PPM_BIN" record --bogus -- true
	expect_error "unknown short option" 2 "unknown or incomplete option '-Z'" "$PPM_BIN" record -Z -- true
	expect_error "unknown subcommand" 2 "unknown command 'recrod'" "$PPM_BIN" recrod
	expect_error "no command" 2 "no command to record" "$PPM_BIN" record
	expect_error "-F and -c" 2 "exclude each other" "$PPM_BIN" record -F 10 -c 100 -- true
	expect_error "bad -m" 2 "power of two" "$PPM_BIN" record -m 3 -- true
	expect_error "bad -F" 2 "invalid frequency" "$PPM_BIN" record -F abc -- true
	expect_error "unknown event" 2 "unknown event 'no-such-event'" "$PPM_BIN" record -e no-such-event -- true
	expect_error "-p and -a" 2 "-p and -a exclude each other" "$PPM_BIN" record -p 1 -a
	expect_error "--no-inherit with -a" 2 "--no-inherit does not apply to -a" "$PPM_BIN" record -a --no-inherit
	expect_error "report: bad sort key" 2 "unknown sort key 'colour'" "$PPM_BIN" report --sort colour
	expect_error "report: bad format" 2 "unknown format 'xml'" "$PPM_BIN" report --format xml
}

scenario_record_errors() {
	echo "precious" >perf.data
	expect_error "command not found" 127 "cannot run 'no-such-command-xyz': No such file" "$PPM_BIN" record -- no-such-command-xyz
	expect_error "unknown event" 2 "unknown event 'no-such-event'" "$PPM_BIN" record -e no-such-event -- true
	expect_error "bad -m" 2 "power of two" "$PPM_BIN" record -m 3 -- true
	[ "$(cat perf.data)" = precious ] && pass "a failed record keeps the old perf.data" || fail "perf.data was replaced"
	[ ! -e perf.data.old ] && pass "and makes no perf.data.old" || fail "perf.data.old made by a failed record"
	ls perf.data.tmp.* >/dev/null 2>&1 && fail "temporary file left behind" || pass "no temporary file left behind"
	expect_error "-p of no process" 1 "no such process: 999999" "$PPM_BIN" record -p 999999
	expect_error "output dir missing" 1 "cannot create 'no/such/dir/out.data': No such file" "$PPM_BIN" record -o no/such/dir/out.data -- true
}

# Permission problems need an unprivileged user.
scenario_permissions() {
	[ "$(id -u)" = 0 ] || skip "needs root to run checks as another user"
	id nobody >/dev/null 2>&1 || skip "no 'nobody' user"
	command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
	asnobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	mkdir ro && chmod 755 ro
	expect_error "unwritable output directory" 1 "cannot create 'ro/out.data': Permission denied" \
		"${asnobody[@]}" "$PPM_BIN" record -o ro/out.data -- true
	expect_error "-p of a process that may not be traced" 1 "cannot attach to process 1: permission denied" \
		"${asnobody[@]}" "$PPM_BIN" record -o /tmp/ppm-nobody.data -p 1
	grep -q "perf_event_paranoid" err.txt && pass "the EACCES advice names perf_event_paranoid" || fail "no paranoid advice"
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 0 ]; then
		expect_error "-a without the privilege" 1 "cannot record system-wide \(-a\): permission denied.*CAP_PERFMON.*perf_event_paranoid" \
			"${asnobody[@]}" "$PPM_BIN" record -a -o /tmp/ppm-nobody.data -- true
	fi
	# Rings over the locked-memory allowance: -m set, so record does not shrink them.
	mlock_kb=$(cat /proc/sys/kernel/perf_event_mlock_kb 2>/dev/null || echo 0)
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ] && [ "$mlock_kb" -gt 0 ] &&
	   [ "$mlock_kb" -lt 65536 ] && command -v prlimit >/dev/null; then
		pages=1
		while [ $((pages * 4)) -le "$mlock_kb" ]; do pages=$((pages * 2)); done
		expect_error "rings over the locked-memory limit" 1 "failed to map the ring buffer of .*locked memory limit.*ulimit -l" \
			prlimit --memlock=0:0 "${asnobody[@]}" "$PPM_BIN" record -m $pages -e cpu-clock -o /tmp/ppm-nobody.data -- true
	else
		echo "# locked memory: not checked (perf_event_paranoid above 2, or perf_event_mlock_kb $mlock_kb)"
	fi
	rm -f /tmp/ppm-nobody.data*
}

# Too many open files: a hard limit below what one fd per CPU needs.
scenario_emfile() {
	command -v prlimit >/dev/null || skip "no prlimit (util-linux)"
	ok=0
	for n in 5 6 7 8 9 10; do
		prlimit --nofile=$n:$n "$PPM_BIN" record -o fd.data -- true >out.txt 2>err.txt </dev/null
		rc=$?
		if exit_is $rc 1 && grep -q "too many open files (limit $n" err.txt && grep -q "ulimit -n" err.txt; then ok=1; break; fi
	done
	[ $ok = 1 ] && pass "EMFILE explained: $(cat err.txt)" || fail "no EMFILE advice: rc=$rc $(cat err.txt)"
}

# report: missing, empty, foreign, truncated, corrupt files.
scenario_report_files() {
	expect_error "report: missing file" 1 "cannot open 'missing.data': No such file" "$PPM_BIN" report -i missing.data
	: >empty.data
	expect_error "report: empty file" 1 "'empty.data' is empty" "$PPM_BIN" report -i empty.data
	head -c 5000 /bin/ls >foreign.data
	expect_error "report: not perf.data" 1 "not a perf.data file" "$PPM_BIN" report -i foreign.data
	expect_error "report: a directory" 1 "not a regular file" "$PPM_BIN" report -i .
	"$PPM_BIN" record -q -g -F 2000 -o good.data -- "$HOT_C" 0.2 >/dev/null 2>&1 || fail "cannot make good.data"
	size=$(stat -c %s good.data)
	head -c $((size / 2)) good.data >trunc.data
	expect_error "report: truncated file" 1 "truncated|corrupt" "$PPM_BIN" report -i trunc.data
	# -o onto what is not a regular file: written through, never replaced by a file
	# (a pipe here stands for /dev/null and /dev/stdout, which a test must not risk)
	mkfifo out.fifo
	cat out.fifo >fifo.got &
	"$PPM_BIN" report -i good.data -o out.fifo 2>err.txt || fail "report -o a FIFO: $(cat err.txt)"
	wait
	[ -p out.fifo ] && [ -s fifo.got ] && grep -q "^# pyperfmap report" fifo.got \
		&& pass "report -o FIFO: the report went through it, the FIFO is still one" \
		|| fail "report -o FIFO: $(stat -c %F out.fifo), $(wc -c <fifo.got) bytes read"
	echo old >target.txt
	ln -s target.txt link.txt
	"$PPM_BIN" report -i good.data -o link.txt 2>err.txt || fail "report -o a link: $(cat err.txt)"
	[ -L link.txt ] && grep -q "^# pyperfmap report" target.txt \
		&& pass "report -o LINK: the file it names is replaced, the link stays" \
		|| fail "report -o LINK: link $(stat -c %F link.txt), target $(head -c 40 target.txt)"
}

# Mutated files: the report exits 0 or 1, never by a signal, never hangs.
scenario_mutations() {
	"$PPM_BIN" record -q -g -F 2000 -o good.data -- "$HOT_C" 0.2 >/dev/null 2>&1 || fail "cannot make good.data"
	size=$(stat -c %s good.data)
	crashes=0
	for i in $(seq 1 60); do
		cp good.data mut.data
		# Overwrite 8 random bytes somewhere in the file.
		off=$(( (RANDOM * 32768 + RANDOM) % (size - 8) ))
		head -c 8 /dev/urandom | dd of=mut.data bs=1 seek=$off conv=notrunc status=none
		timeout 30 "$PPM_BIN" report -i mut.data >/dev/null 2>err.txt
		rc=$?
		if [ $rc -gt 1 ]; then crashes=$((crashes + 1)); echo "mutation at $off: exit $rc $(head -1 err.txt)"; fi
		[ $rc -eq 1 ] && [ "$(wc -l <err.txt)" -ne 1 ] && { crashes=$((crashes + 1)); echo "multi-line error"; }
	done
	[ $crashes -eq 0 ] && pass "60 corrupted files: no crash, no hang" || fail "$crashes corrupted files crashed or hung the report"
}
run_scenario "$@"
