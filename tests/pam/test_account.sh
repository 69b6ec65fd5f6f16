#!/bin/bash
# test_account.sh - account_check = kinde through a real PAM stack against
# the fake Kinde server's Management API: each outcome and its PAM code
# (allowed, suspended, not a member, role, permission, unknown to Kinde,
# no mapping), the decision cache (a hit, an expiry), Kinde down with and
# without a stale decision, 429 per endpoint, the host's request budget,
# the check after a token and an API-key login, and the role rules of the
# auth stage (the roles claim; an API key's user by the Management API).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
fk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

MGMT_SCOPES='"read:api_keys","read:users","read:organization_users","read:organization_user_roles","read:organization_user_permissions"'
# acct_conf FILE LINE...: pk_conf whose M2M client has the Management
# API scopes the account check needs.
acct_conf() {
	pk_conf "$@"
	fk_ctl POST clients "{\"client_id\":\"$FK_CLIENT_ID\",\"client_secret\":\"$FK_CLIENT_SECRET\",\"scopes\":[$MGMT_SCOPES]}" >/dev/null
}
# A public-key login: something else authenticates, Kinde decides the
# account stage alone.
key_service() {	# key_service NAME CONF [ARG...]
	local name=$1 conf=$2
	shift 2
	pk_service "$name" "auth required pam_permit.so" \
		"account required $PK_MODULE config=$conf account_check=kinde $*"
}
acct_field() { pk_field "$(pk_decision account)" "$1"; }
acct_reason_is() { is "$(acct_field reason)" "$1" "$2" || pk_context; }

MAP=$T/user_map
cat >"$MAP" <<'EOF'
# Kinde user ids of the local users
kp_alice alice
kp_bob bob
kp_carol carol
kp_erin erin
kp_one shared
kp_two shared
EOF
chmod 644 "$MAP"
for u in erin shared; do
	printf '%s:x:%s:%s:%s:%s:/bin/sh\n' "$u" "$(id -u)" "$(id -g)" "$u" "$T/home/$u" >>"$PK_PASSWD"
done

# Kinde: alice is an admin of org_a; bob a viewer there; carol only in
# org_b; erin does not exist.
fk_ctl POST users '{"id":"kp_alice","organizations":{"org_a":{"roles":["admin","ops"],"permissions":["ssh:login"]}}}' >/dev/null
fk_ctl POST users '{"id":"kp_bob","organizations":{"org_a":{"roles":["viewer"],"permissions":["ssh:login"]}}}' >/dev/null
fk_ctl POST users '{"id":"kp_carol","organizations":{"org_b":{"roles":["admin"]}}}' >/dev/null
fk_ctl POST users '{"id":"kp_one","organizations":{"org_a":{"roles":["admin"]}}}' >/dev/null

POL=("require_scopes = ssh:login" "user_map_file = $MAP" "allowed_orgs = org_a")
C1=$T/acct.conf
acct_conf "$C1" "${POL[@]}" "require_roles = admin" "account_cache_ttl = 3600"
key_service key "$C1"
C1_CACHE=$FK_CACHE C1_CLIENT=$FK_CLIENT_ID C1_SECRET=$FK_SECRET_FILE

# ---------------------------------------------------------- outcomes --

fk_reset_counts
pk_login key alice x
acct_is PAM_SUCCESS "allowed: an admin of org_a -> PAM_SUCCESS"
like "$(pk_decision account)" 'result=success' "allowed: the decision line says success"
is "$(acct_field sub)" kp_alice "allowed: the line names the Kinde user"
is "$(acct_field org_code)" org_a "allowed: ... and the organization"
like "$(acct_field detail)" 'network' "allowed: decided by asking Kinde"
is "$(fk_count /api/v1/user)" 1 "one user lookup"
is "$(fk_count /api/v1/organizations/org_a/users/kp_alice/roles)" 1 "one roles lookup in org_a"
is "$(fk_count /api/v1/organizations/org_a/users)" 0 "membership from the user's organizations: no paging"
is "$(fk_count /api/v1/organizations/org_a/users/kp_alice/permissions)" 0 "no permission rule: permissions not asked"
like "$(fk_last_request /api/v1/user)" 'Bearer eyJ' "the Management API call carries the M2M bearer"

