#!/bin/bash
# test_sshd.sh - pam_kinde.so behind the real OpenSSH sshd on 127.0.0.1
# (keyboard-interactive, pam_wrapper + nss_wrapper: nothing under /etc is
# read or written; see tests/e2e/README.md), against the fake Kinde
# server: logins with a token and an API key run the shell; a forged
# token, another user's token, a key without the required scope, an
# unknown user and a token the ssh client cut at 1023 bytes do not; a
# brute force of wrong API keys is held by ratelimit_rhost and the
# legitimate user still logs in.
#
# Environment as `make check` sets it: top_srcdir, top_builddir, PYTHON3,
# SSHD, ASAN_PRELOAD (the ASan runtime sshd must preload to load an
# ASan-built module).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

if [ ! -x "${SSHD:-/usr/sbin/sshd}" ] || [ ! -x /usr/sbin/sshd ]; then
	echo "1..0 # SKIP sshd is not installed (openssh-server)"
	exit 0
fi

. "${top_srcdir:?}/tests/pam/lib.sh"
. "$top_srcdir/tests/e2e/sshd_harness.sh"

sshd_test_start

ASAN=0
if [ -n "${ASAN_PRELOAD:-}" ]; then
	# sshd is not built with ASan: the runtime must come first.
	ASAN=1
	SSHD_PRELOAD_FIRST=$ASAN_PRELOAD
	SSHD_ENV=(ASAN_OPTIONS=detect_leaks=0 PAM_WRAPPER_DISABLE_DEEPBIND=1)
fi

# KINDE_VALGRIND (as in tests/pam/lib.sh): sshd, and the sshd it
# re-executes for each connection (where the module runs), under valgrind's
# memcheck.  Leak checking is off here (sshd's own allocations are not
# ours; the pam_harness runs check the module's leaks); any other error
# fails the last case.
VG=0
if [ -n "${KINDE_VALGRIND:-}" ]; then
	if [ "$ASAN" = 1 ] || ! command -v valgrind >/dev/null; then
		echo "1..0 # SKIP valgrind runs on the plain build, when installed"
		exit 0
	fi
	VG=1
	mkdir -m 1777 "$SSHD_DIR/vg"
	SSHD_WRAP=(valgrind -q --tool=memcheck --trace-children=yes
		"--trace-children-skip=*/sh,*/bash,*/dash,*/env,/usr/bin/*"
		--leak-check=no --error-exitcode=97 --num-callers=30
		"--suppressions=$top_srcdir/tests/valgrind.supp"
		"--log-file=$SSHD_DIR/vg/sshd.%p")
	# (OpenSSH's pre-auth sandbox cannot run under valgrind: the shim
	# makes it a no-op in this mode only.)
	SSHD_PRELOAD_FIRST=$top_builddir/tests/lib/.libs/nosandbox_shim.so
	SSHD_START_TIMEOUT=120
	SSH_LOGIN_TIMEOUT=180
fi

# The module runs as sshd's uid ($SSHD_UID; 65534 when run as root):
# it must reach the module, the plugin and everything the config names.

# ---------------------------------------------------------------------
# The module's configuration, in the harness dir (reachable by sshd's uid)
# ---------------------------------------------------------------------
E=$SSHD_DIR/etc
cp "$FK_CA" "$E/kinde-ca.pem"
chmod 644 "$E/kinde-ca.pem"
CLIENT_ID="e2e_client_$(pk_rand)"
CLIENT_SECRET="e2e-secret-$(pk_rand)$(pk_rand)"
fk_ctl POST clients "{\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\",\"scopes\":[\"read:api_keys\"]}" >/dev/null ||
	{ echo "Bail out! cannot register the M2M client"; exit 99; }
(umask 077 && printf '%s\n' "$CLIENT_SECRET" >"$E/kinde-client-secret")
sshd_own "$E/kinde-client-secret"

