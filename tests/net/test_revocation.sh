#!/bin/bash
# test_revocation.sh - how long until a revoked credential stops logging
# in (issue 16), against the fake Kinde issuer, and the means this host
# has to make it sooner: deny_file (refused at once, before any request,
# for every method, reason=denied), `kinde-auth cache flush` (the next
# login asks the issuer again), jwks_max_age (a cached key set trusted for
# a known time whatever the issuer's max-age).
#
# Each delay is MEASURED and printed as a "# MEASURED" line: pam_kinde(8)'s
# REVOCATION table gives them.  Real seconds where the option allows a
# short value (apikey_cache_ttl); the clock stepped with --now where the
# option's least value is a minute or more (jwks_max_age, token lifetime).
#
#   top_srcdir=... top_builddir=... PYTHON3=/usr/bin/python3 \
#       bash tests/net/test_revocation.sh

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

NET=$top_builddir/.libs/kinde-net.so
T0=$(now_s)
fk_start || { echo "Bail out! the fake Kinde server did not start"; exit 99; }
VERIFY_PATH=/api/v1/api_keys/verify
JWKS_PATH=/.well-known/jwks

measured() {	# measured WHAT SECONDS: a line for the report
	diag "MEASURED: $1: $2"
	printf '%s: %s\n' "$1" "$2" >>"$T/measured"
}
rnd() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
apikey_add() {	# apikey_add KEY JSON-MEMBERS
	fk_ctl POST apikeys "{\"api_key\":\"$1\"${2:+,$2}}" >/dev/null ||
		diag "registering an API key failed"
}
reason() { json_get "$KA_OUT" 'd.get("reason")'; }
mint() { fk_mint --scp openid --scp ssh:login --ttl 300000 "$@"; }
current_kid() { json_get "$(fk_ctl GET keys)" 'd["current"]'; }

DENY=$T/deny
printf '# deny_file of test_revocation\n' >"$DENY"
chmod 644 "$DENY"
CONF=$T/kinde.conf
fk_conf "$CONF" "net_module = $NET" "require_scopes = ssh:login" "deny_file = $DENY"
C1=$FK_CACHE

# ============================================================ deny_file ==

GOOD=$(mint --sub kp_alice)
kinde_auth verify --config "$CONF" --explain "$GOOD"
is "$KA_RC" 0 "deny_file with nothing listed: a token is accepted"
like "$KA_OUT" 'deny_file +kid, sub and jti not listed' "verify --explain shows the deny_file check"

# A listed sub, with a cold cache: refused before any request.
BOB=$(mint --sub kp_bob)
echo "sub kp_bob" >>"$DENY"
fk_reset_counts
kinde_auth verify --config "$CONF" -o "cache_dir=$T/cold1" --json "$BOB"
is "$KA_RC/$(reason)" 1/denied "a listed sub: refused (exit 1, reason denied)"
is "$(fk_total)" 0 "a listed sub, cold cache: refused before any request to the issuer"
measured "deny_file (sub), next login after the line is added" "refused at once, 0 requests"
kinde_auth verify --config "$CONF" --explain "$BOB"
is "$KA_RC" 1 "a listed sub, warm cache: refused"
like "$KA_OUT" 'deny_file +sub "kp_bob" is listed in .*/deny' "verify --explain names the entry and the file"
kinde_auth verify --config "$CONF" "$GOOD"
is "$KA_RC" 0 "another sub still logs in"

# A listed jti: that token only.
JTI=$(json_get "$(printf '%s' "$GOOD" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null)" 'd["jti"]')
GOOD2=$(mint --sub kp_alice)
echo "jti $JTI" >>"$DENY"
kinde_auth verify --config "$CONF" --json "$GOOD"
is "$KA_RC/$(reason)" 1/denied "a listed jti: that token is refused"
kinde_auth verify --config "$CONF" "$GOOD2"
is "$KA_RC" 0 "a listed jti: another token of the same user logs in"