# A cache hit: Kinde is not asked again, even though alice is suspended
# meanwhile (account_cache_ttl 3600).
fk_ctl POST users/suspend '{"id":"kp_alice"}' >/dev/null
fk_reset_counts
pk_login key alice x
acct_is PAM_SUCCESS "cache hit: the cached decision decides"
like "$(acct_field detail)" 'cache' "cache hit: the line says so"
is "$(fk_total)" 0 "cache hit: no request to Kinde"
# Other configurations write the same cache directory: their decisions
# are not this one's.  C1's "allowed" for alice stands (alice is suspended
# now); a configuration over the same cache_dir with another M2M client,
# or with the same client and another policy, must ask Kinde itself and
# be told she is suspended.
other_conf_refused() {	# other_conf_refused NAME WHAT LINE...
	local name=$1 what=$2
	shift 2
	acct_conf "$T/$name.conf" "${POL[@]}" "account_cache_ttl = 3600" \
		"cache_dir = $C1_CACHE" "$@"
	key_service "$name" "$T/$name.conf"
	fk_reset_counts
	pk_login "$name" alice x
	acct_is PAM_PERM_DENIED "$what, same cache_dir: the first's cached 'allowed' is not used"
	acct_reason_is suspended "$what, same cache_dir: Kinde says suspended"
	cmp_num "$(fk_count /api/v1/user)" -ge 1 "$what, same cache_dir: Kinde was asked"
}
other_conf_refused other_client "another M2M client" "require_roles = admin"
other_conf_refused other_policy "another policy" "require_roles = ops" \
	"client_id = $C1_CLIENT" "client_secret_file = $C1_SECRET"
fk_reset_counts
pk_login key alice x
acct_is PAM_SUCCESS "the first configuration's own decision still decides it"
is "$(fk_total)" 0 "... from the cache, with no request"
fk_ctl POST users/suspend '{"id":"kp_alice","suspended":false}' >/dev/null

fk_ctl POST users/suspend '{"id":"kp_bob"}' >/dev/null
pk_login key bob x
acct_is PAM_PERM_DENIED "suspended -> PAM_PERM_DENIED"
acct_reason_is suspended "suspended: reason suspended"
like "$(acct_field detail)" 'suspended' "suspended: the detail says so"
fk_ctl POST users/suspend '{"id":"kp_bob","suspended":false}' >/dev/null

pk_login key carol x
acct_is PAM_PERM_DENIED "not in allowed_orgs -> PAM_PERM_DENIED"
acct_reason_is not_member "not in allowed_orgs: reason not_member"
like "$(acct_field detail)" 'org_b' "not_member: the detail names the user's organizations"

C2=$T/acct2.conf	# a fresh cache: bob was cached as suspended
acct_conf "$C2" "${POL[@]}" "require_roles = admin"
key_service key2 "$C2"
pk_login key2 bob x
acct_is PAM_PERM_DENIED "no admin role -> PAM_PERM_DENIED"
acct_reason_is role "no admin role: reason role"
like "$(acct_field detail)" 'missing admin.*viewer' "role: the detail says what is missing and what is held"

C3=$T/acct3.conf
acct_conf "$C3" "${POL[@]}" "require_permissions = ssh:deploy"
key_service key3 "$C3"
pk_login key3 alice x
acct_is PAM_PERM_DENIED "no such permission -> PAM_PERM_DENIED"
acct_reason_is permission "permission: reason permission"
C3b=$T/acct3b.conf
acct_conf "$C3b" "${POL[@]}" "require_permissions = ssh:login" "allowed_roles = viewer ops"
key_service key3b "$C3b"
pk_login key3b bob x
acct_is PAM_SUCCESS "permission held and one of allowed_roles -> PAM_SUCCESS"

