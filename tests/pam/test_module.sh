#!/bin/bash
# test_module.sh - pam_kinde.so through a real PAM stack (pam_harness:
# pam_start_confdir, nothing under /etc), against the fake Kinde server:
# every outcome, its PAM return code, the PAM environment it exports and
# the decision line it logs.
#
# Users come from nss_wrapper (alice, bob, carol, dave; see tests/pam/lib.sh).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

# The baseline accepts any token of the issuer on purpose: each section
# below adds exactly the policy it tests (svc NAME KEY=VALUE).
MAIN=$T/main.conf
pk_conf "$MAIN" "allow_any_token = yes"

# Every token and API key used below; none may ever show up in a log line
# or in the PAM environment (checked at the end).
: >"$T/secrets"
note_secret() { printf '%s\n' "$1" >>"$T/secrets"; }

# Every token the test uses, minted in one go (one Python start).
pk_mint_batch <<'EOF_MINT' || { echo "Bail out! minting failed"; exit 99; }
good       --sub alice --org org_alpha --scp openid --scp ssh:login
m2m        --m2m --sub alice --scope "ssh:login admin" --scp ssh:login
alice      --sub alice
multi      --sub kp_multi
nobody     --sub kp_nobody
email1     --sub kp_x1 --email alice@example.com
email2     --sub kp_x2 --email alice@EXAMPLE.com
email3     --sub kp_x3 --email alice@example.com.evil.org
email4     --sub kp_x4 --email alice@evil.org
expired    --sub alice --ttl -3600
aud        --sub alice --aud https://other.example --aud https://api.example.com
noscope    --sub alice --scp openid --scp profile
orgbad     --sub alice --org org_bad
orggood    --sub alice --org org_good
forged     --sub alice --foreign-key --kid @KID@
foreign    --sub alice --foreign-key
tamper     --sub alice --tamper
algnone    --sub alice --alg none
hs256      --sub alice --alg HS256
zed        --sub zed
long1100   --sub alice --pad-to 1100
exact1023  --sub alice --pad-to 1023
newline    --claim 'sub="alice\nstage=auth result=success pam=PAM_SUCCESS"'
esc        --claim 'sub="kp_esc\u001b[31m"'
json       --sub alice --org org_json
expired2   --sub alice --ttl -7200
perm       --sub alice --permission ssh:login
otheriss   --sub alice --issuer https://evil.example
nbf        --sub alice --nbf 4102444800
scpstr     --sub alice --claim 'scp="openid ssh:login"'
EOF_MINT

svc() {	# svc NAME [ARG...]: pam_kinde with the main config and ARGs
	local n=$1
	shift
	pk_kinde_service "$n" "$MAIN" "$@"
}

# ---------------------------------------------------------------------
# Accepted token: codes, environment, decision line
# ---------------------------------------------------------------------
svc plain
tok=${TOK[good]}
pk_login --rhost 192.0.2.7 plain alice "$tok"
auth_is PAM_SUCCESS "token: auth PAM_SUCCESS"
acct_is PAM_SUCCESS "token: acct PAM_SUCCESS"
env_is KINDE_SUB alice "token: KINDE_SUB"
env_is KINDE_ORG_CODE org_alpha "token: KINDE_ORG_CODE"
env_is KINDE_SCOPES "openid ssh:login" "token: KINDE_SCOPES (scp, space-separated)"
env_is KINDE_EXP "$(pk_claim "$tok" exp)" "token: KINDE_EXP is the exp claim"
env_is KINDE_AUTH_METHOD token "token: KINDE_AUTH_METHOD=token"
is "$(printf '%s\n' "$PK_OUT" | grep -c '^env ')" 6 "token: exactly the six KINDE_* variables exported (with KINDE_AUTH_MAC)"
is "$(pk_decision | wc -l)" 1 "token: one decision line for the auth stage"
is "$(pk_decision account | wc -l)" 0 "token: no account line on success without debug"
line=$(pk_decision)
for kv in service=plain user=alice rhost=192.0.2.7 result=success \
	reason=ok method=token sub=alice org_code=org_alpha \
	"kid=$(pk_header "$tok" kid)" "jti=$(pk_claim "$tok" jti)"; do
	is "$(pk_field "$line" "${kv%%=*}")" "${kv#*=}" "token: decision line has ${kv%%=*}" || diag "$line"
done
is "$(pk_decision_prio)" 6 "token: an acceptance is logged at LOG_INFO"

# The M2M flavour: scope (granted) wins over scp (requested).
tok=${TOK[m2m]}
pk_login plain alice "$tok"
auth_is PAM_SUCCESS "m2m token: auth PAM_SUCCESS"
env_is KINDE_SCOPES "ssh:login admin" "m2m token: KINDE_SCOPES is the granted scope string"

# scp as one space-separated string (Entra ID's shape)
pk_login plain alice "${TOK[scpstr]}"
auth_is PAM_SUCCESS "scp a string: auth PAM_SUCCESS"
env_is KINDE_SCOPES "openid ssh:login" "scp a string: KINDE_SCOPES is that string"

# ---------------------------------------------------------------------
# API keys (verified by the issuer through an M2M token with read:api_keys)
# ---------------------------------------------------------------------
key_alice="k_live_alice$(pk_rand)"
note_secret "$key_alice"
pk_apikey "$key_alice" '"scopes":["ssh:login"],"user_id":"alice","org_code":"org_alpha"'
fk_reset_counts
pk_login plain alice "$key_alice"
auth_is PAM_SUCCESS "API key: auth PAM_SUCCESS"
acct_is PAM_SUCCESS "API key: acct PAM_SUCCESS"
env_is KINDE_AUTH_METHOD apikey "API key: KINDE_AUTH_METHOD=apikey"
env_is KINDE_SUB alice "API key: KINDE_SUB is the key's user_id"
env_is KINDE_SCOPES ssh:login "API key: KINDE_SCOPES are the key's scopes"
env_is KINDE_EXP "" "API key: KINDE_EXP empty (keys do not expire in a token sense)"
line=$(pk_decision)
is "$(pk_field "$line" method)" apikey "API key: decision line method=apikey"
like "$(pk_field "$line" key_id)" '^api_key_' "API key: decision line names the key_id" || diag "$line"
is "$(fk_count /api/v1/api_keys/verify)" 1 "API key: one verification request to the issuer"
pk_login plain alice "$key_alice"
auth_is PAM_SUCCESS "API key again: PAM_SUCCESS"
is "$(fk_count /api/v1/api_keys/verify)" 1 "API key again: answered from the cache (no request)"
pk_login plain bob "$key_alice"
auth_is PAM_AUTH_ERR "alice's API key as bob: PAM_AUTH_ERR"
reason_is user "alice's API key as bob: reason=user"
no_kinde_env "alice's API key as bob: no KINDE_* exported"