# A listed kid: every token of that signing key.
KID=$(current_kid)
echo "kid $KID" >>"$DENY"
fk_reset_counts
kinde_auth verify --config "$CONF" -o "cache_dir=$T/cold2" --json "$GOOD2"
is "$KA_RC/$(reason)" 1/denied "a listed kid: every token of that key is refused"
is "$(fk_total)" 0 "a listed kid, cold cache: refused before any request"
printf '# deny_file of test_revocation\nsub kp_bob\n' >"$DENY"

# The module: the same refusal, logged reason=denied.
MODULE=$top_builddir/pam/.libs/pam_kinde.so
NSSW=$(find_system_lib libnss_wrapper.so)
if [ -n "$NSSW" ] && [ -e "$MODULE" ]; then
	mkdir -p "$T/pam.d" "$T/home"
	printf 'kp_bob:x:%s:%s::%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$T/home" >"$T/passwd"
	printf 'kp_bob:x:%s:\n' "$(id -g)" >"$T/group"
	printf 'auth required %s config=%s\naccount required %s config=%s\n' \
		"$MODULE" "$CONF" "$MODULE" "$CONF" >"$T/pam.d/kinde-rev"
	: "${ASAN_PRELOAD:=}"
	env LD_PRELOAD="${ASAN_PRELOAD:+$ASAN_PRELOAD:}$NSSW" NSS_WRAPPER_PASSWD="$T/passwd" \
		NSS_WRAPPER_GROUP="$T/group" timeout 60 "$KINDE_AUTH" pam-test --confdir "$T/pam.d" \
		kinde-rev kp_bob <<<"$BOB" >"$T/pt.out" 2>"$T/pt.err"
	PT_RC=$?
	if grep -q 'needs Linux-PAM >= 1.4' "$T/pt.err"; then
		skip "pam_kinde logs reason=denied" "kinde-auth was built without pam_start_confdir"
	else
		is "$PT_RC" 1 "pam_kinde: a token of a listed sub is refused (pam-test exit 1)"
		like "$(cat "$T/pt.out")" 'result=failure pam=PAM_AUTH_ERR reason=denied .*detail="sub \\x22kp_bob\\x22 is listed' \
			"pam_kinde logs the refusal as reason=denied, naming the entry"
	fi
else
	skip "pam_kinde logs reason=denied" "libnss_wrapper.so or the module is missing"
fi

# API keys: key_id is known from the issuer's answer only.
KEY_D=k_live_$(rnd 16)
apikey_add "$KEY_D" '"scopes":["ssh:login"],"key_id":"kid_denyme","user_id":"kp_carol"'
echo "key_id kid_denyme" >>"$DENY"
fk_reset_counts
kinde_auth apikey --config "$CONF" --json "$KEY_D"
is "$KA_RC/$(reason)" 1/denied "a listed key_id: the API key is refused (reason denied)"
is "$(fk_count $VERIFY_PATH)" 1 "  after the issuer named its key_id (one verification request)"
printf '# deny_file of test_revocation\nsub kp_bob\n' >"$DENY"
kinde_auth apikey --config "$CONF" "$KEY_D"
is "$KA_RC/$(fk_count $VERIFY_PATH)" 0/2 "line removed: the key is asked again, never cached as accepted while listed"
# Cached as accepted, then listed: refused from the cache, the entry dropped.
echo "key_id kid_denyme" >>"$DENY"
kinde_auth apikey --config "$CONF" --json "$KEY_D"
is "$KA_RC/$(reason)/$(fk_count $VERIFY_PATH)" 1/denied/2 \
	"a cached accepted key, then listed: refused at once, without a request"