pk_login key2 erin x
acct_is PAM_PERM_DENIED "a Kinde id Kinde does not know -> PAM_PERM_DENIED"
acct_reason_is user "unknown to Kinde: reason user"
pk_login key2 dave x
acct_is PAM_USER_UNKNOWN "no mapping -> PAM_USER_UNKNOWN"
acct_reason_is user "no mapping: reason user"
like "$(acct_field detail)" 'no Kinde user id' "no mapping: the detail says so"
fk_reset_counts
pk_login key2 shared x
acct_is PAM_USER_UNKNOWN "two Kinde users map to the local user -> PAM_USER_UNKNOWN"
like "$(acct_field detail)" 'kp_one, kp_two' "ambiguous: the detail names both"
is "$(fk_total)" 0 "no mapping: Kinde is not asked"

# Membership by paging the organization's users, when the user reply
# does not list organizations.
fk_ctl POST config '{"user_expand_orgs": false, "mgmt_page_size": 1}' >/dev/null
C4=$T/acct4.conf
acct_conf "$C4" "${POL[@]}"
key_service key4 "$C4"
fk_reset_counts
pk_login key4 bob x
acct_is PAM_SUCCESS "membership by paging: bob is in org_a"
cmp_num "$(fk_count /api/v1/organizations/org_a/users)" -ge 2 "membership by paging: next_token followed"
pk_login key4 carol x
acct_is PAM_PERM_DENIED "membership by paging: carol is not"
acct_reason_is not_member "membership by paging: reason not_member"
fk_ctl POST config '{"user_expand_orgs": true, "mgmt_page_size": 500}' >/dev/null

# A missing scope: Kinde's 403 names it; a configuration error.
C5=$T/acct5.conf
pk_conf "$C5" "${POL[@]}"
key_service key5 "$C5"
pk_login key5 alice x
acct_is PAM_SERVICE_ERR "the M2M application lacks read:users -> PAM_SERVICE_ERR"
like "$(acct_field detail)" 'read:users' "missing scope: the detail names it"

# ----------------------------------------------------- expiry, 429, budget --

C6=$T/acct6.conf
acct_conf "$C6" "${POL[@]}" "account_cache_ttl = 1"
key_service key6 "$C6"
pk_login key6 alice x
acct_is PAM_SUCCESS "ttl 1: allowed"
fk_ctl POST users/suspend '{"id":"kp_alice"}' >/dev/null
sleep 2	# the decision is then at least 2 s old: expired whatever the load
pk_login key6 alice x
acct_is PAM_PERM_DENIED "cache expiry: Kinde is asked again and says suspended"
like "$(acct_field detail)" 'suspended' "cache expiry: the new decision"
fk_ctl POST users/suspend '{"id":"kp_alice","suspended":false}' >/dev/null

C7=$T/acct7.conf
acct_conf "$C7" "${POL[@]}" "require_roles = admin" "account_cache_ttl = 0"
key_service key7 "$C7"
fk_fault '{"path":"/api/v1/organizations/org_a/users/kp_alice/roles","kind":"429","count":1,"reset_after":600}'
pk_login key7 alice x
acct_is PAM_AUTHINFO_UNAVAIL "429 on the roles endpoint -> PAM_AUTHINFO_UNAVAIL"
acct_reason_is rate-limited "429: reason rate-limited"
fk_reset_counts
pk_login key7 bob x
acct_is PAM_AUTHINFO_UNAVAIL "429 per endpoint: another user's roles call waits too"
is "$(fk_count /api/v1/organizations/org_a/users/kp_bob/roles)" 0 "429 per endpoint: not sent"
is "$(fk_count /api/v1/user)" 1 "429 per endpoint: the user endpoint is not limited"
fk_clear_faults

C8=$T/acct8.conf
acct_conf "$C8" "${POL[@]}" "ratelimit_verify = 1/3600"
key_service key8 "$C8"
pk_login key8 alice x
acct_is PAM_SUCCESS "budget: the first check goes out"
fk_reset_counts
pk_login key8 bob x
acct_is PAM_AUTHINFO_UNAVAIL "budget (ratelimit_verify 1/3600) spent -> PAM_AUTHINFO_UNAVAIL"
acct_reason_is rate-limited "budget: reason rate-limited"
like "$(acct_field detail)" 'ratelimit_verify' "budget: the detail names the limit"
is "$(fk_total)" 0 "budget: Kinde is not asked"
pk_login key8 alice x
acct_is PAM_SUCCESS "budget: a cached decision still decides"

# ------------------------------------------------- after a Kinde login --