# An organization key (user_id null) maps "org:<org_code>" via the map file.
key_org="k_live_org$(pk_rand)"
note_secret "$key_org"
pk_apikey "$key_org" '"scopes":["ssh:login"],"user_id":null,"org_code":"org_keys"'
printf '# value users\norg:org_keys alice\nkp_multi alice,carol\n' >"$T/users.map"
printf 'kp_esc\033[31m alice\n' >>"$T/users.map"
chmod 644 "$T/users.map"
svc mapped "user_map_file=$T/users.map"
pk_login mapped alice "$key_org"
auth_is PAM_SUCCESS "org API key mapped org:org_keys -> alice: PAM_SUCCESS"
env_is KINDE_ORG_CODE org_keys "org API key: KINDE_ORG_CODE"
pk_login mapped bob "$key_org"
auth_is PAM_AUTH_ERR "org API key as bob (not in the map): PAM_AUTH_ERR"
pk_login plain alice "$key_org"
auth_is PAM_AUTH_ERR "org API key without a map file: PAM_AUTH_ERR"
reason_is user "org API key without a map file: reason=user"

key_unknown="k_live_unknown$(pk_rand)"
note_secret "$key_unknown"
pk_login plain alice "$key_unknown"
auth_is PAM_AUTH_ERR "unknown API key: PAM_AUTH_ERR"
reason_is key-invalid "unknown API key: reason=key-invalid"
key_revoked="k_live_revoked$(pk_rand)"
note_secret "$key_revoked"
pk_apikey "$key_revoked" '"status":"revoked","scopes":["ssh:login"],"user_id":"alice"'
pk_login plain alice "$key_revoked"
auth_is PAM_AUTH_ERR "revoked API key: PAM_AUTH_ERR"
reason_is key-inactive "revoked API key: reason=key-inactive"
key_forced="k_live_forced$(pk_rand)"
note_secret "$key_forced"
pk_apikey "$key_forced" '"status":"revoked","is_valid":true,"scopes":["ssh:login"],"user_id":"alice"'
pk_login plain alice "$key_forced"
auth_is PAM_AUTH_ERR "is_valid=true but status=revoked: PAM_AUTH_ERR (status must be active)"

svc scope require_scopes=ssh:login
key_noscope="k_live_noscope$(pk_rand)"
note_secret "$key_noscope"
pk_apikey "$key_noscope" '"scopes":["read:stuff"],"user_id":"alice"'
pk_login scope alice "$key_noscope"
auth_is PAM_AUTH_ERR "API key without the required scope: PAM_AUTH_ERR"
reason_is scope "API key without the required scope: reason=scope"
pk_login scope alice "$key_alice"
auth_is PAM_SUCCESS "API key with the required scope: PAM_SUCCESS"

# ---------------------------------------------------------------------
# User mapping
# ---------------------------------------------------------------------
tok=${TOK[alice]}
pk_login plain bob "$tok"
auth_is PAM_AUTH_ERR "alice's token as bob: PAM_AUTH_ERR"
acct_is "" "alice's token as bob: account stage not reached"
reason_is user "alice's token as bob: reason=user"
no_kinde_env "alice's token as bob: no KINDE_* exported"
is "$(pk_decision_prio)" 5 "a refusal is logged at LOG_NOTICE"

tok=${TOK[multi]}
pk_login mapped alice "$tok"
auth_is PAM_SUCCESS "map kp_multi -> alice,carol: alice PAM_SUCCESS"
pk_login mapped carol "$tok"
auth_is PAM_SUCCESS "map kp_multi -> alice,carol: carol PAM_SUCCESS"
pk_login mapped bob "$tok"
auth_is PAM_AUTH_ERR "map kp_multi -> alice,carol: bob PAM_AUTH_ERR"
reason_is user "map kp_multi: bob reason=user"
tok=${TOK[nobody]}
pk_login mapped alice "$tok"
auth_is PAM_AUTH_ERR "unmapped identity with user_map_file: PAM_AUTH_ERR"
log_like 'has no entry in' "unmapped identity: the detail says it has no entry"
tok=${TOK[alice]}
pk_login mapped alice "$tok"
auth_is PAM_AUTH_ERR "with user_map_file, sub equal to the user name but unmapped: PAM_AUTH_ERR"

cp "$T/users.map" "$T/gw.map"
chmod 664 "$T/gw.map"
svc gwmap "user_map_file=$T/gw.map"
tok=${TOK[multi]}
pk_login gwmap alice "$tok"
auth_is PAM_SERVICE_ERR "group-writable map file: PAM_SERVICE_ERR"
log_like 'too open' "group-writable map file: the log says the mode is too open"
chmod 646 "$T/gw.map"
pk_login gwmap alice "$tok"
auth_is PAM_SERVICE_ERR "world-writable map file: PAM_SERVICE_ERR"
svc nomap "user_map_file=$T/missing.map"
pk_login nomap alice "$tok"
auth_is PAM_SERVICE_ERR "missing map file: PAM_SERVICE_ERR"

svc email user_claim=email strip_domain=example.com
tok=${TOK[email1]}
pk_login email alice "$tok"
auth_is PAM_SUCCESS "user_claim=email strip_domain: alice@example.com -> alice"
tok=${TOK[email2]}
pk_login email alice "$tok"
auth_is PAM_SUCCESS "strip_domain compares the domain case-insensitively"
tok=${TOK[email3]}
pk_login email alice "$tok"
auth_is PAM_AUTH_ERR "strip_domain: alice@example.com.evil.org is refused"
tok=${TOK[email4]}
pk_login email alice "$tok"
auth_is PAM_AUTH_ERR "strip_domain: alice@evil.org is refused"
tok=${TOK[alice]}
pk_login email alice "$tok"
auth_is PAM_AUTH_ERR "user_claim=email: a token without email is refused"

