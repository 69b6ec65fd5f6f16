#!/bin/bash
# test_fault_matrix.sh - every endpoint the module uses, under every fault
# the network or the issuer can produce, through a real PAM stack: each
# row its expected PAM code, no row PAM_SUCCESS, no row longer than the
# configured timeout allows (timeout = 3, connect_timeout = 2; the bound is
# generous: three timeouts and 5 s, where a hang would reach pam_harness's
# 60 s), and none hangs.
#
# The matrix is two tables (ENDPOINTS x FAULTS, and CONNECTION faults per
# flow); a row is one line.  A new endpoint (say the Management API's
# account check) is one ENDPOINTS line: "name path flow", with a flow
# below that reaches it (or a new one in run_flow).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
machine_timed
fk_ctl POST config '{"device_interval": 1}' >/dev/null
TIMEOUT=3
BOUND=$((3 * TIMEOUT + 5))

# endpoint  path                                flow
ENDPOINTS=(
	"discovery /.well-known/openid-configuration token"
	"jwks      /.well-known/jwks                 token"
	"token     /oauth2/token                     apikey"
	"verify    /api/v1/api_keys/verify           apikey"
	"device    /oauth2/device/auth               device"
	"poll      /oauth2/token                     device"
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

ROW=0
# row_conf [LINE...]: a config with a cold cache, the matrix's timeouts.
row_conf() {
	ROW=$((ROW + 1))
	pk_conf "$T/row$ROW.conf" "timeout = $TIMEOUT" "connect_timeout = 2" \
		"require_scopes = ssh:login" "device_client_id = kinde_device_app" \
		"device_timeout = 20" "$@"
	pk_kinde_service "row$ROW" "$T/row$ROW.conf"
	pk_kinde_service "dev$ROW" "$T/row$ROW.conf" mode=device
}

# run_flow FLOW: one login that reaches the flow's endpoints.
run_flow() {
	case $1 in
	token) pk_login --no-acct "row$ROW" alice "$TOKEN" ;;
	apikey) pk_login --no-acct "row$ROW" alice "$KEY" ;;
	device) pk_login --no-acct "dev$ROW" alice "" ;;
	esac
}

# check DESC EXPECTED: the code, never success, within the bound.
check() {
	local secs
	secs=$(awk -v us="$(sed -n 's/^auth_us //p' "$PK_DIR/out")" \
		'BEGIN { printf "%.2f", us / 1e6 }')
	is "$PK_AUTH" "$2" "$1: $2" || pk_context
	[ "$PK_AUTH" != PAM_SUCCESS ] && [ "$PK_AUTH" != PAM_IGNORE ]
	_tap_result $? "$1: not PAM_SUCCESS"
	cmp_num "$secs" -le "$BOUND" "$1: took ${secs}s (timeout ${TIMEOUT}s, bound ${BOUND}s)"
}

# ---------------------------------------------------------------------
# Each endpoint under each fault
# ---------------------------------------------------------------------
for e in "${ENDPOINTS[@]}"; do
	read -r ep path flow <<<"$e"
	for f in "${FAULTS[@]}"; do
		read -r fault json want <<<"$f"
		fk_clear_faults
		row_conf
		fk_fault "{\"path\":\"$path\",${json#\{}"
		case " $DISCOVERY_FALLBACK " in
		*" $fault "*)
			[ "$ep" = discovery ] &&
				fk_fault "{\"path\":\"/.well-known/jwks\",${json#\{}" ;;
		esac
		run_flow "$flow"
		check "$ep ($flow login), $fault" "$want"
	done
done
fk_clear_faults

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
for c in "${CONNECTION[@]}"; do
	read -r fault domain <<<"$c"
	for flow in token apikey device; do
		row_conf "domain = $domain" "issuer = $FK_ISSUER"
		run_flow "$flow"
		check "$flow login, $fault" PAM_AUTHINFO_UNAVAIL
	done
done
fk_stop_extra_all

# Nothing the rows sent or logged holds a secret.
leaks=0
while IFS= read -r s; do
	[ -n "$s" ] || continue
	grep -rqF -- "$s" "$T"/login.*/log 2>/dev/null && leaks=$((leaks + 1))
done <"$T/secrets"
is "$leaks" 0 "no token or API key in any row's log"
tap_done