# conf NAME [LINE...]: a config with its own (cold) cache dir.
conf() {
	local name=$1
	shift
	mkdir -m 700 "$SSHD_DIR/cache.$name" "$SSHD_DIR/state.$name"
	sshd_own "$SSHD_DIR/cache.$name" "$SSHD_DIR/state.$name"
	{
		echo "domain = $FK_ISSUER"
		echo "ca_file = $E/kinde-ca.pem"
		echo "cache_dir = $SSHD_DIR/cache.$name"
		echo "state_dir = $SSHD_DIR/state.$name"
		echo "client_id = $CLIENT_ID"
		echo "client_secret_file = $E/kinde-client-secret"
		echo "net_module = $PK_NET"
		echo "require_scopes = ssh:login"
		echo "apikey_cache_ttl = 900"
		printf '%s\n' "$@"
	} >"$E/kinde-$name.conf"
	chmod 644 "$E/kinde-$name.conf"	# no secret in it; not writable by others
}

# service CONF: the sshd-kinde service with that config.
service() {
	sshd_write_service sshd-kinde "\
auth     required  $PK_MODULE config=$E/kinde-$1.conf
account  required  $PK_MODULE config=$E/kinde-$1.conf
session  required  pam_permit.so"
}

conf main
conf unknown
service main
sshd_start sshd-kinde || { echo "Bail out! sshd did not start"; exit 99; }

: >"$T/secrets"
pk_mint_batch <<'EOF' || { echo "Bail out! minting failed"; exit 99; }
alice     --sub alice --scp openid --scp ssh:login
bob       --sub bob --scp openid --scp ssh:login
forged    --sub alice --scp ssh:login --foreign-key --kid @KID@
long      --sub alice --scp ssh:login --pad-to 1100
exact     --sub alice --scp ssh:login --pad-to 1023
EOF
KEY_ALICE="k_live_e2e_alice$(pk_rand)"
KEY_NOSCOPE="k_live_e2e_noscope$(pk_rand)"
printf '%s\n%s\n%s\n' "$KEY_ALICE" "$KEY_NOSCOPE" "$CLIENT_SECRET" >>"$T/secrets"
pk_apikey "$KEY_ALICE" '"scopes":["ssh:login"],"user_id":"alice"'
pk_apikey "$KEY_NOSCOPE" '"scopes":["read:things"],"user_id":"alice"'

# shellcheck disable=SC2016  # expanded by the remote shell
CMD='echo "LOGIN-OK $USER"; env | grep "^KINDE_" | sort'

if [ "$ASAN" = 1 ]; then
	# With the ASan runtime in sshd, loading the HTTPS plugin (libcurl
	# and its dependencies: gnutls, krb5, ...) into sshd's processes
	# hangs them: dlopen() in the fork()ed "[pam]" child deadlocks in
	# libgnutls's constructor (bindtextdomain: glibc's _nl_state_lock is
	# found corrupted, __readers 0xfffffffa), and preloading the plugin
	# instead hangs the session child - with stock PAM modules too, and
	# never without the ASan runtime.  So under ASan the caches are
	# filled beforehand, by kinde-auth as sshd's uid (same core, same
	# cache files), and the module needs no network in sshd.  The
	# non-ASan run covers the module's own fetching.
	KA=$top_builddir/tools/kinde-auth
	warm() {	# warm EXPECTED_STATUS ARGS...: kinde-auth as sshd's uid
		# (stdin and stdout are opened here, by this shell)
		local want=$1 st
		shift
		_sshdh_as_sshd env ASAN_OPTIONS=detect_leaks=0 "$KA" "$@" \
			>"$T/warm.out" 2>&1 <"$T/warm.in"
		st=$?
		[ "$st" = "$want" ] && return 0
		echo "Bail out! kinde-auth $* as uid $SSHD_UID: status $st, not $want"
		sed 's/^/# /' "$T/warm.out"
		exit 99
	}
	: >"$T/warm.in"
	warm 0 jwks --config "$E/kinde-main.conf"
	printf '%s\n' "$KEY_ALICE" >"$T/warm.in"
	warm 0 apikey --config "$E/kinde-main.conf" -
	printf '%s\n' "$KEY_NOSCOPE" >"$T/warm.in"
	warm 1 apikey --config "$E/kinde-main.conf" -
	: >"$T/warm.in"