measured "deny_file (key_id), next login after the line is added" "refused at once, from the cache too"
printf '# deny_file of test_revocation\nsub kp_bob\n' >"$DENY"
kinde_auth apikey --config "$CONF" "$KEY_D"
is "$KA_RC/$(fk_count $VERIFY_PATH)" 0/3 "  and its cached answer was dropped (asked again)"
KEY_U=k_live_$(rnd 16)
apikey_add "$KEY_U" '"scopes":["ssh:login"],"key_id":"kid_u","user_id":"kp_bob"'
kinde_auth apikey --config "$CONF" --json "$KEY_U"
is "$KA_RC/$(reason)" 1/denied "an API key of a listed sub (its user_id) is refused"

# The file itself: a bad line, a file others can change, a missing file.
printf 'sub kp_1\nuser kp_2\n' >"$T/deny.bad"
chmod 644 "$T/deny.bad"
kinde_auth verify --config "$CONF" -o "deny_file=$T/deny.bad" "$GOOD2"
is "$KA_RC" 2 "a bad line in deny_file: configuration error (exit 2)"
like "$KA_ERR" 'deny_file .*/deny\.bad:2: "user" is not sub, key_id, jti or kid' "  naming file:line"
cp "$DENY" "$T/deny.open"
chmod 666 "$T/deny.open"
kinde_auth verify --config "$CONF" -o "deny_file=$T/deny.open" "$GOOD2"
is "$KA_RC" 2 "a deny_file others can write: refused at load (exit 2)"
like "$KA_ERR" 'deny_file .*deny\.open' "  the message names it"
kinde_auth verify --config "$CONF" -o "deny_file=$T/none" "$GOOD2"
is "$KA_RC" 2 "a missing deny_file: configuration error (fail closed)"

# ========================================= revoked at Kinde: API keys ==

fk_conf "$T/ttl.conf" "net_module = $NET" "require_scopes = ssh:login" "apikey_cache_ttl = 3"
KEY_R=k_live_$(rnd 16)
apikey_add "$KEY_R" '"scopes":["ssh:login"]'
kinde_auth apikey --config "$T/ttl.conf" "$KEY_R"
is "$KA_RC" 0 "API key accepted (and cached for apikey_cache_ttl = 3 s)"
CACHED_AT=$(now_s)
apikey_add "$KEY_R" '"status":"revoked","scopes":["ssh:login"]'
REVOKED_AT=$(now_s)
kinde_auth apikey --config "$T/ttl.conf" "$KEY_R"
is "$KA_RC" 0 "revoked at Kinde: still accepted from the cache right after"
rc=0
for _ in $(seq 1 60); do
	kinde_auth apikey --config "$T/ttl.conf" "$KEY_R"
	rc=$KA_RC
	[ "$rc" -ne 0 ] && break
	sleep 0.2
done
DELAY=$(elapsed "$REVOKED_AT")
AGE=$(elapsed "$CACHED_AT")
is "$rc" 1 "revoked at Kinde: refused once the cached answer expires"
cmp_num "${AGE%.*}" -ge 2 "  not before apikey_cache_ttl ($AGE s after it was cached)"
cmp_num "${AGE%.*}" -le 4 "  and within apikey_cache_ttl + 1 s ($AGE s after it was cached)"
measured "API key revoked at Kinde, apikey_cache_ttl = 3" "refused ${DELAY} s after the revocation (${AGE} s after the answer was cached)"

# cache flush --apikeys: at once.
fk_conf "$T/long.conf" "net_module = $NET" "require_scopes = ssh:login" "apikey_cache_ttl = 600"
KEY_F=k_live_$(rnd 16)
apikey_add "$KEY_F" '"scopes":["ssh:login"]'
kinde_auth apikey --config "$T/long.conf" "$KEY_F"
is "$KA_RC" 0 "API key accepted, cached for 600 s"
apikey_add "$KEY_F" '"status":"revoked","scopes":["ssh:login"]'
kinde_auth apikey --config "$T/long.conf" "$KEY_F"
is "$KA_RC" 0 "revoked at Kinde: accepted from the cache"
kinde_auth cache flush --config "$T/long.conf" --apikeys --json
is "$KA_RC" 0 "cache flush --apikeys: exit 0"
is "$(json_get "$KA_OUT" '[d["removed"], d["total"]]')" '[{"apikeys": 1}, 1]' \
	"cache flush --apikeys --json: says it removed one API-key answer"
