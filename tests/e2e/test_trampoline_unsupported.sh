#!/bin/bash
# Fail open for an interpreter pyperfmap has no build for (3.6, 3.7, or one newer than
# it knows): one warning that names the version and says what the user gets, and the
# program runs on.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

read -r ver old < <(head -1 "$PYDIR/unsupported.txt" 2>/dev/null)
[ -n "${old:-}" ] || skip "no interpreter outside the supported versions was found to check the warning with"
"$PPM_BIN" exec -- "$old" -c 'print("ran")' >o.txt 2>e.txt
rc=$?
exit_is $rc 0 && [ "$(cat o.txt)" = ran ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -q "no trampoline built for Python $ver" e.txt \
	&& grep -q 'Python functions will not be named (the program runs normally)$' e.txt \
	&& pass "unsupported version: $(cat e.txt)" || fail "unsupported version $ver: rc=$rc $(cat o.txt) $(cat e.txt)"
finish
