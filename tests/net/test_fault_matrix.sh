#!/bin/bash
# test_fault_matrix.sh - every endpoint the module uses, under every fault
# the network or the issuer can produce, through a real PAM stack: each
# row its expected PAM code, no row PAM_SUCCESS, no row longer than the
# configured timeout allows (timeout = 3, connect_timeout = 2, both 1 in
# the 1 byte/s rows; the bound is generous: three timeouts and 5 s, where
# a hang would reach pam_harness's 60 s), and none hangs.
#
# The matrix is two tables (ENDPOINTS x FAULTS, and CONNECTION faults per
# flow); a row is one line.  A new endpoint is one ENDPOINTS line: "name
# path flow", with a flow below that reaches it (or a new one in
# run_flow).  The account flow is a public-key login whose account stage
# asks the Management API (account_check = kinde): its rows judge the
# account stage's code, and a control row shows that without a fault it
# reaches every one of its endpoints and succeeds.
#
# KINDE_TEST_SAMPLE=1 (.ci/quickstart check's ASan and plain-clone runs;
# the werror run has the whole matrix) runs a sample: each endpoint under
# one fault, the faults in turn so that each is seen, each connection
# fault with one flow; the rows left out are one TAP skip that counts
# them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
machine_timed
# (user_expand_orgs false: the account check pages the organization's
# users, so that endpoint is reached too)
fk_ctl POST config '{"device_interval": 1, "user_expand_orgs": false}' >/dev/null
SAMPLE=${KINDE_TEST_SAMPLE:-0}
SKIPPED=0
TIMEOUT=3
# The 1 byte/s rows wait out the whole timeout: theirs is 1 s (a reply of
# more than one byte still cannot arrive in it), which saves 2 s a row.
TRICKLE_TIMEOUT=1
ROW_TIMEOUT=$TIMEOUT

# endpoint  path                                flow
ENDPOINTS=(
	"discovery /.well-known/openid-configuration token"
	"jwks      /.well-known/jwks                 token"
	"token     /oauth2/token                     apikey"
	"verify    /api/v1/api_keys/verify           apikey"
	"device    /oauth2/device/auth               device"
	"poll      /oauth2/token                     device"
	"user      /api/v1/user                      account"
	"orgusers  /api/v1/organizations/org_m/users account"
	"roles     /api/v1/organizations/org_m/users/kp_matrix/roles account"
	"perms     /api/v1/organizations/org_m/users/kp_matrix/permissions account"
)
# fault          fake_kinde fault (path added)          expected
FAULTS=(
	"500           {\"kind\":\"500\"}                      PAM_AUTHINFO_UNAVAIL"
	"503           {\"kind\":\"503\"}                      PAM_AUTHINFO_UNAVAIL"
	"429-reset     {\"kind\":\"429\",\"reset_after\":30}   PAM_AUTHINFO_UNAVAIL"
	"429-bare      {\"kind\":\"429-bare\"}                 PAM_AUTHINFO_UNAVAIL"
	"1-byte/s      {\"kind\":\"trickle\"}                  PAM_AUTHINFO_UNAVAIL"
	"10MB-body     {\"kind\":\"huge\",\"size\":10485760}   PAM_AUTHINFO_UNAVAIL"
	"truncated     {\"kind\":\"badjson\"}                  PAM_AUTHINFO_UNAVAIL"
	"content-type  {\"kind\":\"html\"}                     PAM_AUTHINFO_UNAVAIL"
	"redirect-loop {\"kind\":\"redirect-https\"}           PAM_AUTHINFO_UNAVAIL"
	"redirect-http {\"kind\":\"redirect-http\"}            PAM_AUTHINFO_UNAVAIL"
	"reset-mid     {\"kind\":\"reset-mid\"}                PAM_AUTHINFO_UNAVAIL"
)
# A discovery reply that arrives but is no document (5xx, not JSON, not
# JSON at all) means "no document": the key set then comes from the
# domain's well-known path (DESIGN.md 4, pam_kinde.conf(5) jwks_uri), over
# the same verified TLS and checked as ever, and the login would succeed.
# Those rows fault the well-known key set too, so that the row is the
# discovery failure and its fallback's, never a success.  (A body too big,
# a redirect, a reset or a timeout is a failure to reach the issuer: no
# fallback.)
DISCOVERY_FALLBACK="500 503 truncated content-type"