TC=$T/tok.conf
acct_conf "$TC" "${POL[@]}" "require_roles = admin" "account_cache_ttl = 0"
pk_kinde_service tok "$TC" account_check=kinde
pk_mint_batch <<EOF
alice --sub kp_alice --org org_a --scp ssh:login --role admin
alice2 --sub kp_alice --org org_a --scp ssh:login --role admin
bob_admin --sub kp_bob --org org_a --scp ssh:login --role admin
noroles --sub kp_alice --org org_a --scp ssh:login --unset roles
viewer --sub kp_alice --org org_a --scp ssh:login --role viewer
EOF
pk_login tok alice "${TOK[alice]}"
auth_is PAM_SUCCESS "token login: auth"
acct_is PAM_SUCCESS "token login: the account check allows"
pk_login --fresh-acct tok alice "${TOK[alice]}"
acct_is PAM_SUCCESS "token login, account stage in another process (sshd): allowed"
# bob's token says admin, Kinde says viewer: the account stage asks Kinde.
pk_login tok bob "${TOK[bob_admin]}"
auth_is PAM_SUCCESS "a token claiming a role Kinde no longer gives: auth"
acct_is PAM_PERM_DENIED "... refused at the account stage"
acct_reason_is role "... reason role"
fk_ctl POST orgs/remove '{"org_code":"org_a","user_id":"kp_alice"}' >/dev/null
pk_login tok alice "${TOK[alice2]}"
auth_is PAM_SUCCESS "removed from the org, the token still valid: auth"
acct_is PAM_PERM_DENIED "removed from the org: refused at the account stage"
acct_reason_is not_member "removed: reason not_member"
pk_login --fresh-acct tok alice "${TOK[alice2]}"
acct_is PAM_PERM_DENIED "removed, account stage in another process: refused"
fk_ctl POST orgs/member '{"org_code":"org_a","user_id":"kp_alice","roles":["admin","ops"],"permissions":["ssh:login"]}' >/dev/null

# ------------------------------------------------------ role rules (auth) --

pk_service tokonly "auth required $PK_MODULE config=$TC" "account required pam_permit.so"
pk_login tokonly alice "${TOK[noroles]}"
auth_is PAM_AUTH_ERR "require_roles, a token without a roles claim -> PAM_AUTH_ERR"
reason_is role "no roles claim: reason role"
log_like 'Token customization' "no roles claim: the log says how to add it in Kinde"
pk_login tokonly alice "${TOK[viewer]}"
auth_is PAM_AUTH_ERR "a roles claim without admin -> PAM_AUTH_ERR"
reason_is role "without admin: reason role"
kinde_auth verify --config "$TC" --explain "${TOK[noroles]}"
is "$KA_RC" 1 "verify --explain: the token without roles is rejected"
like "$KA_OUT" 'role.*Token customization' "verify --explain: says how to enable the roles claim"
kinde_auth diagnose --config "$TC" --token "${TOK[noroles]}"
like "$KA_OUT" 'no roles claim.*Token customization' "diagnose: a token without roles: says how to enable the claim in Kinde"
TA=$T/anyrole.conf
acct_conf "$TA" "require_scopes = ssh:login" "allowed_roles = viewer ops" "user_map_file = $MAP"
pk_service anyrole "auth required $PK_MODULE config=$TA" "account required pam_permit.so"
pk_login anyrole alice "${TOK[viewer]}"
auth_is PAM_SUCCESS "allowed_roles: one of them in the claim -> PAM_SUCCESS"
pk_login anyrole alice "${TOK[noroles]}"
auth_is PAM_AUTH_ERR "allowed_roles: no roles claim -> PAM_AUTH_ERR"