FLUSHED_AT=$(now_s)
kinde_auth apikey --config "$T/long.conf" --json "$KEY_F"
is "$KA_RC/$(reason)" 1/key-inactive "after cache flush --apikeys: the revoked key is refused at the next login"
measured "API key revoked at Kinde, then cache flush --apikeys" "refused at the next login ($(elapsed "$FLUSHED_AT") s after the flush)"
kinde_auth cache flush --config "$T/long.conf" --m2m
is "$KA_RC" 0 "cache flush --m2m: exit 0"
like "$KA_OUT" 'm2m +1 removed' "cache flush --m2m: the M2M token used for the verification is removed"
kinde_auth cache flush --config "$T/long.conf" --account
like "$KA_OUT" 'account +0 removed.*'$'\n''nothing to flush' "cache flush --account: nothing to flush (no account-check cache yet)"

# ====================================== signing key rotated out (jwks) ==

# The issuer says its key set may be cached for 31 years.
fk_ctl POST config '{"jwks_max_age": 1000000000}' >/dev/null
fk_conf "$T/age.conf" "net_module = $NET" "require_scopes = ssh:login" "jwks_max_age = 120"
AGE_CACHE=$FK_CACHE
fk_conf "$T/default.conf" "net_module = $NET" "require_scopes = ssh:login"
DEF_CACHE=$FK_CACHE
fk_conf "$T/flush.conf" "net_module = $NET" "require_scopes = ssh:login"
OLD=$(mint --sub kp_dave)
NOW=$(date +%s)
for c in age default flush; do
	kinde_auth verify --config "$T/$c.conf" "$OLD"
	is "$KA_RC" 0 "$c.conf: a token of the current key is accepted (key set cached)"
done
is "$(json_get "$(head -1 "$(ls -d "$AGE_CACHE"/jwks-* | grep -v '\.lock$')")" 'd["expires_at"] - d["fetched_at"]')" 120 \
	"jwks_max_age = 120 with max-age=1000000000: the entry expires 120 s after the fetch"
fk_ctl POST rotate '{"keep_old": false}' >/dev/null
kinde_auth verify --config "$T/age.conf" --now $((NOW + 119)) "$OLD"
is "$KA_RC" 0 "key rotated out at the issuer: still trusted 119 s after the fetch (jwks_max_age 120)"
kinde_auth verify --config "$T/age.conf" --now $((NOW + 122)) --json "$OLD"
is "$KA_RC/$(reason)" 1/kid "  refused 122 s after the fetch: the key set was fetched again, the kid is gone"
measured "signing key rotated out, jwks_max_age = 120 (issuer max-age 1e9)" "trusted at +119 s, refused at +122 s after the fetch"
kinde_auth verify --config "$T/default.conf" --now $((NOW + 86398)) "$OLD"
is "$KA_RC" 0 "default jwks_max_age, issuer max-age 1e9: still trusted after 86398 s"
kinde_auth verify --config "$T/default.conf" --now $((NOW + 86402)) --json "$OLD"
is "$KA_RC/$(reason)" 1/kid "  refused after 86402 s: at most 24 h, whatever the issuer says"
measured "signing key rotated out, default jwks_max_age (issuer max-age 1e9)" "trusted at +86398 s, refused at +86402 s"
# An entry written under a laxer setting is held to the stricter one.
kinde_auth verify --config "$T/default.conf" -o jwks_max_age=60 --now $((NOW + 62)) --json "$OLD"
is "$KA_RC/$(reason)" 1/kid "an entry cached under 24 h, read with jwks_max_age = 60: refused after 62 s"
kinde_auth verify --config "$T/default.conf" -o jwks_max_age=59 "$OLD"
is "$KA_RC" 2 "jwks_max_age below 60: a configuration error"

