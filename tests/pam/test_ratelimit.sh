#!/bin/bash
# test_ratelimit.sh - the host-wide limiter and lockout through a real PAM
# stack against the fake Kinde server: junk API keys from one host reach
# the issuer at most ratelimit_rhost times while token logins go on; the
# host-wide verification budget; a 429 on verifications does not stop a
# key-set fetch; lockout and unlock.
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

VERIFY=/api/v1/api_keys/verify
TOKEN=$(fk_mint --sub alice --scp openid --scp ssh:login)
junk() { printf 'kp_junk_%s_%s' "$1" "$(pk_rand)"; }

# --- ratelimit_rhost: 50 junk keys from one host -----------------------
pk_conf "$T/rl.conf" "require_scopes = ssh:login" "ratelimit_rhost = 5/600" \
	"apikey_negative_ttl = 0"
pk_kinde_service rl "$T/rl.conf"
STATE=$(sed -n 's/^state_dir = //p' "$T/rl.conf")
fk_reset_counts
limited=0 refused=0
for i in $(seq 1 50); do
	pk_login --no-acct --rhost 203.0.113.7 rl alice "$(junk "$i")"
	[ "$PK_AUTH" = PAM_AUTH_ERR ] && refused=$((refused + 1))
	[ "$(pk_field "$(pk_decision auth)" reason)" = rate-limited ] &&
		limited=$((limited + 1))
done
is "$refused" 50 "50 junk API keys from one host: all PAM_AUTH_ERR"
is "$(fk_count "$VERIFY")" 5 "  only ratelimit_rhost (5) of them reached the issuer"
is "$limited" 45 "  45 logged reason=rate_limited"
log_like 'limit ratelimit_rhost \(5/600s\) reached for 203\.0\.113\.7; its window frees at 20[0-9-]+ [0-9:]+ UTC' \
	"  the log names the limit, the host and when its window frees"
log_unlike 'kp_junk' "  and never the key itself"
is "$(stat -c %a "$STATE")" 700 "the state_dir was made 0700"
is "$(stat -c %a "$STATE/limit-rhost")" 600 "  its table file is 0600"
before=$(fk_total)
pk_login --rhost 198.51.100.2 rl alice "$TOKEN"
auth_is PAM_SUCCESS "a valid token from another host still logs in"
pk_login --rhost 203.0.113.7 rl alice "$TOKEN"
auth_is PAM_SUCCESS "  and one from the limited host too (no network: not counted)"
is "$(fk_total)" "$before" "  the two token logins made no request (the key set is warm)"
pk_login --no-acct --rhost 198.51.100.2 rl alice "$(junk other)"
reason_is key-invalid "a junk key from another host is still asked about"
rlgood="kp_rlgood_$(pk_rand)"
pk_apikey "$rlgood" '"scopes":["ssh:login"],"user_id":"alice"'
pk_login --rhost 198.51.100.2 rl alice "$rlgood"
auth_is PAM_SUCCESS "a valid API key from another host logs in"
before=$(fk_count "$VERIFY")
pk_login --rhost 203.0.113.7 rl alice "$rlgood"
auth_is PAM_SUCCESS "  and from the limited host too: answered from the cache, nothing counted"
is "$(fk_count "$VERIFY")" "$before" "  with no verification sent"

# --- ratelimit_verify: the host-wide budget, not spent by the cache ----
pk_conf "$T/budget.conf" "require_scopes = ssh:login" "ratelimit_verify = 3/600" \
	"apikey_negative_ttl = 0"
pk_kinde_service budget "$T/budget.conf"
good="kp_good_$(pk_rand)"
pk_apikey "$good" '"scopes":["ssh:login"],"user_id":"alice"'
fk_reset_counts
pk_login budget alice "$good"
auth_is PAM_SUCCESS "a valid key (verification 1 of 3)"
for i in 1 2 3 4; do
	pk_login --no-acct --rhost "192.0.2.$i" budget bob "$(junk "b$i")"
done
is "$(fk_count "$VERIFY")" 3 "junk keys from four hosts: the host-wide budget (3) holds"
reason_is rate-limited "  the 4th: reason=rate_limited"
log_like 'limit ratelimit_verify \(3/600s\) reached for this host' "  naming ratelimit_verify"
is "$PK_AUTH" PAM_AUTH_ERR "  PAM_AUTH_ERR, not PAM_AUTHINFO_UNAVAIL"
# The prompt is the same when limited (the budget is spent).
if pk_pamtester budget bob "$(junk prompt)"; then
	is "$PT_PROMPTED" 1 "pamtester: a limited login is prompted as usual"
	is "$(fk_count "$VERIFY")" 3 "  and refused without a verification"
else
	skip "pamtester: a limited login is prompted" "pamtester or pam_wrapper not installed"
