#!/bin/bash
# test_redirects.sh - no redirect carries a secret away.  A POST (the
# token endpoint's form with the client secret, the API-key verification
# with its bearer token and the key) is never redirected; a GET is
# followed only to the same origin (https, host, port), a few times at
# most.  A refused redirect names both URLs and is "unavailable" (exit 3).
#
# The other origin is a second fake server with the same CA (so TLS would
# not stop a follower): its request log shows what reached it.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

fk_start || { echo "Bail out! fake_kinde did not start"; exit 99; }
# The other origin: its own state dir (its own requests.log), our CA.
OTHER_DIR=$T/fk_other
mkdir -p "$OTHER_DIR"
cp "$FK_DIR/ca.pem" "$FK_DIR/ca.key" "$OTHER_DIR/"
_fk_launch "$OTHER_DIR" "$OTHER_DIR/server.out" 0 ||
	{ echo "Bail out! the second fake_kinde did not start"; exit 99; }
OTHER="https://127.0.0.1:$_FK_LAST_PORT"
TOKEN_PATH=/oauth2/token
VERIFY_PATH=/api/v1/api_keys/verify
JWKS_PATH=/.well-known/jwks

# other_got METHOD PATH: how many such requests the other origin received.
other_got() {
	grep -c "^$1 $2 " "$OTHER_DIR/requests.log" 2>/dev/null
}
# other_last PATH: the other origin's last_request for PATH (404: none).
other_last() {
	curl -sS --max-time 20 --cacert "$FK_CA" -o /dev/null -w '%{http_code}' \
		"$OTHER/__fake__/last_request?path=$1"
}
conf() {	# conf FILE: a fresh config (fresh cache) for the main server
	fk_conf "$1" "require_scopes = openid" "timeout = 5" "connect_timeout = 2"
}

# Sanity: the other origin answers, with our CA.
is "$(curl -sS --max-time 20 --cacert "$FK_CA" -o /dev/null -w '%{http_code}' "$OTHER$JWKS_PATH")" 200 \
	"the other origin serves HTTPS under the same CA"
: >"$OTHER_DIR/requests.log"

# ----------------------------------------------- the token endpoint (POST) --

for code in 307 308; do
	conf "$T/t$code.conf"
	fk_reset_counts
	fk_fault "{\"path\":\"$TOKEN_PATH\",\"kind\":\"redirect-$code\",\"location\":\"$OTHER$TOKEN_PATH\"}"
	kinde_auth token --config "$T/t$code.conf"
	is "$KA_RC" 3 "token endpoint, $code to another origin: exit 3 (unavailable)"
	like "$KA_ERR" "refused redirect from $FK_ISSUER$TOKEN_PATH to $OTHER$TOKEN_PATH" \
		"token endpoint, $code: the message names both URLs"
	is "$(other_got POST $TOKEN_PATH)" 0 "token endpoint, $code: the other origin received no POST"
	is "$(other_last $TOKEN_PATH)" 404 "token endpoint, $code: the other origin never saw the form (no client secret)"
	is "$(fk_count $TOKEN_PATH)" 1 "token endpoint, $code: one request, not retried"
	fk_clear_faults
done

# Not even to the same origin: a POST is never repeated by a redirect.
conf "$T/tsame.conf"
fk_reset_counts
fk_fault "{\"path\":\"$TOKEN_PATH\",\"kind\":\"redirect-307\",\"location\":\"$FK_ISSUER/oauth2/token2\"}"
kinde_auth token --config "$T/tsame.conf"
is "$KA_RC" 3 "token endpoint, 307 to the same origin: exit 3 (a POST is never redirected)"
like "$KA_ERR" 'refused redirect from .* to .*/oauth2/token2: ' "token endpoint, 307 to the same origin: says refused redirect"
is "$(fk_count /oauth2/token2)" 0 "token endpoint, 307 to the same origin: not followed"
fk_clear_faults

# ------------------------------------------ the API-key verification (POST) --