# cache flush --jwks: at once.
kinde_auth verify --config "$T/flush.conf" "$OLD"
is "$KA_RC" 0 "key rotated out, cached key set: the old key's token is still accepted"
kinde_auth cache flush --config "$T/flush.conf" --jwks --json
is "$(json_get "$KA_OUT" '[d["removed"]["jwks"], d["removed"]["discovery"] >= 0]')" '[1, true]' \
	"cache flush --jwks --json: one key set removed"
kinde_auth verify --config "$T/flush.conf" --json "$OLD"
is "$KA_RC/$(reason)" 1/kid "after cache flush --jwks: refused at the next login"
measured "signing key rotated out, then cache flush --jwks" "refused at the next login"
NEW=$(mint --sub kp_dave)
kinde_auth verify --config "$T/flush.conf" "$NEW"
is "$KA_RC" 0 "after the flush: a token of the new key is accepted"
kinde_auth cache flush --config "$T/flush.conf" --all
is "$KA_RC" 0 "cache flush --all: exit 0"
like "$KA_OUT" 'jwks +1 removed' "cache flush --all: removes the key set"
kinde_auth cache flush --config "$T/flush.conf" --all
like "$KA_OUT" 'nothing to flush' "cache flush --all again: nothing to flush"
kinde_auth cache flush --config "$T/flush.conf"
is "$KA_RC" 2 "cache flush without a kind: usage error"

# Only the owner of cache_dir (root for the system cache) may flush it.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	ROOTC=$T/rootcache
	mkdir -m 700 "$ROOTC"
	touch "$ROOTC/jwks-0123456789abcdef0123456789abcdef"
	chmod 755 "$T"	# nobody must reach kinde-auth's arguments only
	timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$KINDE_AUTH" cache flush \
		--no-config --cache-dir "$ROOTC" --all >"$T/np.out" 2>"$T/np.err"
	NP_RC=$?
	chmod 700 "$T"
	if [ "$NP_RC" -eq 126 ] || [ "$NP_RC" -eq 127 ]; then
		skip "cache flush as another uid is refused" "uid 65534 cannot run $KINDE_AUTH here"
	else
		is "$NP_RC" 2 "cache flush as uid 65534 of root's cache: refused (exit 2)"
		like "$(cat "$T/np.err")" 'belongs to uid 0: only its owner' "  saying whose it is"
		[ -e "$ROOTC/jwks-0123456789abcdef0123456789abcdef" ]
		ok $? "  and nothing is removed"
	fi
else
	# Without root: a cache dir root owns (/) is refused the same way.
	kinde_auth cache flush --no-config --cache-dir / --all
	is "$KA_RC" 2 "cache flush of a directory another uid owns: refused (exit 2)"
	like "$KA_ERR" 'only its owner' "  saying whose it is"
fi

# ======================= user suspended / removed from the organization ==

# No account check yet: a token of a suspended user logs in until it
# expires (exp + leeway); an API key until Kinde stops answering active
# and apikey_cache_ttl has passed.
SHORT=$(fk_mint --scp openid --scp ssh:login --sub kp_erin --ttl 600)
EXP=$(json_get "$(printf '%s' "$SHORT" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null)" 'd["exp"]')
kinde_auth verify --config "$T/flush.conf" --now $((EXP + 59)) "$SHORT"
is "$KA_RC" 0 "a user's token (suspended in Kinde, no account check yet): accepted up to exp + leeway (60 s)"
kinde_auth verify --config "$T/flush.conf" --now $((EXP + 61)) --json "$SHORT"
is "$KA_RC/$(reason)" 1/expired "  refused after exp + leeway"
measured "user suspended or removed from the org (token)" "accepted until exp + leeway (token lifetime + 60 s)"

diag "runtime: $(elapsed "$T0")s"
tap_done
exit $?
