#!/bin/bash
# test_recipes.sh - the break-glass and rollback recipes of README and
# pam_kinde(8), through a real PAM stack.  The stacks are the lines of
# doc/examples/breakglass and doc/examples/fallback themselves (only the
# module path and config= are filled in), and README and the man page must
# show those same lines, so the recipes cannot drift from what is tested:
#
#   breakglass  @include common-auth, then
#               auth [success=done default=ignore] pam_succeed_if.so user
#               ingroup kinde-breakglass, then pam_kinde: members log in
#               with whatever the rest of the stack accepts, others need
#               Kinde too;
#   fallback    @include common-auth, then
#               auth [success=ok authinfo_unavail=ignore default=die]
#               pam_kinde.so: an unreachable issuer is skipped, which is a
#               downgrade to the rest of the stack (why it is not the
#               default);
#   pam-test    the `kinde-auth pam-test sshd alice` the recipes say to run
#               from a second root shell before logging out.
#
# "The rest of the stack" (common-auth, common-account) is a stand-in in
# the test's pam.d: pam_permit.so (it accepts) or pam_deny.so (it
# refuses); what it would check (a password) is not the point here.
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

EX=$top_srcdir/doc/examples
# nss_wrapper: carol is in the break-glass group, alice is not.
printf 'kinde-breakglass:x:%s:carol\n' 64000 >>"$PK_GROUP"

# example_lines FILE: the PAM lines of an example (no comments, no blank
# lines), as written there.
example_lines() {
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1"
}

# recipe SERVICE EXAMPLE CONF: $PK_PAMD/SERVICE holds the example's lines,
# pam_kinde.so given as this build's module with config=CONF, and
# "@include NAME" as $PK_PAMD/NAME (this libpam looks for included files
# in /etc/pam.d even under pam_start_confdir).
recipe() {
	local svc=$1 ex=$2 conf=$3
	example_lines "$EX/$ex" |
		sed -e "s#[[:space:]]pam_kinde\\.so\\([[:space:]]\\|\$\\)# $PK_MODULE config=$conf\\1#" \
		    -e "s#^@include[[:space:]]\\{1,\\}\\([^/][^[:space:]]*\\)#@include $PK_PAMD/\\1#" \
		>"$PK_PAMD/$svc"
}

# rest accept|refuse: what the stand-in for the rest of the stack does.
rest() {
	local m=pam_permit.so
	[ "$1" = refuse ] && m=pam_deny.so
	printf '# stand-in for the rest of the stack: it %ss\nauth required %s\n' "$1" "$m" \
		>"$PK_PAMD/common-auth"
	printf 'account required pam_permit.so\n' >"$PK_PAMD/common-account"
}

# kinde_asked: did pam_kinde decide the auth stage of the last login?
kinde_asked() { [ -n "$(pk_decision)" ]; }

# ----------------------------------------- the docs show these very lines --