for code in 307 308; do
	conf "$T/k$code.conf"
	kinde_auth token --config "$T/k$code.conf"	# the M2M token, cached
	is "$KA_RC" 0 "API key, $code: the M2M token is had first"
	fk_reset_counts
	fk_fault "{\"path\":\"$VERIFY_PATH\",\"kind\":\"redirect-$code\",\"location\":\"$OTHER$VERIFY_PATH\"}"
	kinde_auth apikey --config "$T/k$code.conf" "k_live_redirect$code$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	is "$KA_RC" 3 "API key verification, $code to another origin: exit 3"
	like "$KA_ERR" "refused redirect from $FK_ISSUER$VERIFY_PATH to $OTHER$VERIFY_PATH" \
		"API key verification, $code: the message names both URLs"
	is "$(other_got POST $VERIFY_PATH)" 0 "API key verification, $code: the other origin received no POST"
	is "$(other_last $VERIFY_PATH)" 404 "API key verification, $code: the other origin never saw the key or the bearer token"
	fk_clear_faults
done

# ------------------------------------------------------- the key set (GET) --

TOK=$(fk_mint --ttl 7200)
conf "$T/j1.conf"
fk_reset_counts
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"redirect-https\",\"location\":\"$OTHER$JWKS_PATH\"}"
kinde_auth verify --config "$T/j1.conf" "$TOK"
is "$KA_RC" 3 "JWKS, 302 to another origin (port): exit 3"
like "$KA_ERR" "refused redirect from $FK_ISSUER$JWKS_PATH to $OTHER$JWKS_PATH: " \
	"JWKS to another origin: the message names both URLs"
is "$(other_got GET $JWKS_PATH)" 0 "JWKS to another origin: not followed (the other origin got nothing)"
fk_clear_faults

# Another host name for the same server (its certificate has DNS:localhost):
# the origin is scheme, host and port, not where the packets go.
conf "$T/j2.conf"
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"redirect-https\",\"location\":\"https://localhost:$FK_PORT$JWKS_PATH\"}"
kinde_auth verify --config "$T/j2.conf" "$TOK"
is "$KA_RC" 3 "JWKS, 302 to another host name on the same port: exit 3"
like "$KA_ERR" "refused redirect .* to https://localhost:$FK_PORT$JWKS_PATH" \
	"JWKS to another host name: refused redirect"
fk_clear_faults

# The same origin: followed.
conf "$T/j3.conf"
fk_reset_counts
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"redirect-https\",\"count\":1}"
kinde_auth verify --config "$T/j3.conf" "$TOK"
is "$KA_RC" 0 "JWKS, 302 to the same origin: followed, accepted"
is "$(fk_count $JWKS_PATH)" 2 "JWKS, same origin: the redirect and the real answer"
fk_clear_faults
conf "$T/j4.conf"
fk_reset_counts
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"redirect-308\",\"location\":\"$FK_ISSUER$JWKS_PATH.json\",\"count\":1}"
kinde_auth verify --config "$T/j4.conf" "$TOK"
is "$KA_RC" 0 "JWKS, 308 to another path of the same origin: followed, accepted"
is "$(fk_count $JWKS_PATH.json)" 1 "JWKS, 308 same origin: the target was fetched"
fk_clear_faults

# A loop on the same origin: a few hops, then a clear refusal.
conf "$T/j5.conf"
fk_reset_counts
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"redirect-https\"}"
kinde_auth verify --config "$T/j5.conf" "$TOK"
is "$KA_RC" 3 "JWKS redirecting to itself forever: exit 3"
like "$KA_ERR" 'too many redirects' "JWKS redirect loop: says too many redirects"
cmp_num "$(fk_count $JWKS_PATH)" -le 5 "JWKS redirect loop: at most a few requests ($(fk_count $JWKS_PATH))"
fk_clear_faults

# After all of it: nothing of ours ever reached the other origin.
is "$(grep -v "^GET /__fake__/" "$OTHER_DIR/requests.log" | grep -vc "^GET $JWKS_PATH 200\$")" 0 \
	"the other origin's request log holds no request of the client (only the sanity check)" ||
	diag "$(cat "$OTHER_DIR/requests.log")"

tap_done
