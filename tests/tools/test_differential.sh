#!/bin/bash
# test_differential.sh - pam_kinde's token verdicts against jwcrypto, an
# independent verifier (tests/tools/differential.py says what is judged
# and lists the documented exceptions where pam_kinde is stricter).
# pam_kinde must never accept a token the reference refuses.
#
# In a sanitizer build every third token is judged (the plain build
# judges them all), to keep the ASan run of make check short; with
# KINDE_TEST_SAMPLE=1 (.ci/quickstart check's ASan and plain-clone runs:
# its werror run judges them all) every tenth, and a TAP skip says so.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require
"$PYTHON3" -c 'import jwcrypto.jwt' 2>/dev/null || {
	echo "1..0 # SKIP $PYTHON3 lacks jwcrypto (Debian: python3-jwcrypto)"
	exit 0
}
every=1
[ -n "${ASAN_PRELOAD:-}" ] && every=3
[ "${KINDE_TEST_SAMPLE:-0}" = 1 ] && every=10
# (not exec: the EXIT trap removes $T)
"$PYTHON3" "$top_srcdir/tests/tools/differential.py" "$KINDE_AUTH" \
	"$top_srcdir/tests/fuzz/corpus/token" "$top_srcdir/tests/fuzz/fixtures.h" \
	"$T/work" "$every"