fi

# login_ctx: what the last login did (under a failed assertion).
login_ctx() {
	diag "ssh rc=$SSH_LOGIN_RC shell_ran=$SSH_LOGIN_SHELL_RAN prompts=$SSH_LOGIN_NPROMPTS"
	diag "stdout: $SSH_LOGIN_STDOUT"
	diag "stderr: $SSH_LOGIN_STDERR"
	diag "sshd log (PAM and module lines):"
	diag "$(ssh_login_log | grep -E 'PWRAP|pam|PAM|Accepted|Failed|Invalid|ERROR' | tail -25)"
}
accepted() {	# accepted DESC
	local ok_=0
	[ "$SSH_LOGIN_RC" = 0 ] && [ "$SSH_LOGIN_SHELL_RAN" = 1 ] || ok_=1
	ok $ok_ "$1: accepted, the shell ran" || login_ctx
}
refused() {	# refused DESC: refused as a refusal (PAM_AUTH_ERR and the
	# like are logged at LOG_NOTICE; an error - config, network - at
	# LOG_ERR, the one priority pam_wrapper shows from sshd's auth child)
	local ok_=0
	[ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] || ok_=1
	ok $ok_ "$1: refused, the shell did not run" || login_ctx
	unlike "$(ssh_login_log | grep 'SYSLOG(3)')" 'stage=' "$1: a refusal, not a module error (no LOG_ERR decision)" || login_ctx
}

# ---------------------------------------------------------------------
# sshd's unknown-user path: the module sees the sentinel, asks no one
# (the first login, on a cold cache: any key-set fetch would count)
# ---------------------------------------------------------------------
service unknown
fk_reset_counts
ssh_login mallory "${TOK[alice]}" "$CMD"
refused "unknown user mallory"
cmp_num "$SSH_LOGIN_NPROMPTS" -ge 1 "unknown user: still prompted (sshd hides who exists)"
like "$(ssh_login_log)" 'Invalid user mallory' "unknown user: sshd took its invalid-user path" || login_ctx
is "$(fk_total)" 0 "unknown user: no request reached the issuer"
service main

# ---------------------------------------------------------------------
# Accepted
# ---------------------------------------------------------------------
ssh_login alice "${TOK[alice]}" "$CMD"
accepted "alice with her token"
like "$SSH_LOGIN_STDOUT" 'LOGIN-OK alice' "token: the command ran as alice"
like "$SSH_LOGIN_STDOUT" 'KINDE_SUB=alice' "token: KINDE_SUB reached the session environment"
like "$SSH_LOGIN_STDOUT" 'KINDE_AUTH_METHOD=token' "token: KINDE_AUTH_METHOD=token in the session"
like "$(ssh_login_log)" 'Accepted keyboard-interactive/pam for alice' "token: sshd logged the acceptance"

ssh_login alice "$KEY_ALICE" "$CMD"
accepted "alice with an API key mapped to her"
like "$SSH_LOGIN_STDOUT" 'KINDE_AUTH_METHOD=apikey' "API key: KINDE_AUTH_METHOD=apikey in the session"

ssh_login alice "${TOK[exact]}" "$CMD"
accepted "a token of exactly 1023 bytes (the longest the ssh client sends whole)"

# ---------------------------------------------------------------------
# Refused
# ---------------------------------------------------------------------
ssh_login alice "${TOK[forged]}" "$CMD"
refused "a forged token (foreign key, real kid)"
like "$(ssh_login_log)" 'Failed keyboard-interactive/pam for alice' "forged token: sshd logged the failure"

ssh_login alice "${TOK[bob]}" "$CMD"
refused "bob's token logging in as alice"

ssh_login alice "$KEY_NOSCOPE" "$CMD"
refused "an API key without the scope ssh:login"

ssh_login bob "${TOK[alice]}" "$CMD"
refused "alice's token logging in as bob"

