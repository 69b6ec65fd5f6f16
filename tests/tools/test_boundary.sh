#!/bin/bash
# test_boundary.sh - the core's public boundary is kept (TAP).
#
# pam/ and tools/ are front ends: they include the core's public header,
# lib/kinde.h, and no other header of lib/.  The one exception is
# kinde-auth diagnose (tools/cmd_diagnose.c, tools/diag*.[ch]), which may
# include lib/kinde-internal.h, the internals it reads on purpose.  Their
# own headers (pam/*.h, tools/*.h) and the build's kinde-build.h are
# theirs.  A new front-end need goes into kinde.h as a purpose-named call.
#
# Also checked: lib/kinde-internal.h says what it is for, the retired
# macro KINDE_PRINTF is gone, and the check fails on a file that breaks
# the rule (a copy of a front end with a core header added).
#
#   top_srcdir=... bash tests/tools/test_boundary.sh

set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$top_srcdir" || exit 1

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# Prints "file: header" for every quoted include of a file in "$@" that
# is neither kinde.h, kinde-build.h, a header of pam/ or tools/, nor (in
# diagnose) kinde-internal.h.
violations() {
	local f inc allowed base
	for f in "$@"; do
		base=$(basename "$f")
		while read -r inc; do
			case "$inc" in
			kinde.h | kinde-build.h) continue ;;
			esac
			# The front ends' own headers (pam_rc_name.h is the
			# module's and pam-test's).
			if { [ -e "pam/$inc" ] || [ -e "tools/$inc" ]; } &&
			   [ ! -e "lib/$inc" ]; then
				continue
			fi
			allowed=no
			case "$base" in
			cmd_diagnose.c | diag*.c | diag*.h)
				[ "$inc" = kinde-internal.h ] && allowed=yes ;;
			esac
			[ "$allowed" = yes ] && continue
			echo "$f: $inc"
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
}

mapfile -t fronts < <(ls pam/*.c pam/*.h tools/*.c tools/*.h)
ok $(( ${#fronts[@]} > 20 ? 0 : 1 )) "found the front ends' files (${#fronts[@]})"

bad=$(violations "${fronts[@]}")
if [ -n "$bad" ]; then
	echo "# includes of core headers other than kinde.h:"
	echo "$bad" | sed 's/^/#   /'
fi
ok $([ -z "$bad" ]; echo $?) "pam/ and tools/ include kinde.h, not another core header (diagnose: kinde-internal.h)"

# No front end outside diagnose reaches the internal header, even
# through a header of its own.
bad=""
for f in pam/*.c pam/*.h tools/*.c tools/*.h; do
	case "$(basename "$f")" in
	cmd_diagnose.c | diag*.c | diag*.h) continue ;;
	esac
	grep -q '#include "diag.h"' "$f" && bad="$bad $f"
	grep -q 'kinde-internal.h' "$f" && bad="$bad $f"
done
[ -n "$bad" ] && echo "# outside diagnose:$bad"
ok $([ -z "$bad" ]; echo $?) "only diagnose includes kinde-internal.h (directly or through diag.h)"

grep -q 'diagnose ONLY' lib/kinde-internal.h
ok $? "lib/kinde-internal.h says it is for diagnose only"

left=$(grep -rln 'KINDE_PRINTF' lib pam tools tests/unit tests/fuzz 2>/dev/null)
[ -n "$left" ] && echo "# KINDE_PRINTF still in: $left"
ok $([ -z "$left" ]; echo $?) "the printf attribute is spelled out (no KINDE_PRINTF)"

# The check can fail: a front end with a core header, and a non-diagnose
# file with the internal header, are both reported.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pam" "$tmp/tools"
{ echo '#include "kinde.h"'; echo '#include "config.h"'; } >"$tmp/pam/bad.c"
{ echo '#include "kinde-internal.h"'; } >"$tmp/tools/cmd_verify.c"
{ echo '#include "kinde-internal.h"'; } >"$tmp/tools/diag_new.c"
out=$(violations "$tmp/pam/bad.c" "$tmp/tools/cmd_verify.c" "$tmp/tools/diag_new.c")
echo "$out" | grep -q 'bad.c: config.h' &&
	echo "$out" | grep -q 'cmd_verify.c: kinde-internal.h' &&
	! echo "$out" | grep -q 'diag_new.c'
ok $? "the check reports a core header in pam/ and the internal header outside diagnose"

echo "1..$n"