# API keys whose verify reply names a user: the roles by the Management API.
KC=$T/key.conf
acct_conf "$KC" "require_scopes = ssh:login" "require_roles = admin" "user_map_file = $MAP"
pk_service apikey "auth required $PK_MODULE config=$KC" "account required pam_permit.so"
pk_apikey k_live_alice_admin_key '"scopes":["ssh:login"],"user_id":"kp_alice","org_code":"org_a"'
pk_apikey k_live_bob_viewer_key '"scopes":["ssh:login"],"user_id":"kp_bob","org_code":"org_a"'
pk_apikey k_live_org_only_key '"scopes":["ssh:login"],"org_code":"org_a"'
pk_login apikey alice k_live_alice_admin_key
auth_is PAM_SUCCESS "API key of an admin (Management API) -> PAM_SUCCESS"
pk_login apikey bob k_live_bob_viewer_key
auth_is PAM_AUTH_ERR "API key of a viewer -> PAM_AUTH_ERR"
reason_is role "viewer's key: reason role"
pk_login apikey alice k_live_org_only_key
auth_is PAM_AUTH_ERR "API key of no user, a role rule -> PAM_AUTH_ERR"
reason_is role "no user: reason role"

# ---------------------------------------------------------------- whois --

fk_reset_counts
kinde_auth whois --config "$C1" alice
is "$KA_RC" 0 "whois: an allowed user -> exit 0"
like "$KA_OUT" 'Kinde user id +kp_alice' "whois: the Kinde id of the local user"
like "$KA_OUT" 'maps back to +alice' "whois: ... and the local users of that id"
like "$KA_OUT" 'is_suspended +false' "whois: the measured is_suspended"
like "$KA_OUT" 'org_a: member yes; roles admin, ops; permissions ssh:login' "whois: membership, roles and permissions measured"
like "$KA_OUT" 'ALLOWED now in org_a' "whois: the verdict"
cmp_num "$(fk_count /api/v1/user)" -ge 1 "whois: asks Kinde live (the cached decision is not used)"
kinde_auth whois --config "$C1" --json bob
is "$KA_RC" 1 "whois --json: a user without the role -> exit 1"
is "$(json_get "$KA_OUT" "d['reason']")" role "whois --json: reason role"
is "$(json_get "$KA_OUT" "d['measured']['orgs']['org_a']['roles']")" '["viewer"]' "whois --json: the roles measured"
is "$(json_get "$KA_OUT" "d['kinde_user_id']")" kp_bob "whois --json: the Kinde id"
is "$(json_get "$KA_OUT" "[c['check'] for c in d['checks']]")" '["user", "suspended", "org", "role"]' "whois --json: every check"
kinde_auth whois --config "$C1" dave
is "$KA_RC" 1 "whois: an unmapped user -> exit 1"
like "$KA_ERR" 'no Kinde user id' "whois: says it is not mapped"
kinde_auth whois --config "$C5" alice
is "$KA_RC" 2 "whois: the M2M application lacks a scope -> exit 2"
like "$KA_ERR" 'read:users' "whois: names the scope"

# ---------------------------------------------------------- Kinde down --

S1=$T/stale.conf
acct_conf "$S1" "${POL[@]}" "account_cache_ttl = 1" "account_max_stale = 3600"
key_service stale "$S1"
S0=$T/closed.conf
acct_conf "$S0" "${POL[@]}" "account_cache_ttl = 1"
key_service closed "$S0"
pk_login stale alice x
acct_is PAM_SUCCESS "before the outage (max_stale 3600): allowed"
pk_login closed alice x
acct_is PAM_SUCCESS "before the outage (max_stale 0): allowed"
sleep 2	# both decisions are now older than their TTL of 1 s
fk_stop
pk_login closed alice x
acct_is PAM_AUTHINFO_UNAVAIL "Kinde down, no stale decision allowed -> PAM_AUTHINFO_UNAVAIL"
acct_reason_is unavailable "Kinde down: reason unavailable"
log_like 'failing closed' "Kinde down: the log says it fails closed"
pk_login stale alice x
acct_is PAM_SUCCESS "Kinde down, a decision younger than account_max_stale -> PAM_SUCCESS"
like "$(acct_field detail)" 'stale cache' "Kinde down: the line says a stale decision decided"
log_like 'cached decision of [0-9]+s ago decides' "Kinde down: the log says which decision"
pk_login stale bob x
acct_is PAM_AUTHINFO_UNAVAIL "Kinde down, no decision for this user -> PAM_AUTHINFO_UNAVAIL"
kinde_auth whois --config "$S1" alice
is "$KA_RC" 3 "whois: Kinde down -> exit 3"

tap_done
