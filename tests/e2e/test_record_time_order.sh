#!/bin/bash
# DWARF stacks are unwound while recording, against a model of the address spaces
# built from the rings' side-band records, so those must be taken in time order
# across CPUs. exec_migrate execs on CPU 1 and loads libm after it on CPU 0: taken
# ring by ring, the exec would come last and wipe libm, and no stack starting in
# libm's cos could be unwound.
. "$(dirname "$0")/lib.sh"

[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs to move between, this machine has $(nproc)"
cd "$TMP"
for run in 1 2 3; do
	"$PPM_BIN" record --call-graph dwarf -F 2000 -o mig.data -- "$EXEC_MIGRATE" 0.3 >out.txt 2>err.txt \
		|| { fail "run $run: record failed: $(cat err.txt)"; continue; }
	read -r all done < <(sed -n 's/.* \([0-9]*\) stacks unwound, \([0-9]*\) complete.*/\1 \2/p' err.txt)
	if [ -n "$all" ] && [ "$all" -gt 100 ] && [ $((done * 100)) -ge $((all * 95)) ]; then
		pass "run $run: $done of $all stacks complete"
	else
		fail "run $run: $(grep unwound err.txt || cat err.txt)"
	fi
done
"$PPM_BIN" report -i mig.data --no-children -G 2>/dev/null | grep -q 'libm[^ ]* *\[.] [_a-z]*cos' \
	&& pass "report names cos in libm" || fail "no cos in libm in the report"
finish