# A user with a token, an API key, and a device login that nobody approves.
TOKEN=$(fk_mint --sub alice --scp ssh:login)
note() { printf '%s\n' "$1" >>"$T/secrets"; }
note "$TOKEN"
KEY="k_live_matrix$(pk_rand)"
note "$KEY"
pk_apikey "$KEY" '"scopes":["ssh:login"],"user_id":"alice"'
# ... and for the account flow: alice is Kinde user kp_matrix, a member
# of org_m with role ssh and permission ssh:login, and each row's M2M
# client may read all of it (row_conf).
MAP=$T/user_map
printf '%s\n' "alice alice" "kp_matrix alice" >"$MAP"
chmod 644 "$MAP"
fk_ctl POST users '{"id":"kp_matrix","organizations":{"org_m":{"roles":["ssh"],"permissions":["ssh:login"]}}}' >/dev/null
MGMT_SCOPES='"read:api_keys","read:users","read:organization_users","read:organization_user_roles","read:organization_user_permissions"'
ACCOUNT_ARGS="account_check=kinde user_map_file=$MAP allowed_orgs=org_m require_roles=ssh require_permissions=ssh:login account_cache_ttl=0"

ROW=0
# row_conf [LINE...]: a config with a cold cache, the matrix's timeouts
# (ROW_TIMEOUT).
row_conf() {
	ROW=$((ROW + 1))
	pk_conf "$T/row$ROW.conf" "timeout = $ROW_TIMEOUT" \
		"connect_timeout = $((ROW_TIMEOUT < 2 ? ROW_TIMEOUT : 2))" \
		"require_scopes = ssh:login" "device_client_id = kinde_device_app" \
		"device_timeout = 20" "$@"
	fk_ctl POST clients "{\"client_id\":\"$FK_CLIENT_ID\",\"client_secret\":\"$FK_CLIENT_SECRET\",\"scopes\":[$MGMT_SCOPES]}" >/dev/null
	pk_kinde_service "row$ROW" "$T/row$ROW.conf"
	pk_kinde_service "dev$ROW" "$T/row$ROW.conf" mode=device
	pk_service "acc$ROW" "auth required pam_permit.so" \
		"account required $PK_MODULE config=$T/row$ROW.conf $ACCOUNT_ARGS"
}

# run_flow FLOW: one login that reaches the flow's endpoints.
run_flow() {
	case $1 in
	token) pk_login --no-acct "row$ROW" alice "$TOKEN" ;;
	apikey) pk_login --no-acct "row$ROW" alice "$KEY" ;;
	device) pk_login --no-acct "dev$ROW" alice "" ;;
	account) pk_login "acc$ROW" alice x ;;
	esac
}

# check FLOW DESC EXPECTED: the code (of the account stage in the account
# flow), never success, within the bound: three of the row's timeouts and
# 5 s.
check() {
	local secs code=$PK_AUTH stage=auth bound=$((3 * ROW_TIMEOUT + 5))
	if [ "$1" = account ]; then
		code=$PK_ACCT
		stage=acct
	fi
	secs=$(awk -v us="$(sed -n "s/^${stage}_us //p" "$PK_DIR/out")" \
		'BEGIN { printf "%.2f", us / 1e6 }')
	is "$code" "$3" "$2: $3" || pk_context
	[ "$code" != PAM_SUCCESS ] && [ "$code" != PAM_IGNORE ]
	_tap_result $? "$2: not PAM_SUCCESS"
	cmp_num "$secs" -le "$bound" "$2: took ${secs}s (timeout ${ROW_TIMEOUT}s, bound ${bound}s)"
}

# sampled I J NI NJ: whether row (I, J) of an NI x NJ table runs: every
# row in the full run; in a sampled one the rows (k mod NI, k mod NJ) for
# k below the larger of NI and NJ, so that each I and each J is seen.
# The others are counted in SKIPPED.
sampled() {
	local k
	[ "$SAMPLE" = 1 ] || return 0
	for ((k = $1; k < ($3 > $4 ? $3 : $4); k += $3)); do
		[ $((k % $4)) -eq "$2" ] && return 0
	done
	SKIPPED=$((SKIPPED + 1))
	return 1
}