# norm: whitespace squeezed, roff's \- and \e unescaped, .EX lines only.
norm() { sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/[[:space:]]\{1,\}/ /g' -e 's/^ //' -e 's/ $//'; }
for ex in breakglass fallback; do
	[ -r "$EX/$ex" ] || { echo "Bail out! $EX/$ex missing"; exit 99; }
	n=$(example_lines "$EX/$ex" | grep -c .)
	cmp_num "$n" -ge 2 "doc/examples/$ex has PAM lines ($n)"
	for doc in README.md doc/pam_kinde.8; do
		missing=$(example_lines "$EX/$ex" | norm | while IFS= read -r l; do
			norm <"$top_srcdir/$doc" | grep -qxF -- "$l" || printf '%s\n' "$l"
		done)
		is "$missing" "" "$doc shows every PAM line of doc/examples/$ex, as is" || diag "$missing"
	done
	like "$(cat "$top_srcdir/README.md")" "doc/examples/$ex" "README.md names doc/examples/$ex"
	like "$(cat "$top_srcdir/doc/pam_kinde.8")" "doc/examples/$ex" "pam_kinde.8 names doc/examples/$ex"
done
like "$(example_lines "$EX/breakglass")" \
	'auth[[:space:]]+\[success=done default=ignore\][[:space:]]+pam_succeed_if\.so user ingroup kinde-breakglass' \
	"the break-glass line is the one the issue asks for"
like "$(example_lines "$EX/fallback")" \
	'auth[[:space:]]+\[success=ok authinfo_unavail=ignore default=die\][[:space:]]+pam_kinde\.so' \
	"the fallback line is the one the issue asks for"

pk_conf "$T/k.conf" "require_scopes = ssh:login"
recipe bg breakglass "$T/k.conf"
recipe fb fallback "$T/k.conf"
: >"$T/secrets"
pk_mint_batch <<'EOF_MINT' || { echo "Bail out! minting failed"; exit 99; }
alice    --sub alice --scp openid --scp ssh:login
carol    --sub carol --scp openid --scp ssh:login
noscope  --sub alice --scp openid
EOF_MINT

# ------------------------------------------------------------ break-glass --

rest accept
pk_login bg carol "not-a-token"
auth_is PAM_SUCCESS "break-glass: a member passes with whatever the rest accepts (the risk: no Kinde at all)"
kinde_asked
ok $((! $?)) "  pam_kinde is not asked for a member" || pk_context
acct_is PAM_SUCCESS "  the account stage: pam_kinde ignores a login it did not authenticate"

rest refuse
pk_login bg carol "${TOK[carol]}"
auth_is PAM_AUTH_ERR "break-glass: a member still needs the rest of the stack (it refuses: refused)"

rest accept
pk_login bg alice "${TOK[alice]}"
auth_is PAM_SUCCESS "break-glass: a non-member with a good token: PAM_SUCCESS"
reason_is ok "  decided by pam_kinde (reason=ok)"
pk_login bg alice "${TOK[noscope]}"
auth_is PAM_AUTH_ERR "break-glass: a non-member is refused by Kinde even when the rest accepts"
reason_is scope "  reason=scope"
rest refuse
pk_login bg alice "${TOK[alice]}"
auth_is PAM_AUTH_ERR "break-glass: a non-member needs the rest of the stack too"

# --------------------------------------------------------------- fallback --

rest accept
pk_login fb alice "${TOK[alice]}"
auth_is PAM_SUCCESS "fallback: issuer up, good token: PAM_SUCCESS"
reason_is ok "  reason=ok"
pk_login fb alice "${TOK[noscope]}"
auth_is PAM_AUTH_ERR "fallback: issuer up, a refused token ends the login (default=die)"
reason_is scope "  reason=scope"
pk_login fb alice "not-a-token"
auth_is PAM_AUTH_ERR "fallback: a malformed answer ends the login too"
rest refuse
pk_login fb alice "${TOK[alice]}"
auth_is PAM_AUTH_ERR "fallback: a good token does not replace the rest of the stack"

# ------------------------------------------------ the issuer unreachable --

# Cold caches, so nothing can be decided once the issuer is gone.
pk_conf "$T/down.conf" "require_scopes = ssh:login"
recipe bg-down breakglass "$T/down.conf"
recipe fb-down fallback "$T/down.conf"
pk_kinde_service required-down "$T/down.conf"
recipe sshd fallback "$T/down.conf"	# for pam-test below
fk_stop

rest accept
pk_login fb-down alice "${TOK[alice]}"
auth_is PAM_SUCCESS "fallback, issuer unreachable: the rest of the stack alone logs in (the downgrade)"
reason_is unavailable "  logged by pam_kinde as reason=unavailable"
is "$(pk_field "$(pk_decision)" pam)" PAM_AUTHINFO_UNAVAIL "  pam_kinde said PAM_AUTHINFO_UNAVAIL, which the stack ignored" || pk_context
rest refuse
pk_login fb-down alice "${TOK[alice]}"
auth_is PAM_AUTH_ERR "fallback, issuer unreachable: nothing logs in when the rest refuses"

rest accept
pk_login required-down alice "${TOK[alice]}"
auth_is PAM_AUTHINFO_UNAVAIL "the default (auth required pam_kinde.so), issuer unreachable: refused, fail closed"
pk_login bg-down carol "not-a-token"
auth_is PAM_SUCCESS "break-glass, issuer unreachable: a member still logs in"
pk_login bg-down alice "${TOK[alice]}"
auth_is PAM_AUTHINFO_UNAVAIL "break-glass, issuer unreachable: a non-member does not"

# -------------------------------- pam-test from a second root shell --

# The command the recipes give, as written there, run against the test's
# pam.d (--confdir, which the real host does not need).
cmd=$(sed -n 's/^#[[:space:]]*kinde-auth \(pam-test .*\)$/\1/p' "$EX/fallback" | head -1)
is "$cmd" "pam-test sshd alice" "doc/examples/fallback gives the pam-test command"
cmd2=$(sed -n 's/^#[[:space:]]*kinde-auth \(pam-test .*\)$/\1/p' "$EX/breakglass" | head -1)
is "$cmd2" "$cmd" "doc/examples/breakglass gives the same command"
like "$(norm <"$top_srcdir/README.md")" "kinde-auth $cmd" "README.md gives the command"
like "$(norm <"$top_srcdir/doc/pam_kinde.8")" "kinde-auth $cmd" "pam_kinde.8 gives the command"
read -r -a words <<<"$cmd"
# pam-test passes the modules' lines on to the system log: the shim takes
# them instead (tests/lib/syslog_shim.c).
SHIM=$top_builddir/tests/lib/.libs/syslog_shim.so
[ -e "$SHIM" ] || { echo "Bail out! $SHIM is not built (make check builds it)"; exit 99; }
printf '%s\n' "${TOK[alice]}" >"$T/answer"
timeout -k 5 "$PK_TIMEOUT" env LD_PRELOAD="${ASAN_PRELOAD:+$ASAN_PRELOAD:}$SHIM:$PK_NSSW" \
	NSS_WRAPPER_PASSWD="$PK_PASSWD" NSS_WRAPPER_GROUP="$PK_GROUP" \
	SYSLOG_SHIM_LOG="$T/shim.log" \
	"$KINDE_AUTH" "${words[0]}" --confdir "$PK_PAMD" \
	"${words[@]:1}" <"$T/answer" >"$T/pt.out" 2>"$T/pt.err"
rc=$?
is "$rc" 0 "pam-test sshd alice on the fallback stack, issuer down: accepted (exit 0)" ||
	diag "$(cat "$T/pt.out" "$T/pt.err")"
like "$(cat "$T/pt.out" "$T/pt.err")" 'reason=unavailable' \
	"  and it shows pam_kinde's line: reason=unavailable, the downgrade seen before logging out" ||
	diag "$(cat "$T/pt.out" "$T/pt.err")"
like "$(cat "$T/shim.log" 2>/dev/null)" 'pam_kinde\(sshd:auth\): stage=auth' \
	"  the line it passed on to the system log went to the test's shim instead"

tap_done