# ---------------------------------------------------------------------
# Token checks
# ---------------------------------------------------------------------
tok=${TOK[expired]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "expired token: PAM_AUTH_ERR"
reason_is expired "expired token: reason=expired"
no_kinde_env "expired token: no KINDE_* exported"

svc aud audience=https://api.example.com
tok=${TOK[alice]}
pk_login aud alice "$tok"
auth_is PAM_AUTH_ERR "wrong audience: PAM_AUTH_ERR"
reason_is audience "wrong audience: reason=audience"
tok=${TOK[aud]}
pk_login aud alice "$tok"
auth_is PAM_SUCCESS "right audience (one of several): PAM_SUCCESS"

tok=${TOK[noscope]}
pk_login scope alice "$tok"
auth_is PAM_AUTH_ERR "missing scope: PAM_AUTH_ERR"
reason_is scope "missing scope: reason=scope"

svc org allowed_orgs=org_good
tok=${TOK[orgbad]}
pk_login org alice "$tok"
auth_is PAM_AUTH_ERR "wrong org: PAM_AUTH_ERR"
reason_is org "wrong org: reason=org"
tok=${TOK[orggood]}
pk_login org alice "$tok"
auth_is PAM_SUCCESS "allowed org: PAM_SUCCESS"

tok=${TOK[forged]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "forged signature (foreign key, real kid): PAM_AUTH_ERR"
reason_is signature "forged signature: reason=signature"
tok=${TOK[foreign]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "foreign key with its own kid: PAM_AUTH_ERR"
reason_is kid "foreign key with its own kid: reason=kid"
tok=${TOK[tamper]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "tampered payload: PAM_AUTH_ERR"
reason_is signature "tampered payload: reason=signature"
tok=${TOK[algnone]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "alg=none: PAM_AUTH_ERR"
tok=${TOK[hs256]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "HS256 signed with the public key (alg confusion): PAM_AUTH_ERR"

tok=${TOK[otheriss]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "another issuer's iss (signed by our key): PAM_AUTH_ERR"
reason_is issuer "another issuer's iss: reason=issuer"
pk_login plain alice "${TOK[nbf]}"
auth_is PAM_AUTH_ERR "nbf in 2100: PAM_AUTH_ERR"
reason_is not-yet-valid "nbf in 2100: reason=not-yet-valid"

svc usertok token_types=user
pk_login usertok alice "${TOK[m2m]}"
auth_is PAM_AUTH_ERR "token_types=user with an M2M token: PAM_AUTH_ERR"
reason_is token-type "token_types=user with an M2M token: reason=token-type"
svc client allowed_client_ids=some_other_app
pk_login client alice "${TOK[alice]}"
auth_is PAM_AUTH_ERR "allowed_client_ids without the token's azp: PAM_AUTH_ERR"
reason_is client "allowed_client_ids: reason=client"
svc perm require_permissions=ssh:login
pk_login perm alice "${TOK[alice]}"
auth_is PAM_AUTH_ERR "require_permissions, token without it: PAM_AUTH_ERR"
reason_is permission "require_permissions: reason=permission"
pk_login perm alice "${TOK[perm]}"
auth_is PAM_SUCCESS "require_permissions, token with it: PAM_SUCCESS"

# A token that expired 30 s ago passes auth within the 60 s leeway; an
# account line with leeway=0 then finds it expired (the account stage
# re-checks KINDE_EXP: sshd may sit between the two stages).
pk_service acctexp "auth required $PK_MODULE config=$MAIN" \
	"account required $PK_MODULE config=$MAIN leeway=0"
# (minted here, not with the batch: a slow run, e.g. under valgrind, must
# not carry it past the leeway)
graceexp=$(fk_mint --sub alice --ttl -30)
note_secret "$graceexp"
pk_login acctexp alice "$graceexp"
auth_is PAM_SUCCESS "token expired 30 s ago, leeway 60: auth PAM_SUCCESS"
acct_is PAM_PERM_DENIED "the same, account with leeway=0: PAM_PERM_DENIED"
like "$(pk_decision account)" 'reason=expired' "account expiry: logged with reason=expired" || pk_context

# ---------------------------------------------------------------------
# Configuration errors
# ---------------------------------------------------------------------
svc badleeway leeway=abc
tok=${TOK[alice]}
pk_login badleeway alice "$tok"
auth_is PAM_SERVICE_ERR "leeway=abc: PAM_SERVICE_ERR"
log_like 'configuration error: .*leeway' "leeway=abc: the log line names the key"
svc badalg algorithms=HS256
pk_login badalg alice "$tok"
auth_is PAM_SERVICE_ERR "algorithms=HS256: PAM_SERVICE_ERR"
svc unknownopt no_such_option=1
pk_login unknownopt alice "$tok"
auth_is PAM_SERVICE_ERR "an unknown module argument: PAM_SERVICE_ERR"
log_like 'configuration error: module arguments: unknown option .*no_such_option' "an unknown module argument: the log names it and where"

cp "$MAIN" "$T/gw.conf"
chmod 664 "$T/gw.conf"
pk_kinde_service gwconf "$T/gw.conf"
pk_login gwconf alice "$tok"
auth_is PAM_SERVICE_ERR "group-writable config: PAM_SERVICE_ERR"
log_like "gw.conf.*too open" "group-writable config: the log line names the file"
acct_is "" "group-writable config: no account stage"
cp "$MAIN" "$T/ww.conf"
chmod 602 "$T/ww.conf"
pk_kinde_service wwconf "$T/ww.conf"
pk_login wwconf alice "$tok"
auth_is PAM_SERVICE_ERR "world-writable config: PAM_SERVICE_ERR"
pk_kinde_service noconf /nonexistent/pam_kinde.conf
pk_login noconf alice "$tok"
auth_is PAM_SERVICE_ERR "config=/nonexistent: PAM_SERVICE_ERR"
log_like 'nonexistent' "config=/nonexistent: the log line names the path"
pk_service acctbadconf \
	"auth     required  pam_permit.so" \
	"account  required  $PK_MODULE config=$T/gw.conf"
pk_login acctbadconf alice "$tok"
acct_is PAM_SERVICE_ERR "account stage with a group-writable config: PAM_SERVICE_ERR"

# An API-key login on a host configured without M2M credentials: a
# configuration error, not an unreachable issuer (reason names are a
# contract: kinde-auth diagnose would send the admin to the network).
{
	echo "domain = $FK_ISSUER"
	echo "ca_file = $FK_CA"
	echo "net_module = $PK_NET"
	mkdir -m 700 "$T/cache.nocreds"
	echo "cache_dir = $T/cache.nocreds"
	echo "state_dir = $T/state.nocreds"
	echo "require_scopes = ssh:login"
} >"$T/nocreds.conf"
chmod 600 "$T/nocreds.conf"
pk_kinde_service nocreds "$T/nocreds.conf"
pk_login nocreds alice "$key_alice"
auth_is PAM_SERVICE_ERR "API key, no client_id/client_secret_file configured: PAM_SERVICE_ERR"
log_like 'client_id' "no M2M credentials: the log line says what to configure"
isnt "$(pk_field "$(pk_decision)" reason)" unavailable \
	"no M2M credentials: reason is not \"unavailable\" (nothing was unreachable)" || pk_context

# A client secret readable by others, on an API-key login (fresh cache:
# nothing cached that would spare reading it).
pk_conf "$T/loose.conf" "require_scopes = ssh:login"
chmod 644 "$FK_SECRET_FILE"
pk_kinde_service loose "$T/loose.conf"
pk_login loose alice "$key_alice"
auth_is PAM_SERVICE_ERR "client_secret_file 0644 on an API-key login: PAM_SERVICE_ERR"
log_like 'too open' "client_secret_file 0644: the log says \"too open\""
isnt "$(pk_field "$(pk_decision)" reason)" unavailable \
	"client_secret_file 0644: reason is not \"unavailable\"" || pk_context
no_kinde_env "client_secret_file 0644: no KINDE_* exported"

# ---------------------------------------------------------------------
# Cheap refusals: no network at all (a cold cache, so any attempt to
# fetch keys would show in the counters)
# ---------------------------------------------------------------------
pk_conf "$T/cheap.conf" "require_scopes = openid"
pk_kinde_service cheap "$T/cheap.conf"
sentinel=$'\b\n\r\177INCORRECT'
s40=
while [ ${#s40} -lt 40 ]; do s40+=$sentinel; done
s40=${s40:0:40}
fk_reset_counts
pk_login cheap alice "$s40"
auth_is PAM_AUTH_ERR "sshd's unknown-user sentinel (40 bytes): PAM_AUTH_ERR"
is "$(fk_total)" 0 "sshd's sentinel: zero requests to the issuer"
log_unlike 'INCORRECT' "sshd's sentinel: not logged verbatim"
pk_login cheap alice "${sentinel:0:13}"
auth_is PAM_AUTH_ERR "sshd's sentinel (13 bytes): PAM_AUTH_ERR"
tok=${TOK[zed]}
pk_login cheap zed "$s40"
auth_is PAM_USER_UNKNOWN "user not in passwd, the sentinel: PAM_USER_UNKNOWN"
is "$(fk_total)" 0 "unknown users with sshd's sentinel: zero requests to the issuer"

long_user=$(printf 'a%.0s' $(seq 1 300))
for u in 'a/b' '../alice' $'al\001ice' $'alice\n' "$long_user"; do
	pk_login cheap "$u" "$tok"
	auth_is PAM_USER_UNKNOWN "PAM user $(printf '%q' "${u:0:24}") (${#u} bytes): PAM_USER_UNKNOWN"
done
is "$(fk_total)" 0 "refused user names: zero requests to the issuer"
if pk_pamtester cheap 'a/b' "$tok"; then
	is "$PT_PROMPTED" 0 "PAM user 'a/b': refused without prompting (pamtester)" || diag "$PT_ERR"
	pk_pamtester cheap "$long_user" "$tok"
	is "$PT_PROMPTED" 0 "PAM user of 300 bytes: refused without prompting (pamtester)" || diag "$PT_ERR"
	pk_pamtester cheap $'al\001ice' "$tok"
	is "$PT_PROMPTED" 0 "PAM user with a control character: refused without prompting (pamtester)" || diag "$PT_ERR"
	pk_pamtester cheap alice "$s40"
	is "$PT_PROMPTED" 1 "a valid user name is prompted (control for the two above)" || diag "$PT_ERR"
	pk_pamtester cheap zed "$s40"
	is "$PT_PROMPTED" 1 "an unknown but well-formed user is still prompted (does not tell who exists)" || diag "$PT_ERR"
else
	for i in 1 2 3 4 5; do skip "prompt check $i" "pamtester or libpam_wrapper missing"; done
fi

# (An unknown user's token is validated like anyone's: test_unknown_user.sh.)
pk_login cheap zed "$tok"
auth_is PAM_USER_UNKNOWN "user not in passwd, a valid token: PAM_USER_UNKNOWN"

fk_reset_counts
pk_login cheap alice ""
auth_is PAM_AUTH_ERR "empty secret: PAM_AUTH_ERR"
reason_is malformed "empty secret: reason=malformed"
is "$(fk_total)" 0 "empty secret: zero requests to the issuer"

# ---------------------------------------------------------------------
# The OpenSSH client's 1023-byte cut
# ---------------------------------------------------------------------
x1023=$(printf 'x%.0s' $(seq 1 1023))
pk_login plain alice "$x1023"
auth_is PAM_AUTH_ERR "a 1023-byte non-token answer: PAM_AUTH_ERR"
like "$(pk_field "$(pk_decision)" hint)" '1023' "a 1023-byte answer: the log line carries the truncation hint" || pk_context
long=${TOK[long1100]}
is "${#long}" 1100 "minted a 1100-byte token"
pk_login plain alice "${long:0:1023}"
auth_is PAM_AUTH_ERR "a token cut to 1023 bytes: PAM_AUTH_ERR"
like "$(pk_field "$(pk_decision)" hint)" '1023.*truncat|truncat.*1023' "a token cut to 1023 bytes: hint=... about the SSH client truncating" || pk_context
pk_login plain alice "${long:0:1022}"
auth_is PAM_AUTH_ERR "a token cut to 1022 bytes: PAM_AUTH_ERR"
is "$(pk_field "$(pk_decision)" hint)" "" "a 1022-byte answer: no truncation hint"
pk_login plain alice "$long"
auth_is PAM_SUCCESS "the whole 1100-byte token (no SSH client in between): PAM_SUCCESS"
tok=${TOK[exact1023]}
pk_login plain alice "$tok"
auth_is PAM_SUCCESS "a valid token of exactly 1023 bytes: PAM_SUCCESS"

# ---------------------------------------------------------------------
# mode=
# ---------------------------------------------------------------------
tok=${TOK[alice]}
svc mtoken mode=token
pk_login mtoken alice "$key_alice"
auth_is PAM_AUTH_ERR "mode=token with an API key: PAM_AUTH_ERR"
pk_login mtoken alice "$tok"
auth_is PAM_SUCCESS "mode=token with a token: PAM_SUCCESS"
svc mapikey mode=apikey
pk_login mapikey alice "$tok"
auth_is PAM_AUTH_ERR "mode=apikey with a token: PAM_AUTH_ERR"
pk_login mapikey alice "$key_alice"
auth_is PAM_SUCCESS "mode=apikey with an API key: PAM_SUCCESS"
svc mdevice mode=device
pk_login mdevice alice "$tok"
auth_is PAM_SERVICE_ERR "mode=device (unsupported in this build): PAM_SERVICE_ERR"

# ---------------------------------------------------------------------
# use_first_pass / try_first_pass
# ---------------------------------------------------------------------
SETITEMS=
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
	[ -f "$d/pam_wrapper/pam_set_items.so" ] && SETITEMS=$d/pam_wrapper/pam_set_items.so && break
done
pk_service ufp_alone "auth required $PK_MODULE config=$MAIN use_first_pass"
pk_login ufp_alone alice "$tok"
auth_is PAM_AUTH_ERR "use_first_pass with no earlier module: PAM_AUTH_ERR"
if [ -n "$SETITEMS" ]; then
	# pam_wrapper's pam_set_items.so copies $PAM_AUTHTOK into the item.
	pk_service ufp "auth optional $SETITEMS" \
		"auth required $PK_MODULE config=$MAIN use_first_pass" \
		"account required $PK_MODULE config=$MAIN"
	pk_service tfp "auth optional $SETITEMS" \
		"auth required $PK_MODULE config=$MAIN try_first_pass" \
		"account required $PK_MODULE config=$MAIN"
	pk_login --env "PAM_AUTHTOK=$tok" ufp alice "not-the-token"
	auth_is PAM_SUCCESS "use_first_pass takes PAM_AUTHTOK from an earlier module"
	acct_is PAM_SUCCESS "use_first_pass: acct PAM_SUCCESS"
	pk_login --env "PAM_AUTHTOK=not.a.token" ufp alice "$tok"
	auth_is PAM_AUTH_ERR "use_first_pass never prompts (a bad PAM_AUTHTOK is not replaced)"
	pk_login --env "PAM_AUTHTOK=$tok" tfp alice "not-the-token"
	auth_is PAM_SUCCESS "try_first_pass takes PAM_AUTHTOK from an earlier module"
	pk_login tfp alice "$tok"
	auth_is PAM_SUCCESS "try_first_pass without PAM_AUTHTOK prompts"
else
	for i in 1 2 3 4 5; do skip "first_pass $i" "pam_wrapper's pam_set_items.so not installed"; done
fi
svc bothpass use_first_pass try_first_pass
pk_login bothpass alice "$tok"
auth_is PAM_SERVICE_ERR "use_first_pass together with try_first_pass: PAM_SERVICE_ERR"

# ---------------------------------------------------------------------
# Account stage without our auth (e.g. an SSH public-key login)
# ---------------------------------------------------------------------
# ignore=1 skips pam_deny: PAM_SUCCESS here means the module returned
# PAM_IGNORE (PAM_SUCCESS would "die" with a failure, an error fails).
pk_service acctonly "auth required pam_permit.so" \
	"account [ignore=1 default=die] $PK_MODULE config=$MAIN" \
	"account requisite pam_deny.so" \
	"account required pam_permit.so"
pk_login acctonly alice ""
acct_is PAM_SUCCESS "account without a Kinde auth: PAM_IGNORE"
is "$(pk_decision account | wc -l)" 0 "account PAM_IGNORE: nothing logged"
pk_service acctreq "auth required pam_permit.so" \
	"account required $PK_MODULE config=$MAIN account_requires_auth" \
	"account required pam_permit.so"
pk_login acctreq alice ""
acct_is PAM_PERM_DENIED "account_requires_auth without a Kinde auth: PAM_PERM_DENIED"
like "$(pk_decision account)" 'result=failure pam=PAM_PERM_DENIED' "account_requires_auth: the refusal is logged" || pk_context
pk_service acctreq2 "auth required $PK_MODULE config=$MAIN" \
	"account required $PK_MODULE config=$MAIN account_requires_auth"
pk_login acctreq2 alice "$tok"
acct_is PAM_SUCCESS "account_requires_auth after a Kinde auth: PAM_SUCCESS"

# The account stage trusts only what our auth stage recorded: pam_set_data
# in the same process, else (sshd after its fork) the PAM environment
# authenticated by KINDE_AUTH_MAC under the host secret in cache_dir.
# An application or an earlier module can set PAM environment variables.
pk_login --putenv KINDE_AUTH_METHOD=apikey acctreq alice ""
acct_is PAM_PERM_DENIED "pam_permit auth, app putenv KINDE_AUTH_METHOD=apikey: account PAM_PERM_DENIED"
like "$(pk_decision account)" 'result=failure .*reason=' "forged KINDE_AUTH_METHOD: the refusal is logged with a reason" || pk_context
pk_login --putenv KINDE_AUTH_METHOD=token --putenv KINDE_EXP=4102444800 \
	--putenv KINDE_SUB=alice --putenv KINDE_AUTH_MAC=v1:1:YWxpY2U:00 acctreq alice ""
acct_is PAM_PERM_DENIED "pam_permit auth, forged token record with a made-up MAC: PAM_PERM_DENIED"
like "$(pk_decision account)" 'KINDE_AUTH_MAC' "forged MAC: the log line says the MAC does not verify" || pk_context
pk_service acctplain "auth required pam_permit.so" \
	"account required $PK_MODULE config=$MAIN"
pk_login --putenv KINDE_AUTH_METHOD=apikey acctplain alice ""
acct_is PAM_PERM_DENIED "forged KINDE_AUTH_METHOD without account_requires_auth: PAM_PERM_DENIED, not success"
# PAM_USER changed between the stages (same process: pam_set_data).
pk_login --acct-user bob acctreq2 alice "$tok"
auth_is PAM_SUCCESS "alice's token for alice: auth PAM_SUCCESS"
acct_is PAM_PERM_DENIED "then PAM_USER changed to bob: account PAM_PERM_DENIED"
like "$(pk_decision account)" 'bob' "PAM_USER changed: the log line names the new user" || pk_context
# The same in sshd's shape: a fresh handle with only the environment.
pk_login --fresh-acct acctreq2 alice "$tok"
acct_is PAM_SUCCESS "env only (sshd after its fork): a real token auth, then account PAM_SUCCESS"
env_is KINDE_AUTH_METHOD token "env only: KINDE_AUTH_METHOD still token"
like "$(pk_env KINDE_AUTH_MAC)" '^v1:[0-9]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*:[0-9a-f]{64}$' "env only: KINDE_AUTH_MAC v1:<time>:<user>:<identity>:<HMAC-SHA256>" || pk_context
pk_login --fresh-acct acctreq2 alice "$key_alice"
acct_is PAM_SUCCESS "env only: a real API-key auth, then account PAM_SUCCESS"
pk_login --fresh-acct --acct-user bob acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: PAM_USER changed to bob: PAM_PERM_DENIED"
pk_login --fresh-acct --putenv "KINDE_EXP=4102444800" acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: KINDE_EXP tampered (later): PAM_PERM_DENIED"
like "$(pk_decision account)" 'KINDE_AUTH_MAC' "env only, tampered KINDE_EXP: logged as a MAC failure" || pk_context
pk_login --fresh-acct --putenv "KINDE_SUB=bob" acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: KINDE_SUB tampered: PAM_PERM_DENIED"
pk_login --fresh-acct --putenv "KINDE_AUTH_METHOD=apikey" acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: KINDE_AUTH_METHOD token -> apikey (no expiry check): PAM_PERM_DENIED"
pk_login --fresh-acct --putenv "KINDE_AUTH_MAC=" acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: KINDE_AUTH_MAC removed: PAM_PERM_DENIED"
pk_login --putenv "KINDE_AUTH_METHOD=apikey" --putenv "KINDE_EXP=4102444800" acctreq2 alice "$tok"
acct_is PAM_SUCCESS "same process: the environment changed after auth does not matter (pam_set_data decides)"
pk_service acctexp2 "auth required $PK_MODULE config=$MAIN" \
	"account required $PK_MODULE config=$MAIN leeway=0 account_requires_auth"
# Minted here, not in the batch above: by now that one may be past the
# 60 s leeway on a loaded machine (seen in CI).
graceexp=$(fk_mint --sub alice --ttl -30)
note_secret "$graceexp"
pk_login --fresh-acct acctexp2 alice "$graceexp"
auth_is PAM_SUCCESS "env only: token expired 30 s ago, leeway 60: auth PAM_SUCCESS"
acct_is PAM_PERM_DENIED "env only: the same, account with leeway=0: PAM_PERM_DENIED (genuine MAC, expired)"
like "$(pk_decision account)" 'reason=expired' "env only: expiry logged with reason=expired" || pk_context
MACKEY=$(sed -n 's/^cache_dir = //p' "$MAIN")/authmac.key
ok '[ "$(stat -c %a "$MACKEY")" = 600 ] && [ "$(stat -c %s "$MACKEY")" = 32 ]' \
	"the host secret is cache_dir/authmac.key, 32 bytes, mode 0600"
chmod 640 "$MACKEY"
pk_login --fresh-acct acctreq2 alice "$tok"
acct_is PAM_PERM_DENIED "env only: host secret readable by the group: PAM_PERM_DENIED"
log_like 'authmac.key.*(too open|readable)' "host secret 0640: the log names the file and why" 
chmod 600 "$MACKEY"

# ---------------------------------------------------------------------
# The decision log
# ---------------------------------------------------------------------
tok=${TOK[newline]}
pk_login plain alice "$tok"
auth_is PAM_AUTH_ERR "sub with a newline: PAM_AUTH_ERR"
is "$(printf '%s\n' "$PK_LOG" | grep -c .)" 1 "sub with a newline: the log is still one line"
like "$(pk_decision)" 'sub=.*alice\\x0astage=auth' "sub with a newline: escaped as \\x0a"
unlike "$PK_LOG" $'\n''stage=auth result=success' "sub with a newline: no forged line"
pk_login --rhost $'host\nstage=auth result=success' plain bob "${TOK[alice]}"
auth_is PAM_AUTH_ERR "rhost with a newline (alice's token as bob): PAM_AUTH_ERR"
is "$(printf '%s\n' "$PK_LOG" | grep -c .)" 1 "rhost with a newline: the log is still one line"
like "$(pk_decision)" 'rhost=.*host\\x0astage' "rhost with a newline: escaped as \\x0a"
tok=${TOK[esc]}
pk_login mapped alice "$tok"
auth_is PAM_SUCCESS "sub with an ESC, mapped by the map file: PAM_SUCCESS"
env_is KINDE_SUB 'kp_esc\x1b[31m' "KINDE_SUB escapes control characters"
unlike "$PK_OUT$PK_LOG" $'\033' "no raw ESC in the environment or the log"

svc json audit=json
tok=${TOK[json]}
pk_login --rhost 198.51.100.9 json alice "$tok"
auth_is PAM_SUCCESS "audit=json: PAM_SUCCESS"
j=$(pk_decision)
is "$(json_get "$j" 'type(d).__name__')" dict "audit=json: the decision line is a JSON object" || diag "$PK_LOG"
is "$(json_get "$j" 'd["result"]+" "+d["service"]+" "+d["user"]+" "+d["rhost"]+" "+d["sub"]+" "+d["org_code"]+" "+d["method"]')" \
	"success json alice 198.51.100.9 alice org_json token" "audit=json: result, service, user, rhost, sub, org_code, method"
is "$(json_get "$j" 'd["jti"] == "'"$(pk_claim "$tok" jti)"'" and d["kid"] == "'"$(pk_header "$tok" kid)"'"')" \
	true "audit=json: jti and kid"
tok=${TOK[expired2]}
pk_login json alice "$tok"
is "$(json_get "$(pk_decision)" 'd["result"]+" "+d["reason"]+" "+d["pam"]')" "failure expired PAM_AUTH_ERR" \
	"audit=json refusal: result, reason, pam" || diag "$PK_LOG"

svc debugged debug
tok=${TOK[alice]}
pk_login debugged alice "$tok"
auth_is PAM_SUCCESS "debug: PAM_SUCCESS"
log_like 'check signature: pass' "debug: a \"check signature: pass\" line"
log_like 'check exp: pass' "debug: a \"check exp: pass\" line"
like "$(pk_decision account)" 'result=success' "debug: the account decision is logged too" || pk_context
pk_login plain alice "$tok"
log_unlike 'check ' "no debug: no check lines"
tok=${TOK[expired]}
pk_login debugged alice "$tok"
log_like 'check exp: FAIL' "debug: the failing check is logged as FAIL"

# ---------------------------------------------------------------------
# A redirect of a POST (through the module's HTTPS plugin): never followed
# ---------------------------------------------------------------------
# localhost is another origin than 127.0.0.1, though the same server (its
# certificate names both): a follower would have re-sent the key there.
pk_conf "$T/redir.conf" "require_scopes = ssh:login"
pk_kinde_service redir "$T/redir.conf"
fk_fault "{\"path\":\"/api/v1/api_keys/verify\",\"kind\":\"redirect-307\",\"count\":1,\"location\":\"https://localhost:$FK_PORT/api/v1/api_keys/verify\"}"
pk_login redir alice "$key_alice"
auth_is PAM_AUTHINFO_UNAVAIL "API-key verification redirected (307) to another origin: PAM_AUTHINFO_UNAVAIL"
log_like "refused redirect from $FK_ISSUER/api/v1/api_keys/verify to https://localhost:$FK_PORT/" \
	"307 to another origin: the log names both URLs"
reason_is unavailable "307 to another origin: reason=unavailable"
fk_clear_faults

# ---------------------------------------------------------------------
# Issuer down (last: the fake server keeps API keys and clients in memory)
# ---------------------------------------------------------------------
pk_conf "$T/warm.conf" "require_scopes = openid"
pk_kinde_service warm "$T/warm.conf"
pk_conf "$T/cold.conf" "require_scopes = openid"
pk_kinde_service cold "$T/cold.conf"
tok=${TOK[alice]}
pk_login warm alice "$tok"
auth_is PAM_SUCCESS "warm-up login (fetches the key set): PAM_SUCCESS"
fk_reset_counts
pk_login warm alice "$tok"
auth_is PAM_SUCCESS "warm cache: PAM_SUCCESS"
is "$(fk_total)" 0 "warm cache: no request to the issuer"
fk_stop
pk_login warm alice "$tok"
auth_is PAM_SUCCESS "issuer down, warm cached key set: PAM_SUCCESS"
acct_is PAM_SUCCESS "issuer down, warm cached key set: acct PAM_SUCCESS"
pk_login cold alice "$tok"
auth_is PAM_AUTHINFO_UNAVAIL "issuer down, no cached key set: PAM_AUTHINFO_UNAVAIL"
reason_is unavailable "issuer down, no cached key set: reason=unavailable"
is "$(pk_decision_prio)" 3 "issuer down: logged at LOG_ERR"
pk_login cold alice "$key_alice"
auth_is PAM_AUTHINFO_UNAVAIL "issuer down, uncached API key: PAM_AUTHINFO_UNAVAIL"

# ---------------------------------------------------------------------
# Defaults that fail open on a typo (issue 9): every one is a
# configuration error (PAM_SERVICE_ERR) or a refusal, never a login.
# The server is down by now: the pinned key set stands in for it, and a
# configuration error is found before any key is needed.
# ---------------------------------------------------------------------
fk_jwks_file "$T/pinned.jwks"
chmod 644 "$T/pinned.jwks"
typo_conf() {	# typo_conf FILE LINE...: pinned keys, no network
	local f=$1
	shift
	mkdir -p -m 700 "$T/typo.cache"
	printf '%s\n' "domain = $FK_ISSUER" "jwks_file = $T/pinned.jwks" \
		"cache_dir = $T/typo.cache" "net_module = $PK_NET" "$@" >"$f"
	chmod 600 "$f"
}
pk_mint_batch <<'EOF_MINT' || { echo "Bail out! minting failed"; exit 99; }
idtok      --sub alice --scp openid --claim 'nonce="n-0S6_WzA2Mj"' --aud fake_kinde_app
athash     --sub alice --scp openid --claim 'at_hash="77QmUPtjPfzWtF2AnpK9RQ"'
chash      --sub alice --scp openid --claim 'c_hash="LDktKdoQak3Pk0cnXxCltA"'
EOF_MINT

# A misspelt key in the file: require_scope for require_scopes.
typo_conf "$T/typo.conf" "require_scope = ssh:login"
pk_kinde_service typo "$T/typo.conf"
pk_login typo alice "${TOK[noscope]}"
auth_is PAM_SERVICE_ERR "require_scope (typo) in the file: PAM_SERVICE_ERR, not a login without the scope"
log_like "typo.conf:5: unknown option \"require_scope\"" "require_scope: the log names the file, the line and the key"
log_like 'did you mean "require_scopes"' "require_scope: the log suggests require_scopes"
no_kinde_env "require_scope: no KINDE_* exported"

# ... and as a module argument.
typo_conf "$T/typo2.conf" "require_scopes = openid"
pk_kinde_service typoarg "$T/typo2.conf" allowed_org=org_alpha
pk_login typoarg alice "${TOK[orgbad]}"
auth_is PAM_SERVICE_ERR "allowed_org (typo) as a module argument: PAM_SERVICE_ERR"
log_like 'did you mean "allowed_orgs"' "allowed_org: the log suggests allowed_orgs"

# Neither audience nor a required scope or permission: an error unless
# allow_any_token = yes says so.
typo_conf "$T/open.conf"
pk_kinde_service open "$T/open.conf"
pk_login open alice "${TOK[alice]}"
auth_is PAM_SERVICE_ERR "no audience, no required scope or permission: PAM_SERVICE_ERR"
log_like 'allow_any_token' "permissive config: the log names allow_any_token"
# An audience restricts tokens, not API keys: with M2M credentials (mode
# auto takes keys) only require_scopes restricts which keys log in.
(umask 077 && printf 'fk-secret\n' >"$T/aud.secret")
typo_conf "$T/audonly.conf" "audience = https://api.example.com" \
	"client_id = fk_client" "client_secret_file = $T/aud.secret"
pk_kinde_service audonly "$T/audonly.conf"
pk_login audonly alice "${TOK[aud]}"
auth_is PAM_SERVICE_ERR "audience only, API keys taken (client_id, mode auto): PAM_SERVICE_ERR"
log_like 'every active API key of the issuer would log in' "audience only with client_id: the log says API keys are open"
pk_kinde_service audtok "$T/audonly.conf" mode=token
pk_login audtok alice "${TOK[aud]}"
auth_is PAM_SUCCESS "the same with mode=token: the token for the audience logs in"
typo_conf "$T/anytok.conf" "allow_any_token = yes"
pk_kinde_service anytok "$T/anytok.conf"
pk_login anytok alice "${TOK[alice]}"
auth_is PAM_SUCCESS "allow_any_token = yes: the same token logs in"

# OIDC ID tokens are not access tokens, whatever the config.
for t in idtok athash chash; do
	pk_login anytok alice "${TOK[$t]}"
	auth_is PAM_AUTH_ERR "an OIDC ID token ($t): PAM_AUTH_ERR"
	reason_is token-type "an OIDC ID token ($t): reason=token-type"
done
typo_conf "$T/idaud.conf" "audience = fake_kinde_app"
pk_kinde_service idaud "$T/idaud.conf"
pk_login idaud alice "${TOK[idtok]}"
auth_is PAM_AUTH_ERR "an ID token whose aud is the configured audience: PAM_AUTH_ERR"

# Empty values that mean nothing.
for line in "strip_domain =" "prompt =" 'prompt = ""'; do
	typo_conf "$T/empty.conf" "require_scopes = openid" "$line"
	pk_kinde_service empty "$T/empty.conf"
	pk_login empty alice "${TOK[alice]}"
	auth_is PAM_SERVICE_ERR "'$line': PAM_SERVICE_ERR"
	log_like "${line%% *}: " "'$line': the log names the key"
done

# The client secret file is checked on every load, not only when an M2M
# token is needed: here a token login that never reads it.
(umask 077 && printf 'fk-secret\n' >"$T/typo.secret")
chmod 640 "$T/typo.secret"
typo_conf "$T/gsecret.conf" "require_scopes = openid" "client_id = fk_client" \
	"client_secret_file = $T/typo.secret"
pk_kinde_service gsecret "$T/gsecret.conf"
pk_login gsecret alice "${TOK[alice]}"
auth_is PAM_SERVICE_ERR "group-readable client_secret_file, token login: PAM_SERVICE_ERR"
log_like 'typo.secret: mode 0640 is too open' "group-readable secret: the log names the file and its mode"
chmod 600 "$T/typo.secret"
pk_login gsecret alice "${TOK[alice]}"
auth_is PAM_SUCCESS "the same with the secret 0600: PAM_SUCCESS"

# ca_file is trusted like the config: not writable by group or others.
cp "$FK_CA" "$T/typo-ca.pem"
chmod 664 "$T/typo-ca.pem"
typo_conf "$T/gca.conf" "require_scopes = openid" "ca_file = $T/typo-ca.pem"
pk_kinde_service gca "$T/gca.conf"
pk_login gca alice "${TOK[alice]}"
auth_is PAM_SERVICE_ERR "group-writable ca_file: PAM_SERVICE_ERR"
log_like 'typo-ca.pem: mode 0664 is too open' "group-writable ca_file: the log names the file and its mode"
chmod 644 "$T/typo-ca.pem"
pk_login gca alice "${TOK[alice]}"
auth_is PAM_SUCCESS "the same with the ca_file 0644: PAM_SUCCESS"

# ---------------------------------------------------------------------
# Never a token or a key in a log line or in the PAM environment
# ---------------------------------------------------------------------
# One Python pass over every file the logins wrote (grep per secret and
# file would spawn thousands of processes).
scan=$("$PYTHON3" - "$T" <<'PY'
import glob, os, sys
t = sys.argv[1]
secrets = []
for name in ("secrets", "m2m_secrets"):
    with open(os.path.join(t, name), "rb") as f:
        secrets += [l.rstrip(b"\n") for l in f if l.strip()]
needles = []
for s in secrets:
    needles.append(s)
    parts = s.split(b".")
    if len(parts) == 3 and len(parts[2]) >= 16:
        needles.append(parts[2])        # a token's signature alone
files = [f for f in glob.glob(os.path.join(t, "login.*", "*"))
         if os.path.basename(f) in ("log", "out", "err")]
found = 0
for f in files:
    data = open(f, "rb").read()
    for n in needles:
        if n in data:
            found += 1
            print("# found %s... in %s" % (n[:12].decode("ascii", "replace"), f))
print("%d %d %d" % (len(secrets), len(files), found))
PY
)
found=$(printf '%s\n' "$scan" | grep '^#')
[ -z "$found" ] || diag "$found"
read -r nsec nfiles leaks < <(printf '%s\n' "$scan" | tail -1)
cmp_num "${nsec:-0}" -ge 30 "checked every token, API key and client secret used (${nsec:-?} secrets, ${nfiles:-?} files)"
is "${leaks:-x}" 0 "no token, signature, API key or client secret in any log line, stdout or the PAM environment"

# In a sanitizer build: no ASan or UBSan report from any login.
san=$(pk_san_errors "$T"/login.*/err | head -5)
is "$san" "" "no ASan/UBSan error in any login (meaningful in --enable-sanitizers builds)"

tap_done