ssh_login alice "${TOK[long]}" "$CMD"
refused "a 1100-byte token (the ssh client sends its first 1023 bytes)"
# The module tells the user of the cut through the PAM conversation
# (its log line with hint=...1023... is at LOG_NOTICE, which pam_wrapper
# does not show under sshd: tests/pam/test_module.sh checks the hint).
like "${SSH_LOGIN_STDERR:-}$(ssh_login_log)" 'cut at 1023 bytes' \
	"1100-byte token: the user is told of the 1023-byte cut" || login_ctx

# A module error is logged at LOG_ERR, which sshd's log does show: the
# control for the "not a module error" checks above.
conf badleeway "leeway = abc"
service badleeway
ssh_login alice "${TOK[alice]}" "$CMD"
is "$SSH_LOGIN_SHELL_RAN" 0 "a config error (leeway = abc): the shell did not run" || login_ctx
like "$(ssh_login_log)" 'SYSLOG\(3\): configuration error: .*leeway' \
	"a config error: the module's LOG_ERR line is in the sshd log" || login_ctx
service main

# ---------------------------------------------------------------------
# A brute force over SSH: many wrong API keys from one address reach the
# issuer ratelimit_rhost times, then the legitimate user logs in (her
# token, and her API key answered from the host's cache)
# ---------------------------------------------------------------------
if [ "$ASAN" = 1 ]; then
	# Junk keys need the network, which the module has no way to
	# reach under ASan in sshd (see above).
	skip "brute force over SSH" "the module cannot reach the network under ASan in sshd"
else
	conf brute "ratelimit_rhost = 4/600" "apikey_negative_ttl = 0"
	service brute
	ssh_login alice "$KEY_ALICE" "$CMD"
	accepted "brute force: alice's API key before it (1 of 4, now cached)"
	fk_reset_counts
	nref=0
	for i in $(seq 1 12); do
		junk="kp_brute_${i}_$(pk_rand)"
		printf '%s\n' "$junk" >>"$T/secrets"
		ssh_login alice "$junk" "$CMD"
		[ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] &&
			nref=$((nref + 1))
	done
	is "$nref" 12 "brute force: 12 wrong API keys over SSH are all refused"
	is "$(fk_count /api/v1/api_keys/verify)" 3 \
		"brute force: only 3 reached the issuer (ratelimit_rhost 4/600)"
	ssh_login alice "${TOK[alice]}" "$CMD"
	accepted "brute force: then alice logs in with her token"
	ssh_login alice "$KEY_ALICE" "$CMD"
	accepted "brute force: and with her API key (cached: the issuer is not asked)"
	is "$(fk_count /api/v1/api_keys/verify)" 3 \
		"brute force: her logins sent no verification"
	service main
fi

# ---------------------------------------------------------------------
# account_check = kinde: a token login by a user Kinde removed from the
# organization is refused at the account stage; a public-key login is
# admitted by the check alone, then refused once Kinde suspends the user
# (after the decision's TTL)
# ---------------------------------------------------------------------
if [ "$ASAN" = 1 ]; then
	skip "account_check over SSH" "the module cannot reach the network under ASan in sshd"