fi
pk_login budget alice "$good"
auth_is PAM_SUCCESS "the valid key still logs in: answered from the cache, no verification"
is "$(fk_count "$VERIFY")" 3 "  and nothing more reached the issuer"

# --- a 429 on verifications does not stop a key-set fetch ---------------
pk_conf "$T/cold.conf" "require_scopes = ssh:login"
pk_kinde_service cold "$T/cold.conf"
fk_reset_counts
fk_fault "{\"path\":\"$VERIFY\",\"kind\":\"429\",\"reset_after\":600}"
pk_login --no-acct cold alice "$(junk 429)"
auth_is PAM_AUTHINFO_UNAVAIL "the issuer's 429 on verification: PAM_AUTHINFO_UNAVAIL"
pk_login --no-acct cold alice "$(junk 429b)"
is "$(fk_count "$VERIFY")" 1 "  and the next verification waits for it (no request)"
fk_clear_faults
# Cold: the key set the M2M token's check fetched is dropped; the 429
# window on verifications stays recorded.
COLD_CACHE=$(sed -n 's/^cache_dir = //p' "$T/cold.conf")
rm -f "$COLD_CACHE"/jwks-*
ok "ls '$COLD_CACHE'/ratelimit-* >/dev/null 2>&1" "the verify endpoint's 429 window is recorded"
fk_reset_counts
pk_login cold alice "$TOKEN"
auth_is PAM_SUCCESS "a cold-cache token login still fetches the key set and succeeds"
is "$(fk_count /.well-known/jwks)" 1 "  one key-set request"

# --- lockout -------------------------------------------------------------
# The nss_wrapper users have the test's uid: 0 when run as root, and uid
# 0 under any name is exempt unless lockout_even_deny_root.
EVEN_ROOT=()
[ "$(id -u)" = 0 ] && EVEN_ROOT=("lockout_even_deny_root = yes")
pk_conf "$T/lock.conf" "require_scopes = ssh:login" "lockout_deny = 3" \
	"lockout_interval = 600" "lockout_unlock_time = 4" "apikey_negative_ttl = 0" \
	"${EVEN_ROOT[@]}"
pk_kinde_service lock "$T/lock.conf"
pk_login --no-acct lock carol "$(junk l1)"
pk_login --no-acct lock carol "$(junk l2)"
pk_login lock carol "$(fk_mint --sub carol --scp ssh:login)"
auth_is PAM_SUCCESS "two failures then a success"
pk_login --no-acct lock carol "$(junk l3)"
pk_login --no-acct lock carol "$(junk l4)"
pk_login lock carol "$(fk_mint --sub carol --scp ssh:login)"
auth_is PAM_SUCCESS "  the success reset the count: two more failures do not lock"
for i in 5 6 7; do
	pk_login --no-acct lock carol "$(junk "l$i")"
done
fk_reset_counts
pk_login lock carol "$(fk_mint --sub carol --scp ssh:login)"
auth_is PAM_AUTH_ERR "three failures in a row lock carol out, a valid token too"
reason_is rate-limited "  reason=rate_limited"
log_like 'locked out: 3 failures within 600s \(lockout_deny\); unlocks at' "  the log says until when"
pk_login --no-acct lock carol "$(junk l8)"
is "$(fk_total)" 0 "  a locked user makes no network request"
pk_login lock dave "$(fk_mint --sub dave --scp ssh:login)"
auth_is PAM_SUCCESS "another user is not locked"
sleep 5
pk_login lock carol "$(fk_mint --sub carol --scp ssh:login)"
auth_is PAM_SUCCESS "after lockout_unlock_time carol logs in again"

if [ "$(id -u)" = 0 ]; then
	pk_conf "$T/lock0.conf" "require_scopes = ssh:login" "lockout_deny = 2" \
		"apikey_negative_ttl = 0"
	pk_kinde_service lock0 "$T/lock0.conf"
	for i in 1 2 3; do
		pk_login --no-acct lock0 dave "$(junk "r$i")"
	done
	pk_login lock0 dave "$(fk_mint --sub dave --scp ssh:login)"
	auth_is PAM_SUCCESS "a uid-0 user (dave here) is exempt from the lockout by default"
else
	skip "a uid-0 user is exempt from the lockout" "needs root (the test users share its uid)"
fi

# --- an unusable state_dir fails closed ----------------------------------
pk_conf "$T/bad.conf" "require_scopes = ssh:login"
BAD=$(sed -n 's/^state_dir = //p' "$T/bad.conf")
mkdir -m 777 "$BAD"
chmod 777 "$BAD"
pk_kinde_service bad "$T/bad.conf"
fk_reset_counts
pk_login --no-acct --rhost 203.0.113.9 bad alice "$(junk bad)"
auth_is PAM_SERVICE_ERR "a world-writable state_dir: PAM_SERVICE_ERR (fail closed)"
log_like 'state_dir .*mode 0777' "  the log says why"
is "$(fk_total)" 0 "  and nothing was asked"

tap_done