# ---------------------------------------------------------------------
# Control: without a fault the account flow reaches each of its
# endpoints and the account stage succeeds, so its rows below fail for
# their fault alone
# ---------------------------------------------------------------------
row_conf
fk_reset_counts
run_flow account
is "$PK_ACCT" PAM_SUCCESS "account flow, no fault: PAM_SUCCESS" || pk_context
for e in "${ENDPOINTS[@]}"; do
	read -r ep path flow <<<"$e"
	[ "$flow" = account ] || continue
	cmp_num "$(fk_count "$path")" -ge 1 "account flow, no fault: $ep asked"
done

# ---------------------------------------------------------------------
# Each endpoint under each fault
# ---------------------------------------------------------------------
ei=0
for e in "${ENDPOINTS[@]}"; do
	read -r ep path flow <<<"$e"
	fi=0
	for f in "${FAULTS[@]}"; do
		read -r fault json want <<<"$f"
		fi=$((fi + 1))
		sampled "$ei" $((fi - 1)) ${#ENDPOINTS[@]} ${#FAULTS[@]} ||
			continue
		fk_clear_faults
		ROW_TIMEOUT=$TIMEOUT
		[ "$fault" = 1-byte/s ] && ROW_TIMEOUT=$TRICKLE_TIMEOUT
		row_conf
		fk_fault "{\"path\":\"$path\",${json#\{}"
		case " $DISCOVERY_FALLBACK " in
		*" $fault "*)
			[ "$ep" = discovery ] &&
				fk_fault "{\"path\":\"/.well-known/jwks\",${json#\{}" ;;
		esac
		run_flow "$flow"
		check "$flow" "$ep ($flow login), $fault" "$want"
	done
	ei=$((ei + 1))
done
fk_clear_faults
ROW_TIMEOUT=$TIMEOUT

# ---------------------------------------------------------------------
# The issuer unreachable or not who it says: every flow
# ---------------------------------------------------------------------
DEAD=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fk_start_extra N --tls-name wrong.example || { echo "Bail out! extra server"; exit 99; }
fk_start_extra X --tls-cert expired || { echo "Bail out! extra server"; exit 99; }
fk_start_extra S --tls-cert self-signed || { echo "Bail out! extra server"; exit 99; }
fk_stop_extra_all() { fk_stop_extra "$N_PID"; fk_stop_extra "$X_PID"; fk_stop_extra "$S_PID"; }
# connection      domain
CONNECTION=(
	"refused         https://127.0.0.1:$DEAD"
	"dns-failure     https://kinde-matrix.invalid"
	"tls-name        https://127.0.0.1:$N_PORT"
	"tls-expired     https://127.0.0.1:$X_PORT"
	"tls-self-signed https://127.0.0.1:$S_PORT"
)
ci=0
for c in "${CONNECTION[@]}"; do
	read -r fault domain <<<"$c"
	fi=0
	for flow in token apikey device account; do
		fi=$((fi + 1))
		sampled "$ci" $((fi - 1)) ${#CONNECTION[@]} 4 || continue
		row_conf "domain = $domain" "issuer = $FK_ISSUER"
		run_flow "$flow"
		check "$flow" "$flow login, $fault" PAM_AUTHINFO_UNAVAIL
	done
	ci=$((ci + 1))
done
fk_stop_extra_all

# Nothing the rows sent or logged holds a secret.
leaks=0
while IFS= read -r s; do
	[ -n "$s" ] || continue
	grep -rqF -- "$s" "$T"/login.*/log 2>/dev/null && leaks=$((leaks + 1))
done <"$T/secrets"
is "$leaks" 0 "no token or API key in any row's log"
[ "$SKIPPED" -eq 0 ] ||
	skip "the other $SKIPPED rows of the matrix" "KINDE_TEST_SAMPLE=1 runs a sample (the whole matrix runs in .ci/quickstart check's werror run and in a plain make check)"
tap_done