else
	fk_ctl POST clients "{\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\",\"scopes\":[\"read:api_keys\",\"read:users\",\"read:organization_users\",\"read:organization_user_roles\",\"read:organization_user_permissions\"]}" >/dev/null
	fk_ctl POST users '{"id":"kp_e2e_alice","organizations":{"org_e2e":{"roles":["ssh"]}}}' >/dev/null
	fk_ctl POST users '{"id":"kp_e2e_bob","organizations":{"org_e2e":{"roles":["ssh"]}}}' >/dev/null
	printf 'kp_e2e_alice alice\nkp_e2e_bob bob\n' >"$E/user_map"
	chmod 644 "$E/user_map"
	conf acct "user_map_file = $E/user_map" "allowed_orgs = org_e2e" \
		"require_roles = ssh" "account_cache_ttl = 1"
	pk_mint_batch < <(printf '%s\n' \
		"bob_e2e --sub kp_e2e_bob --org org_e2e --scp ssh:login --role ssh" \
		"bob_e2e2 --sub kp_e2e_bob --org org_e2e --scp ssh:login --role ssh") ||
		{ echo "Bail out! minting failed"; exit 99; }
	sshd_write_service sshd-kinde "\
auth     required  $PK_MODULE config=$E/kinde-acct.conf
account  required  $PK_MODULE config=$E/kinde-acct.conf account_check=kinde
session  required  pam_permit.so"
	ssh_login bob "${TOK[bob_e2e]}" "$CMD"
	accepted "account_check: bob's token while Kinde lists him in org_e2e"
	fk_ctl POST orgs/remove '{"org_code":"org_e2e","user_id":"kp_e2e_bob"}' >/dev/null
	sleep 2	# older than account_cache_ttl 1, whatever the load
	fk_reset_counts
	ssh_login bob "${TOK[bob_e2e2]}" "$CMD"
	refused "account_check: bob's valid token after Kinde removed him from org_e2e"
	cmp_num "$(fk_count /api/v1/user)" -ge 1 "account_check: refused at the account stage, which asked Kinde" || login_ctx

	# Public keys only: PAM's auth stage does not run; the account stage
	# (Kinde) decides.  Match all: sshd keeps the first value of a
	# keyword, except in a Match block.
	ssh-keygen -q -t ed25519 -N '' -f "$T/id_e2e" >/dev/null
	cp "$T/id_e2e.pub" "$E/authorized_keys"
	chmod 644 "$E/authorized_keys"
	sshd_stop
	sshd_write_service sshd-kinde "\
auth     required  pam_deny.so
account  required  $PK_MODULE config=$E/kinde-acct.conf account_check=kinde
session  required  pam_permit.so"
	SSHD_EXTRA_CONFIG="Match all
	PubkeyAuthentication yes
	AuthenticationMethods publickey
	AuthorizedKeysFile $E/authorized_keys"
	sshd_start sshd-kinde || { echo "Bail out! sshd (public keys) did not start"; exit 99; }
	SSH_LOGIN_OPTS=(-o PreferredAuthentications=publickey -o PubkeyAuthentication=yes
		-o IdentityFile="$T/id_e2e" -o IdentitiesOnly=yes)
	fk_reset_counts
	ssh_login alice unused "$CMD"
	accepted "account_check: alice's public key, Kinde allows her"
	like "$(ssh_login_log)" 'Accepted publickey for alice' "account_check: sshd accepted a public key" || login_ctx
	cmp_num "$(fk_count /api/v1/user)" -ge 1 "account_check: the key login asked Kinde" || login_ctx
	fk_ctl POST users/suspend '{"id":"kp_e2e_alice"}' >/dev/null
	sleep 2	# older than account_cache_ttl 1
	ssh_login alice unused "$CMD"
	refused "account_check: alice's public key after Kinde suspended her"
	ssh_login carol unused "$CMD"
	refused "account_check: carol's public key, not mapped to a Kinde user"
	unset SSH_LOGIN_OPTS
	SSHD_EXTRA_CONFIG=
	sshd_stop
fi

# ---------------------------------------------------------------------
# Nothing secret in sshd's log; no sanitizer report
# ---------------------------------------------------------------------
leaks=0
while IFS= read -r s; do
	[ -n "$s" ] || continue
	grep -qF -- "$s" "$SSHD_LOG" && { leaks=$((leaks + 1)); diag "secret ${s:0:12}... in the sshd log"; }
done <"$T/secrets"
is "$leaks" 0 "no token, API key or client secret in the sshd log (DEBUG3)"
is "$(pk_san_errors "$SSHD_LOG" | grep -c .)" 0 "no ASan/UBSan report in the sshd log" ||
	diag "$(pk_san_errors "$SSHD_LOG" | head -5)"
if [ "$VG" = 1 ]; then
	vgerr=$(cat "$SSHD_DIR"/vg/sshd.* 2>/dev/null | grep -c '^==[0-9]*== [A-Z]')
	is "$vgerr" 0 "valgrind: no memory error in sshd and the module ($(ls "$SSHD_DIR"/vg | wc -l) processes)" ||
		diag "$(cat "$SSHD_DIR"/vg/sshd.* | head -40)"
fi

tap_done
