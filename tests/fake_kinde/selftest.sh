#!/bin/bash
# Self test of the fake Kinde server: starts it on a free port, exercises
# every endpoint, fault kind and control call with curl, checks tokens with
# Python, and prints TAP. Exit status is nonzero if any check fails.
#
#   bash tests/fake_kinde/selftest.sh        (KEEP=1 keeps the temp dir)

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
SERVER="$HERE/fake_kinde.py"
MINT="$HERE/mint.py"

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed (Debian: curl)"; exit 0; }
$PY -c 'import cryptography' 2>/dev/null ||
	{ echo "1..0 # SKIP $PY lacks the cryptography module (Debian: python3-cryptography)"; exit 0; }

T=$(mktemp -d /tmp/fake_kinde_selftest.XXXXXX)
S="$T/state"                     # main server state dir
S2="$T/state2"                   # --tls-name server state dir
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "${KEEP:-}" ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- TAP ----

N=0
FAILED=0
ok() {                  # ok CONDITION-EXIT-STATUS DESCRIPTION
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		FAILED=$((FAILED + 1))
	fi
}
check() {               # check DESCRIPTION COMMAND...
	local d=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$d"
}

# ------------------------------------------------------------- helpers ----

# Python helper: JSON and JWT assertions. Usage:
#   pyx 'EXPR'  with d = JSON of $T/body, h/c = header/claims of $TOK,
#   jwks = JSON of $T/jwks; exit 0 when EXPR is true.
cat >"$T/assert.py" <<'EOF'
import base64, json, os, sys

def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def load(path):
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except Exception:
        return None

def verifies(token, jwks):
    """True if token's RS256 signature verifies under the JWKS key named
    by its kid."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    p = token.split(".")
    kid = json.loads(b64d(p[0])).get("kid")
    for k in jwks["keys"]:
        if k["kid"] == kid:
            pub = rsa.RSAPublicNumbers(int.from_bytes(b64d(k["e"]), "big"),
                                       int.from_bytes(b64d(k["n"]), "big"))
            try:
                pub.public_key().verify(b64d(p[2]), (p[0] + "." + p[1]).encode(),
                                        padding.PKCS1v15(), hashes.SHA256())
                return True
            except Exception:
                return False
    return False

T = os.environ["T"]
d = load(T + "/body")
jwks = load(T + "/jwks")
tok = os.environ.get("TOK", "")
h = c = None
if tok.count(".") == 2:
    try:
        h = json.loads(b64d(tok.split(".")[0]))
        c = json.loads(b64d(tok.split(".")[1]))
    except Exception:
        pass
ok = eval("(" + sys.argv[1] + "\n)")
if not ok:
    sys.stderr.write("assertion false: %s\n" % sys.argv[1])
sys.exit(0 if ok else 1)
EOF
export T
pyx() { TOK="${TOK:-}" $PY "$T/assert.py" "$1"; }

CURL=(curl -sS --max-time 20)

# req METHOD PATH [curl args...]: body -> $T/body, headers -> $T/hdr,
# status -> $CODE (000 when there was no HTTP answer), curl exit -> $RC.
req() {
	local m=$1 p=$2
	shift 2
	: >"$T/body"
	: >"$T/hdr"
	CODE=$("${CURL[@]}" --cacert "$S/ca.pem" -X "$m" -o "$T/body" \
		-D "$T/hdr" -w '%{http_code}' "$@" "$ISS$p" 2>"$T/curl.err")
	RC=$?
}
# ctl PATH [JSON]: POST to the control API.
ctl() {
	req POST "/__fake__/$1" -H 'Content-Type: application/json' \
		--data-binary "${2:-}"
}
hdr() {                 # value of response header $1 (last response)
	grep -i "^$1:" "$T/hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r'
}
count_of() {            # counter for a path from /__fake__/counts
	ctl_get counts >/dev/null
	$PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' \
		"$T/body" "$1"
}
ctl_get() { req GET "/__fake__/$1"; }
m2m() {                 # m2m [extra form args...]: token for client m2m
	req POST /oauth2/token -d grant_type=client_credentials \
		-d client_id=m2m -d client_secret=m2m-secret-value "$@"
	TOK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get("access_token",""))' \
		"$T/body" 2>/dev/null)
}
mint() { $PY "$MINT" --state-dir "$S" "$@"; }
fetch_jwks() {
	"${CURL[@]}" --cacert "$S/ca.pem" -o "$T/jwks" "$ISS/.well-known/jwks"
}
verify_key() {          # verify_key KEY: POST api key with bearer $BEARER
	req POST /api/v1/api_keys/verify -H "Authorization: Bearer $BEARER" \
		-H 'Content-Type: application/json' \
		--data-binary "{\"api_key\":\"$1\"}"
}

# start_server STATEDIR OUTFILE [args...]: start, wait for READY, set $PID.
start_server() {
	local dir=$1 out=$2 i
	shift 2
	$PY "$SERVER" --state-dir "$dir" "$@" >"$out" 2>"$out.err" &
	PID=$!
	PIDS+=("$PID")
	for i in $(seq 1 200); do
		grep -q '^READY ' "$out" && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ================================================================ start ====

T0=$(date +%s.%N)
start_server "$S" "$T/out" --client m2m:m2m-secret-value:read:api_keys,ssh:login \
	--device-interval 1
ok $? "server starts and prints READY"
PORT=$(sed -n 's/^READY //p' "$T/out")
ISS="https://127.0.0.1:$PORT"
[ "$(cat "$S/port" 2>/dev/null)" = "$PORT" ]
ok $? "DIR/port holds the port ($PORT)"
[ "$(cat "$S/issuer" 2>/dev/null)" = "$ISS" ]
ok $? "DIR/issuer holds $ISS"
check "state files made at run time" test -s "$S/ca.pem" -a -s "$S/ca.key" \
	-a -s "$S/server.pem" -a -s "$S/server.key" -a -s "$S/wrong-ca.pem" \
	-a -s "$S/keys/state.json"
$PY -c 'import sys, ipaddress
from cryptography import x509
c = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
san = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
sys.exit(0 if san.get_values_for_type(x509.IPAddress) ==
	[ipaddress.ip_address("127.0.0.1")] and
	san.get_values_for_type(x509.DNSName) == ["localhost"] else 1)' "$S/server.pem"
ok $? "server cert has SAN IP:127.0.0.1 and DNS:localhost"

# ============================================================ discovery ====

req GET /.well-known/openid-configuration
ok $((CODE != 200)) "discovery: 200"
pyx "d['issuer'] == '$ISS' and d['jwks_uri'] == '$ISS/.well-known/jwks'
	and d['token_endpoint'] == '$ISS/oauth2/token'
	and d['authorization_endpoint'] == '$ISS/oauth2/auth'
	and d['device_authorization_endpoint'] == '$ISS/oauth2/device/auth'
	and d['userinfo_endpoint'].startswith('$ISS/')
	and d['end_session_endpoint'].startswith('$ISS/')
	and d['id_token_signing_alg_values_supported'] == ['RS256']
	and {'openid','profile','email','offline','ssh:login','read:api_keys'}
	    <= set(d['scopes_supported'])
	and 'client_credentials' in d['grant_types_supported']
	and d['response_types_supported'] and d['claims_supported']
	and d['token_endpoint_auth_methods_supported']"
ok $? "discovery: Kinde fields and endpoints"
DETAG=$(hdr ETag)
hdr Cache-Control | grep -Eq '^(public, )?max-age=[0-9]+$'
ok $? "discovery: Cache-Control max-age"
req GET /.well-known/openid-configuration -H "If-None-Match: $DETAG"
[ "$CODE" = 304 ] && [ ! -s "$T/body" ]
ok $? "discovery: If-None-Match -> 304 without body"
ctl scopes_supported '{"scopes":["openid","ssh:login","custom:x"]}'
req GET /.well-known/openid-configuration -H "If-None-Match: $DETAG"
[ "$CODE" = 200 ] && pyx "d['scopes_supported'] == ['openid','ssh:login','custom:x']"
ok $? "control scopes_supported changes discovery (and its ETag)"
ctl scopes_supported '{"scopes":["openid","profile","email","offline","ssh:login","read:api_keys"]}'

# ================================================================= JWKS ====

req GET /.well-known/jwks
cp "$T/body" "$T/jwks"
ok $((CODE != 200)) "jwks: 200"
pyx "len(d['keys']) == 1 and all(list(k) == ['e','n','alg','kid','kty','use']
	and k['e'] == 'AQAB' and k['alg'] == 'RS256' and k['kty'] == 'RSA'
	and k['use'] == 'sig' and len(b64d(k['n'])) == 256 for k in d['keys'])"
ok $? "jwks: Kinde key shape (RSA 2048, e AQAB, RS256, sig)"
KID0=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["kid"])' "$T/body")
echo "$KID0" | grep -Eq '^([0-9a-f]{2}:){15}[0-9a-f]{2}$'
ok $? "jwks: kid shaped like Kinde's ($KID0)"
[ "$(hdr Cache-Control)" = "public, max-age=3600" ]
ok $? "jwks: Cache-Control: public, max-age=3600"
JETAG=$(hdr ETag)
echo "$JETAG" | grep -Eq '^"[0-9a-f]+"$'
ok $? "jwks: strong ETag"
hdr Date | grep -Eq '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
ok $? "Date header in RFC 7231 format"
hdr Content-Length | grep -qx "$(stat -c %s "$T/body")"
ok $? "Content-Length matches the body"
req GET /.well-known/jwks -H "If-None-Match: $JETAG"
[ "$CODE" = 304 ] && [ ! -s "$T/body" ] && [ "$(hdr ETag)" = "$JETAG" ]
ok $? "jwks: If-None-Match -> 304 without body"
req GET /.well-known/jwks -H "If-None-Match: \"x\", W/$JETAG"
ok $((CODE != 304)) "jwks: If-None-Match list with weak form -> 304"
req GET /.well-known/jwks -H 'If-None-Match: "nope"'
ok $((CODE != 200)) "jwks: stale If-None-Match -> 200"
req GET /.well-known/jwks.json
cmp -s "$T/body" "$T/jwks"
ok $? "jwks.json serves the same key set"

# ======================================================== clock offset ====

ctl config '{"clock_offset":7200}'
req GET /.well-known/jwks
$PY -c 'import email.utils,sys,time
d = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()
sys.exit(0 if abs(d - time.time() - 7200) < 30 else 1)' "$(hdr Date)"
ok $? "clock_offset shifts the Date header"
m2m -d "audience=$ISS/api"
pyx "abs(c['iat'] - __import__('time').time() - 7200) < 30"
ok $? "clock_offset shifts iat of issued tokens"
ctl config '{"clock_offset":0}'
ctl config '{"clock_offset":"x"}'
ok $((CODE != 400)) "control config: bad value -> 400"

# ============================================================= counters ====

ctl counts/reset
for i in 1 2 3; do req GET /.well-known/jwks; done
req GET /.well-known/jwks -H 'Authorization: Bearer should-not-be-sent'
req GET /.well-known/openid-configuration
ctl_get counts
pyx "d['/.well-known/jwks'] == 4 and d['/.well-known/openid-configuration'] == 1
	and d['jwks_with_authorization'] == 1 and not any(k.startswith('/__fake__') for k in d)"
ok $? "counts per path and jwks_with_authorization"
ctl counts/reset
ctl_get counts
pyx "d == {'jwks_with_authorization': 0, 'connections': 0}"
ok $? "counts/reset zeroes the counters"

req GET /no/such/path
[ "$CODE" = 404 ] && pyx "isinstance(d, dict)"
ok $? "unknown path -> 404 JSON"
req GET /oauth2/token
[ "$CODE" = 405 ]
ok $? "wrong method on a known path -> 405"
SIZE=$("${CURL[@]}" --cacert "$S/ca.pem" -I -o /dev/null -D "$T/hdr" \
	-w '%{size_download}' "$ISS/.well-known/jwks")
[ "$SIZE" = 0 ] && [ "$(hdr Content-Length)" -gt 100 ]
ok $? "HEAD: headers with Content-Length, no body"

# ================================================== client credentials ====

m2m -d "audience=$ISS/api" -d 'scope=read:api_keys'
[ "$CODE" = 200 ] && pyx "d['token_type'] == 'bearer' and d['expires_in'] == 86399
	and d['scope'] == 'read:api_keys' and set(d) == {'access_token','expires_in','scope','token_type'}"
ok $? "client_credentials: 200 with access_token, expires_in, scope, token_type"
hdr Cache-Control | grep -q no-store
ok $? "client_credentials: Cache-Control no-store"
pyx "h == {'alg':'RS256','kid':'$KID0','typ':'JWT'}"
ok $? "M2M token header {alg,kid,typ}"
pyx "c['aud'] == ['$ISS/api'] and c['azp'] == 'm2m' and c['gty'] == ['client_credentials']
	and c['iss'] == '$ISS' and c['scope'] == 'read:api_keys' and c['scp'] == ['read:api_keys']
	and c['v'] == '2' and c['exp'] - c['iat'] == 86399 and len(c['jti']) == 36
	and set(c) == {'aud','azp','exp','gty','iat','iss','jti','scope','scp','v'}"
ok $? "M2M token claims (aud, azp, gty, scope, scp, v, exp)"
pyx "verifies(tok, jwks)"
ok $? "M2M token signature verifies against the JWKS"
M2M_TOKEN=$TOK

m2m -d "audience=$ISS/api" -d "audience=$ISS/api"
pyx "c['aud'] == ['$ISS/api', '$ISS/api']"
ok $? "client_credentials: repeated audience -> aud array"
m2m
pyx "c['aud'] == [] and c['scope'] == 'read:api_keys ssh:login' and c['scp'] == []"
ok $? "client_credentials: no audience/scope -> aud [], all granted, scp []"

req POST /oauth2/token -u m2m:m2m-secret-value -d grant_type=client_credentials \
	-d "audience=$ISS/api"
ok $((CODE != 200)) "client_credentials: HTTP Basic client auth"
ctl_get "last_request?path=/oauth2/token"
pyx "d['headers']['Authorization'] == 'Basic bTJt' + '…' and d['form']['grant_type'] == 'client_credentials'"
ok $? "last_request: Authorization redacted to 10 chars"

m2m -d 'scope=read:api_keys'
ctl_get "last_request?path=/oauth2/token"
pyx "d['method'] == 'POST' and d['form']['client_secret'] == 'm2m-sec…alue'
	and d['form']['client_id'] == 'm2m'"
ok $? "last_request: client_secret redacted to 7+4 chars"
ctl_get "last_request?path=/never"
ok $((CODE != 404)) "last_request: unknown path -> 404"

req POST /oauth2/token -d grant_type=client_credentials -d client_id=m2m \
	-d client_secret=wrong
[ "$CODE" = 401 ] && pyx "d['error'] == 'invalid_client' and d['error_description']"
ok $? "bad secret -> 401 invalid_client"
req POST /oauth2/token -d grant_type=client_credentials -d client_id=nobody \
	-d client_secret=x
[ "$CODE" = 401 ] && pyx "d['error'] == 'invalid_client'"
ok $? "unknown client -> 401 invalid_client"
req POST /oauth2/token -u m2m:wrong -d grant_type=client_credentials
[ "$CODE" = 401 ] && hdr WWW-Authenticate | grep -q Basic
ok $? "bad Basic secret -> 401 with WWW-Authenticate"
req POST /oauth2/token -d grant_type=client_credentials -d client_id=m2m
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_request'"
ok $? "missing client_secret -> 400 invalid_request"
req POST /oauth2/token -d client_id=m2m -d client_secret=m2m-secret-value
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_request'"
ok $? "missing grant_type -> 400 invalid_request"
req POST /oauth2/token -H 'Content-Type: application/json' \
	--data-binary '{"grant_type":"client_credentials"}'
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_request'"
ok $? "JSON body -> 400 invalid_request"
m2m -d 'scope=read:api_keys admin:all'
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_scope'"
ok $? "scope not allowed -> 400 invalid_scope"
m2m -d 'audience=https://elsewhere.example/api'
[ "$CODE" = 400 ] && pyx "d['error'] == 'unauthorized_client'"
ok $? "audience not allowed -> 400 unauthorized_client"
req POST /oauth2/token -d grant_type=password -d client_id=m2m -d client_secret=x
[ "$CODE" = 400 ] && pyx "d['error'] == 'unsupported_grant_type'"
ok $? "unknown grant -> 400 unsupported_grant_type"

ctl clients '{"client_id":"devonly","client_secret":"s3cret-devonly","grants":["urn:ietf:params:oauth:grant-type:device_code"]}'
ok $((CODE != 200)) "control clients: register"
req POST /oauth2/token -d grant_type=client_credentials -d client_id=devonly \
	-d client_secret=s3cret-devonly
[ "$CODE" = 400 ] && pyx "d['error'] == 'unauthorized_client'"
ok $? "client without the grant -> 400 unauthorized_client"
ctl clients '{"client_id":"short","client_secret":"short-secret","scopes":["read:api_keys"],"audiences":["https://aud.example"],"expires_in":2}'
req POST /oauth2/token -d grant_type=client_credentials -d client_id=short \
	-d client_secret=short-secret -d audience=https://aud.example \
	-d "audience=$ISS/api"
TOK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$T/body")
pyx "d['expires_in'] == 2 and c['exp'] - c['iat'] == 2 and c['aud'] == ['https://aud.example', '$ISS/api']"
ok $? "per-client expires_in and registered audiences"
ctl clients '{"client_id":"noapi","client_secret":"noapi-secret","management_api":false}'
req POST /oauth2/token -d grant_type=client_credentials -d client_id=noapi \
	-d client_secret=noapi-secret -d "audience=$ISS/api"
[ "$CODE" = 400 ] && pyx "d['error'] == 'unauthorized_client'"
ok $? "management_api:false client may not ask for <iss>/api"
printf 'grant_type=client_credentials&client_id=m2m&client_secret=m2m-secret-value' >"$T/form"
req POST /oauth2/token -H 'Transfer-Encoding: chunked' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/form"
ok $((CODE != 200)) "chunked request body accepted"

# ========================================================== device flow ====

device_start() {
	req POST /oauth2/device/auth -d client_id=cli-app -d 'scope=openid ssh:login' \
		-d audience=https://ssh.example
	DEVICE=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["device_code"])' "$T/body")
	UCODE=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["user_code"])' "$T/body")
}
poll() {
	req POST /oauth2/token -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
		-d "device_code=$DEVICE" -d "client_id=${1:-cli-app}"
}
device_start
[ "$CODE" = 200 ] && pyx "set(d) == {'device_code','user_code','verification_uri',
	'verification_uri_complete','expires_in','interval'} and d['interval'] == 1
	and d['expires_in'] == 600 and d['verification_uri'].startswith('$ISS/')
	and d['user_code'] in d['verification_uri_complete']"
ok $? "device/auth: RFC 8628 fields (--device-interval 1)"
ctl config '{"device_interval":30}'     # so that two polls surely come too fast
device_start
ctl config '{"device_interval":1}'
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'authorization_pending'"
ok $? "device poll: authorization_pending"
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'slow_down'"
ok $? "device poll faster than interval: slow_down"
poll other-client
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_grant'"
ok $? "device poll with another client_id: invalid_grant"

device_start
ctl device/approve "{\"user_code\":\"$UCODE\",\"claims\":{\"sub\":\"kp_0123456789abcdef0123456789abcdef\",\"email\":\"alice@example.com\"}}"
ok $((CODE != 200)) "control device/approve"
poll
TOK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get("access_token",""))' "$T/body")
[ "$CODE" = 200 ] && pyx "d['token_type'] == 'bearer' and c['sub'] == 'kp_0123456789abcdef0123456789abcdef'
	and c['email'] == 'alice@example.com' and c['azp'] == 'cli-app'
	and c['aud'] == ['https://ssh.example'] and c['scp'] == ['openid','ssh:login']
	and 'gty' not in c and c['iss'] == '$ISS' and verifies(tok, jwks)"
ok $? "approved device: user access token for the approved user"
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_grant'"
ok $? "device code is single use"

device_start
ctl device/deny "{\"user_code\":\"$UCODE\"}"
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'access_denied'"
ok $? "denied device: access_denied"
device_start
ctl device/expire "{\"user_code\":\"$UCODE\"}"
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'expired_token'"
ok $? "expired device code: expired_token"
ctl config '{"device_expires_in":1}'
device_start
sleep 1.1
poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'expired_token'"
ok $? "device code expires after expires_in"
ctl config '{"device_expires_in":600}'
DEVICE=bogus poll
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_grant'"
ok $? "unknown device_code: invalid_grant"
req POST /oauth2/device/auth -d scope=openid
[ "$CODE" = 400 ] && pyx "d['error'] == 'invalid_request'"
ok $? "device/auth without client_id: invalid_request"
req POST /oauth2/device/auth -d client_id=m2m
[ "$CODE" = 400 ] && pyx "d['error'] == 'unauthorized_client'"
ok $? "device/auth by a client without the device grant: unauthorized_client"
ctl device/approve '{"user_code":"NOPE-NOPE"}'
ok $((CODE != 404)) "control device/approve unknown user_code -> 404"
device_start
ctl device/approve "{\"user_code\":\"$UCODE\",\"ttl\":\"long\"}"
ok $((CODE != 400)) "control device/approve with a bad ttl -> 400"

# ====================================================== API key verify ====

ctl apikeys '{"api_key":"k_live_0123456789abcdefGOOD","status":"active","scopes":["ssh:login"],"org_code":"org_abc","user_id":"kp_1234","key_id":"api_key_0001"}'
ok $((CODE != 200)) "control apikeys: register"
ctl apikeys '{"api_key":"k_live_inactive_key_xxxx","status":"inactive"}'
ctl apikeys '{"api_key":"k_live_revoked_key_xxxxx","status":"revoked","scopes":["a"]}'
ctl apikeys '{"api_key":"k_test_liar","status":"revoked","is_valid":true}'
BEARER=$M2M_TOKEN
verify_key k_live_0123456789abcdefGOOD
[ "$CODE" = 200 ] && pyx "d['code'] == 'API_KEY_VERIFIED' and d['message'] and d['is_valid'] is True
	and d['status'] == 'active' and d['key_id'] == 'api_key_0001' and d['scopes'] == ['ssh:login']
	and d['org_code'] == 'org_abc' and d['user_id'] == 'kp_1234' and d['verification_count'] == 1
	and d['last_verified_at'].endswith('Z')"
ok $? "api key verify: active key -> is_valid true with metadata"
verify_key k_live_0123456789abcdefGOOD
pyx "d['verification_count'] == 2"
ok $? "api key verify: verification_count increments"
verify_key k_live_inactive_key_xxxx
[ "$CODE" = 200 ] && pyx "d['is_valid'] is False and d['status'] == 'inactive'"
ok $? "api key verify: inactive key -> is_valid false"
verify_key k_live_revoked_key_xxxxx
pyx "d['is_valid'] is False and d['status'] == 'revoked'"
ok $? "api key verify: revoked key -> is_valid false"
verify_key k_test_liar
pyx "d['is_valid'] is True and d['status'] == 'revoked'"
ok $? "api key verify: is_valid override (inconsistent reply)"
verify_key k_live_unknown
[ "$CODE" = 200 ] && pyx "d['is_valid'] is False and d['status'] is None and d['key_id'] is None
	and d['scopes'] is None and d['org_code'] is None and d['user_id'] is None"
ok $? "api key verify: unknown key -> 200 is_valid false, nulls"
ctl_get "last_request?path=/api/v1/api_keys/verify"
pyx "d['json']['api_key'] == 'k_live_…nown' and d['headers']['Authorization'] == 'Bearer eyJ…'"
ok $? "last_request: api_key and bearer redacted"

req POST /api/v1/api_keys/verify -H 'Content-Type: application/json' \
	--data-binary '{"api_key":"k_live_0123456789abcdefGOOD"}'
[ "$CODE" = 401 ] && pyx "d['errors'][0]['code'] == 'UNAUTHORIZED' and d['errors'][0]['message']"
ok $? "api key verify without bearer -> 401 UNAUTHORIZED"
m2m -d "audience=$ISS/api" -d scope=ssh:login
BEARER=$TOK verify_key k_live_0123456789abcdefGOOD
[ "$CODE" = 403 ] && pyx "d['errors'][0]['code'] == 'FORBIDDEN'"
ok $? "api key verify with token lacking read:api_keys -> 403 FORBIDDEN"
m2m -d scope=read:api_keys
BEARER=$TOK verify_key k_live_0123456789abcdefGOOD
[ "$CODE" = 401 ] && pyx "d['errors'][0]['code'] == 'UNAUTHORIZED'"
ok $? "api key verify with token not for <iss>/api -> 401"
BEARER=$(mint --m2m --aud "$ISS/api" --scope read:api_keys --ttl -10) \
	verify_key k_live_0123456789abcdefGOOD
ok $((CODE != 401)) "api key verify with expired token -> 401"
BEARER=$(mint --m2m --aud "$ISS/api" --scope read:api_keys --foreign-key) \
	verify_key k_live_0123456789abcdefGOOD
ok $((CODE != 401)) "api key verify with forged token -> 401"
BEARER=$(mint --m2m --aud "$ISS/api" --scope read:api_keys --tamper) \
	verify_key k_live_0123456789abcdefGOOD
ok $((CODE != 401)) "api key verify with tampered token -> 401"
BEARER=$(mint --m2m --aud "$ISS/api" --scope read:api_keys --issuer https://evil.example) \
	verify_key k_live_0123456789abcdefGOOD
ok $((CODE != 401)) "api key verify with foreign issuer -> 401"
BEARER=$(mint --m2m --aud "$ISS/api" --scope read:api_keys) \
	verify_key k_live_0123456789abcdefGOOD
ok $((CODE != 200)) "api key verify with a mint.py M2M token -> 200"
req POST /api/v1/api_keys/verify -H "Authorization: Bearer $M2M_TOKEN" \
	-H 'Content-Type: application/json' --data-binary '{"api_key":'
[ "$CODE" = 400 ] && pyx "d['errors'][0]['code'] == 'INVALID_REQUEST'"
ok $? "api key verify with bad JSON -> 400 INVALID_REQUEST"
req POST /api/v1/api_keys/verify -H "Authorization: Bearer $M2M_TOKEN" \
	-H 'Content-Type: application/json' --data-binary '{"key":"x"}'
[ "$CODE" = 400 ] && pyx "d['errors'][0]['code'] == 'INVALID_REQUEST'"
ok $? "api key verify without api_key -> 400 INVALID_REQUEST"
# ================================================= Management API: users ====

MGMT_SCOPES="read:users read:organization_users read:organization_user_roles read:organization_user_permissions"
MB=$(mint --m2m --aud "$ISS/api" --scope "$MGMT_SCOPES")
mget() {                # mget PATH: GET with the Management API bearer $MB
	req GET "$1" -H "Authorization: Bearer $MB"
}
ctl users '{"id":"kp_a1","email":"a1@example.com","organizations":{"org_one":{"roles":["admin","ops"],"permissions":["ssh:login"]}}}'
ok $((CODE != 200)) "control users: register with a membership"
mget "/api/v1/user?id=kp_a1&expand=organizations"
[ "$CODE" = 200 ] && pyx "d['id'] == 'kp_a1' and d['is_suspended'] is False
	and d['organizations'] == ['org_one'] and d['preferred_email'] == 'a1@example.com'"
ok $? "GET /api/v1/user?expand=organizations: id, is_suspended, organizations"
mget "/api/v1/user?id=kp_a1"
pyx "'organizations' not in d and d['id'] == 'kp_a1'"
ok $? "GET /api/v1/user without expand: no organizations"
mget "/api/v1/user?id=kp_nobody"
[ "$CODE" = 404 ] && pyx "d['errors'][0]['code'] == 'USER_NOT_FOUND' and d['errors'][0]['message']"
ok $? "GET /api/v1/user of an unknown id -> 404 USER_NOT_FOUND"
BEARER_NOSCOPE=$(mint --m2m --aud "$ISS/api" --scope "read:organization_users")
req GET "/api/v1/user?id=kp_a1" -H "Authorization: Bearer $BEARER_NOSCOPE"
[ "$CODE" = 403 ] && pyx "d['errors'][0]['code'] == 'FORBIDDEN' and 'read:users' in d['errors'][0]['message']"
ok $? "GET /api/v1/user without read:users -> 403 FORBIDDEN naming the scope"
req GET "/api/v1/organizations/org_one/users/kp_a1/roles" -H "Authorization: Bearer $BEARER_NOSCOPE"
[ "$CODE" = 403 ] && pyx "'read:organization_user_roles' in d['errors'][0]['message']"
ok $? "roles without read:organization_user_roles -> 403"
req GET "/api/v1/user?id=kp_a1"
ok $((CODE != 401)) "GET /api/v1/user without a bearer -> 401"
mget "/api/v1/organizations/org_one/users/kp_a1/roles"
[ "$CODE" = 200 ] && pyx "[r['key'] for r in d['roles']] == ['admin', 'ops'] and all(set(r) == {'id','key','name'} for r in d['roles']) and d['next_token'] is None"
ok $? "GET .../users/{id}/roles: [{id,key,name}]"
mget "/api/v1/organizations/org_one/users/kp_a1/permissions"
[ "$CODE" = 200 ] && pyx "[r['key'] for r in d['permissions']] == ['ssh:login']"
ok $? "GET .../users/{id}/permissions"
for u in kp_b1 kp_b2 kp_b3 kp_b4 kp_b5; do
	ctl users "{\"id\":\"$u\",\"organizations\":{\"org_one\":{}}}"
done
ctl config '{"mgmt_page_size": 2}'
ok $((CODE != 200)) "control config mgmt_page_size"
IDS="" NT="" PAGES=0
while :; do
	mget "/api/v1/organizations/org_one/users?page_size=100${NT:+&next_token=$NT}"
	[ "$CODE" = 200 ] || break
	PAGES=$((PAGES + 1))
	IDS="$IDS$($PY -c 'import json,sys; print(" ".join(u["id"] for u in json.load(open(sys.argv[1]))["organization_users"]))' "$T/body") "
	NT=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["next_token"] or "")' "$T/body")
	[ -n "$NT" ] && [ "$PAGES" -lt 10 ] || break
done
[ "$PAGES" = 3 ] && [ "$IDS" = "kp_a1 kp_b1 kp_b2 kp_b3 kp_b4 kp_b5 " ]
ok $? "organization users paged by next_token (page size 2: 3 pages, all 6)"
mget "/api/v1/organizations/org_one/users?next_token=bogus"
[ "$CODE" = 400 ] && pyx "d['errors'][0]['code'] == 'INVALID_NEXT_TOKEN'"
ok $? "a bad next_token -> 400"
mget "/api/v1/organizations/org_none/users"
[ "$CODE" = 404 ] && pyx "d['errors'][0]['code'] == 'ORGANIZATION_NOT_FOUND'"
ok $? "users of an unknown organization -> 404"
ctl users/suspend '{"id":"kp_a1"}'
mget "/api/v1/user?id=kp_a1"
pyx "d['is_suspended'] is True"
ok $? "control users/suspend: is_suspended true"
ctl users/suspend '{"id":"kp_a1","suspended":false}'
mget "/api/v1/user?id=kp_a1"
pyx "d['is_suspended'] is False"
ok $? "control users/suspend false: lifted"
ctl orgs/member '{"org_code":"org_one","user_id":"kp_a1","roles":["viewer"]}'
mget "/api/v1/organizations/org_one/users/kp_a1/roles"
pyx "[r['key'] for r in d['roles']] == ['viewer']"
ok $? "control orgs/member: roles changed"
mget "/api/v1/organizations/org_one/users/kp_a1/permissions"
pyx "[r['key'] for r in d['permissions']] == ['ssh:login']"
ok $? "control orgs/member: permissions not given stay"
ctl orgs/remove '{"org_code":"org_one","user_id":"kp_a1"}'
ok $((CODE != 200)) "control orgs/remove"
mget "/api/v1/user?id=kp_a1&expand=organizations"
pyx "d['organizations'] == []"
ok $? "removed: the user's organizations no longer list it"
mget "/api/v1/organizations/org_one/users/kp_a1/roles"
[ "$CODE" = 404 ] && pyx "d['errors'][0]['code'] == 'USER_NOT_IN_ORGANIZATION'"
ok $? "removed: roles of a non-member -> 404"
ctl config '{"user_expand_orgs": false}'
mget "/api/v1/user?id=kp_b1&expand=organizations"
pyx "'organizations' not in d"
ok $? "control config user_expand_orgs false: no organizations"
ctl config '{"user_expand_orgs": 1}'
ok $((CODE != 400)) "control config user_expand_orgs must be a boolean"
ctl config '{"user_expand_orgs": true, "mgmt_page_size": 500}'
ctl fault '{"path":"/api/v1/user","kind":"429","count":1,"reset_after":3}'
mget "/api/v1/user?id=kp_b1"
[ "$CODE" = 429 ] && [ "$(hdr RateLimit-Reset)" = 3 ] && pyx "d['errors'][0]['code'] == 'TOO_MANY_REQUESTS'"
ok $? "a 429 fault on /api/v1/user: RateLimit-Reset and the errors shape"
req DELETE /__fake__/users
mget "/api/v1/user?id=kp_b1"
ok $((CODE != 404)) "DELETE users: forgotten"

req DELETE /__fake__/apikeys
verify_key k_live_0123456789abcdefGOOD
pyx "d['is_valid'] is False"
ok $? "DELETE /__fake__/apikeys clears keys"

# ============================================================= rotation ====

ctl rotate '{"keep_old":true}'
KID1=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["kid"])' "$T/body")
pyx "d['published'] == ['$KID1', '$KID0']"
ok $? "rotate keep_old: new kid first, old kid kept"
req GET /.well-known/jwks -H "If-None-Match: $JETAG"
cp "$T/body" "$T/jwks"
[ "$CODE" = 200 ] && pyx "[k['kid'] for k in d['keys']] == ['$KID1', '$KID0']" \
	&& [ "$(hdr ETag)" != "$JETAG" ]
ok $? "rotate: JWKS has both keys and a new ETag"
m2m -d "audience=$ISS/api"
pyx "h['kid'] == '$KID1' and verifies(tok, jwks)"
ok $? "rotate: issued tokens use the new key"
TOK=$(mint)
pyx "h['kid'] == '$KID1' and verifies(tok, jwks)"
ok $? "rotate: mint.py uses the new current key"
ctl rotate '{"keep_old":false}'
KID2=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["kid"])' "$T/body")
req GET /.well-known/jwks
cp "$T/body" "$T/jwks"
pyx "[k['kid'] for k in d['keys']] == ['$KID2']"
ok $? "rotate without keep_old: only the new key published"
ctl_get keys
pyx "d['current'] == '$KID2' and d['all'] == ['$KID0', '$KID1', '$KID2']"
ok $? "control keys: current, published and all kids"
TOK=$(mint --key-index 0)
pyx "h['kid'] == '$KID0' and not verifies(tok, jwks)"
ok $? "mint --key-index 0 signs with the retired first key"
BEARER=$M2M_TOKEN verify_key whatever
ok $((CODE != 401)) "api key verify rejects token of an unpublished key"

# =============================================================== faults ====

fault() { ctl fault "$1"; }
fault '{"path":"/.well-known/jwks","kind":"500","count":2}'
req GET /.well-known/jwks
C1=$CODE
req GET /.well-known/jwks
C2=$CODE
req GET /.well-known/jwks
[ "$C1$C2$CODE" = 500500200 ] && pyx "d['keys']"
ok $? "fault 500 with count 2: two 500s then normal"
fault '{"path":"/oauth2/token","kind":"500","count":1}'
m2m
[ "$CODE" = 500 ] && pyx "d['error'] == 'server_error'"
ok $? "fault 500 on the token endpoint: OAuth error shape"
fault '{"path":"/.well-known/jwks","kind":"429","reset_after":7,"count":1}'
req GET /.well-known/jwks
[ "$CODE" = 429 ] && [ "$(hdr RateLimit-Reset)" = 7 ] && [ "$(hdr Retry-After)" = 7 ]
ok $? "fault 429: RateLimit-Reset and Retry-After"
fault '{"path":"/.well-known/jwks","kind":"slow","delay":1.5,"count":1}'
TIMES=$("${CURL[@]}" --cacert "$S/ca.pem" -o "$T/body" -w '%{time_starttransfer} %{time_total} %{http_code}' "$ISS/.well-known/jwks")
$PY -c 'import sys; a, b, c = map(float, sys.argv[1:4]); sys.exit(0 if a < b / 2 and b >= 1.4 and c == 200 else 1)' $TIMES \
	&& pyx "d['keys']"
ok $? "fault slow: headers at once, body dribbled over delay ($TIMES)"
fault '{"path":"/.well-known/jwks","kind":"slow","delay":3,"count":1}'
"${CURL[@]}" --cacert "$S/ca.pem" --max-time 0.5 -o /dev/null "$ISS/.well-known/jwks" 2>/dev/null
HANGUP_RC=$?
req GET /.well-known/jwks
[ "$HANGUP_RC" = 28 ] && [ "$CODE" = 200 ]
ok $? "client hanging up mid-body does not hurt the server"
fault '{"path":"/.well-known/jwks","kind":"huge","size":2000000,"count":1}'
req GET /.well-known/jwks
[ "$CODE" = 200 ] && [ "$(stat -c %s "$T/body")" = 2000000 ] && pyx "d['keys'] and len(d['padding']) > 1900000"
ok $? "fault huge: exact size, valid JSON"
fault '{"path":"/.well-known/jwks","kind":"huge","count":1}'
req GET /.well-known/jwks
[ "$(stat -c %s "$T/body")" = 5242880 ] && [ "$(hdr Content-Length)" = 5242880 ]
ok $? "fault huge: default 5 MiB"
fault '{"path":"/.well-known/jwks","kind":"badjson","count":1}'
req GET /.well-known/jwks
[ "$CODE" = 200 ] && hdr Content-Type | grep -q json && ! pyx "d is not None" 2>/dev/null
ok $? "fault badjson: 200 application/json that does not parse"
fault '{"path":"/.well-known/jwks","kind":"reset","count":1}'
req GET /.well-known/jwks
[ "$CODE" = 000 ] && { [ "$RC" = 56 ] || [ "$RC" = 35 ] || [ "$RC" = 52 ]; }
ok $? "fault reset: connection reset without HTTP answer (curl $RC)"
grep -q 'reset\|Connection' "$T/curl.err"
ok $? "fault reset: curl reports a reset ($(head -c 80 "$T/curl.err"))"
fault '{"path":"/.well-known/jwks","kind":"redirect-http","count":1}'
req GET /.well-known/jwks
[ "$CODE" = 302 ] && [ "$(hdr Location)" = "http://127.0.0.1:$PORT/.well-known/jwks" ]
ok $? "fault redirect-http: 302 to http://"
fault '{"path":"/.well-known/jwks","kind":"redirect-https","count":1}'
req GET /.well-known/jwks
[ "$CODE" = 302 ] && [ "$(hdr Location)" = "$ISS/.well-known/jwks" ]
ok $? "fault redirect-https: 302 to https://"
fault '{"path":"/.well-known/jwks","kind":"redirect-https","count":1}'
req GET /.well-known/jwks -L
[ "$CODE" = 200 ] && pyx "d['keys']"
ok $? "fault redirect-https: followed once, then the real answer"
fault '{"path":"/oauth2/token","kind":"redirect-307","count":1,"location":"https://127.0.0.1:9/x"}'
req POST /oauth2/token
[ "$CODE" = 307 ] && [ "$(hdr Location)" = "https://127.0.0.1:9/x" ]
ok $? "fault redirect-307: 307 to the given location"
fault '{"path":"/oauth2/token","kind":"redirect-308","count":1}'
req POST /oauth2/token
[ "$CODE" = 308 ] && [ "$(hdr Location)" = "$ISS/oauth2/token" ]
ok $? "fault redirect-308: 308 to the same URL by default"
fault '{"path":"/.well-known/jwks","kind":"hang","delay":30}'
S0=$(date +%s.%N)
req GET /.well-known/jwks --max-time 1
[ "$CODE" = 000 ] && [ "$RC" = 28 ]
ok $? "fault hang: no answer, client times out"
"${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null -w '%{http_code}' "$ISS/.well-known/jwks" >"$T/hang.code" 2>/dev/null &
HANGC=$!
sleep 0.3
ctl fault/clear
wait "$HANGC"
[ "$(cat "$T/hang.code")" = 000 ] && \
	$PY -c 'import sys,time; sys.exit(0 if time.time() - float(sys.argv[1]) < 5 else 1)' "$S0"
ok $? "fault/clear releases hanging connections at once"
req GET /.well-known/jwks
ok $((CODE != 200)) "after fault/clear: normal answers"
fault '{"path":"*","kind":"500"}'
req GET /.well-known/openid-configuration
C1=$CODE
ctl_get counts
C2=$CODE
fault '{"path":"/.well-known/jwks","kind":"429","count":1}'
req GET /.well-known/jwks
[ "$C1$C2$CODE" = 500200429 ]
ok $? "fault * applies everywhere but /__fake__/; a path fault wins over *"
ctl_get fault
pyx "d['*']['kind'] == '500'"
ok $? "control fault list"
ctl fault/clear '{"path":"*"}'
req GET /.well-known/openid-configuration
ok $((CODE != 200)) "fault/clear with a path clears that fault"
fault '{"path":"/x","kind":"explode"}'
ok $((CODE != 400)) "unknown fault kind -> 400"
fault '{"kind":"500"}'
ok $((CODE != 400)) "fault without path -> 400"

# ========================================================== control API ====

ctl counts/reset '{"broken'
ok $((CODE != 400)) "control: bad JSON -> 400"
ctl clients '[1,2]'
ok $((CODE != 400)) "control: non-object JSON -> 400"
ctl clients '{"client_id":"x"}'
ok $((CODE != 400)) "control clients: missing secret -> 400"
ctl nothing '{}'
ok $((CODE != 404)) "control: unknown path -> 404"
ctl mint "{\"sub\":\"kp_ctl\",\"aud\":[\"a\"],\"permissions\":[\"p:1\"],\"claims\":{\"x\":1}}"
TOK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$T/body")
pyx "c['sub'] == 'kp_ctl' and c['aud'] == ['a'] and c['permissions'] == ['p:1'] and c['x'] == 1
	and c['iss'] == '$ISS' and h['kid'] == '$KID2' and verifies(tok, jwks)"
ok $? "control mint: token with the given options"
ctl mint '{"bogus_option":1}'
ok $((CODE != 400)) "control mint: unknown option -> 400"

# ============================================================== mint.py ====

TOK=$(mint)
pyx "h == {'alg':'RS256','kid':'$KID2','typ':'JWT'}
	and set(c) == {'aud','azp','exp','feature_flags','iat','iss','jti','org_code','permissions','roles','scp','sub','v'}
	and c['aud'] == [] and c['feature_flags'] == {} and c['permissions'] == [] and c['roles'] == []
	and c['scp'] == ['openid','profile','email','offline'] and c['v'] == '2' and c['iss'] == '$ISS'
	and c['exp'] - c['iat'] == 3600 and abs(c['iat'] - __import__('time').time()) < 60
	and __import__('re').fullmatch('kp_[0-9a-f]{32}', c['sub'])
	and c['org_code'].startswith('org_') and len(c['jti']) == 36 and verifies(tok, jwks)"
ok $? "mint.py default: Kinde user token shape, verifies"
[ "${#TOK}" -lt 900 ]
ok $? "mint.py default token is short (${#TOK} bytes < 900)"
TOK=$(mint --sub kp_abc --aud a1 --aud a2 --scp openid --scp ssh:login --org org_123 \
	--permission read:x --permission write:y --email bob@example.com --role admin --azp cid)
pyx "c['sub'] == 'kp_abc' and c['aud'] == ['a1','a2'] and c['scp'] == ['openid','ssh:login']
	and c['org_code'] == 'org_123' and c['permissions'] == ['read:x','write:y']
	and c['email'] == 'bob@example.com' and c['azp'] == 'cid'
	and c['roles'][0]['key'] == 'admin' and set(c['roles'][0]) == {'id','key','name'}"
ok $? "mint.py --sub --aud --scp --org --permission --email --role --azp"
TOK=$(mint --now 1000000 --ttl -60 --iat 999000 --nbf 1000100)
pyx "c['exp'] == 999940 and c['iat'] == 999000 and c['nbf'] == 1000100"
ok $? "mint.py --now --ttl (negative) --iat --nbf"
TOK=$(mint --claim exp='"soon"' --claim permissions=null --unset iat --unset jti --scope 'a b')
pyx "c['exp'] == 'soon' and c['permissions'] is None and 'iat' not in c and 'jti' not in c and c['scope'] == 'a b'"
ok $? "mint.py --claim JSON, --unset, --scope"
TOK=$(mint --header typ='"at+jwt"' --kid 'no:such:kid' --unset-header alg)
pyx "h == {'kid':'no:such:kid','typ':'at+jwt'}"
ok $? "mint.py --header, --kid, --unset-header"
TOK=$(mint --m2m --aud "$ISS/api" --scope 'read:api_keys x')
pyx "c['gty'] == ['client_credentials'] and c['scope'] == 'read:api_keys x'
	and c['scp'] == ['read:api_keys','x'] and 'sub' not in c and verifies(tok, jwks)"
ok $? "mint.py --m2m"
TOK=$(mint --foreign-key)
pyx "h['kid'] not in [k['kid'] for k in jwks['keys']] and not verifies(tok, jwks)"
ok $? "mint.py --foreign-key: unknown kid, no valid signature"
TOK=$(mint --foreign-key --kid "$KID2")
pyx "h['kid'] == '$KID2' and not verifies(tok, jwks)"
ok $? "mint.py --foreign-key --kid: published kid, forged signature"
TOK=$(mint --tamper)
pyx "c is not None and not verifies(tok, jwks)"
ok $? "mint.py --tamper: payload still JSON, signature fails"
TOK=$(mint --tamper-sig)
pyx "c is not None and not verifies(tok, jwks)"
ok $? "mint.py --tamper-sig"
TOK=$(mint --alg none)
pyx "h['alg'] == 'none' and tok.endswith('.')"
ok $? "mint.py --alg none: empty signature"
TOK=$(mint --alg HS256)
pyx "h['alg'] == 'HS256' and len(b64d(tok.split('.')[2])) == 32"
ok $? "mint.py --alg HS256 (keyed with the public key PEM)"
TOK=$(mint --alg ES256)
pyx "h['alg'] == 'ES256' and len(b64d(tok.split('.')[2])) == 64"
ok $? "mint.py --alg ES256: raw 64-byte R||S"
TOK=$(mint --alg PS256)
pyx "h['alg'] == 'PS256' and len(b64d(tok.split('.')[2])) == 256"
ok $? "mint.py --alg PS256"
TOK=$(mint --pad 500)
pyx "len(c['pad']) == 500 and verifies(tok, jwks) and len(tok) > 1300"
ok $? "mint.py --pad"
for L in 1023 1024 1025 1026; do
	TOK=$(mint --pad-to $L)
	[ "${#TOK}" = $L ] && pyx "verifies(tok, jwks)"
	ok $? "mint.py --pad-to $L: exactly $L bytes, still valid"
done
mint --issuer https://x.example --sub kp_1 >"$T/tok"
TOK=$(cat "$T/tok")
pyx "c['iss'] == 'https://x.example'"
ok $? "mint.py --issuer"
mint --claim 'bad=not json' >/dev/null 2>&1
ok $(($? != 2)) "mint.py bad --claim JSON -> exit 2"
$PY "$MINT" --state-dir "$T/nowhere" >/dev/null 2>&1
ok $(($? != 2)) "mint.py without a state dir -> exit 2"
mint --key-index 99 >/dev/null 2>&1
ok $(($? != 2)) "mint.py --key-index out of range -> exit 2"

# ========================================================== concurrency ====

for i in $(seq 1 50); do
	"${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null -w '%{http_code}\n' \
		"$ISS/.well-known/jwks" >"$T/par.$i" 2>&1 &
done
wait $(jobs -p | grep -v "^${PIDS[0]}$") 2>/dev/null
[ "$(cat "$T"/par.* | grep -c '^200$')" = 50 ]
ok $? "50 concurrent clients all get 200"
N2=$("${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null -o /dev/null -w '%{num_connects}\n' \
	"$ISS/.well-known/jwks" "$ISS/.well-known/jwks" | tr '\n' ' ')
[ "$N2" = "1 0 " ]
ok $? "HTTP/1.1 keep-alive: second request reuses the connection"
ctl counts/reset
"${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null -o /dev/null \
	"$ISS/.well-known/jwks" "$ISS/.well-known/openid-configuration"
"${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null "$ISS/.well-known/jwks"
ctl_get counts
pyx "d['connections'] == 2 and d['/.well-known/jwks'] == 2"
ok $? "counter connections: TLS connections that carried a request (control calls not counted)"
# close / close-silent: the real answer, then the connection is closed,
# with or without saying so; a client must open a new one.
for kind in close close-silent; do
	ctl fault "{\"path\":\"/.well-known/jwks\",\"kind\":\"$kind\",\"count\":1}"
	ctl counts/reset
	N2=$("${CURL[@]}" --cacert "$S/ca.pem" -D "$T/hdr" -o "$T/body" -o /dev/null \
		-w '%{http_code}/%{num_connects} ' \
		"$ISS/.well-known/jwks" "$ISS/.well-known/jwks")
	if [ $kind = close ]; then want=close; else want=; fi
	[ "$N2" = "200/1 200/1 " ] && [ "$(hdr Connection | head -1)" = "$want" ] &&
		pyx "'keys' in d" && [ "$(count_of connections)" = 2 ]
	ok $? "fault $kind: the real answer${want:+ with Connection: close}, then a new connection ($N2)"
done

# ==================================================================== TLS ====

"${CURL[@]}" --cacert "$S/wrong-ca.pem" -o /dev/null "$ISS/.well-known/jwks" 2>/dev/null
ok $(($? != 60)) "unknown CA (wrong-ca.pem): curl refuses"
"${CURL[@]}" -o /dev/null "http://127.0.0.1:$PORT/.well-known/jwks" 2>/dev/null
printf 'garbage\r\n\r\n' | timeout 5 "$PY" -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.stdin.buffer.read()); s.recv(100)' "$PORT" 2>/dev/null
req GET /.well-known/jwks
ok $((CODE != 200)) "plain HTTP and garbage on the TLS port do not hurt the server"
start_server "$S2" "$T/out2" --tls-name other.test --keys 2 \
	--jwks-max-age 5 --clock-offset -3600
ok $? "second server with --tls-name starts"
PORT2=$(sed -n 's/^READY //p' "$T/out2")
TLSPID=$PID
"${CURL[@]}" --cacert "$S2/ca.pem" -o "$T/body" -D "$T/hdr" \
	--resolve "other.test:$PORT2:127.0.0.1" "https://other.test:$PORT2/.well-known/jwks"
pyx "len(d['keys']) == 2" && [ "$(hdr Cache-Control)" = "public, max-age=5" ] &&
	$PY -c 'import email.utils,sys,time
d = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()
sys.exit(0 if abs(d - time.time() + 3600) < 30 else 1)' "$(hdr Date)"
ok $? "--keys 2, --jwks-max-age 5 and --clock-offset -3600 honoured"
"${CURL[@]}" --cacert "$S2/ca.pem" -o /dev/null "https://127.0.0.1:$PORT2/.well-known/jwks" 2>/dev/null
ok $(($? != 60)) "--tls-name server: name mismatch refused by curl"
"${CURL[@]}" --cacert "$S2/ca.pem" -o /dev/null --resolve "other.test:$PORT2:127.0.0.1" \
	"https://other.test:$PORT2/.well-known/jwks"
ok $? "--tls-name server: OK when the client asks for that name"
check "--tls-name cert kept apart from server.pem" test -s "$S2/server-other.test.pem" -a ! -e "$S2/server.pem"
"${CURL[@]}" --cacert "$S/ca.pem" -o /dev/null "https://localhost:$PORT/.well-known/jwks"
ok $? "normal server also valid for DNS:localhost"
kill "$TLSPID"

# ================================================================ restart ====

check "requests.log has method path status" grep -qx 'GET /.well-known/jwks 200' "$S/requests.log"
! grep -q 'k_live_0123\|m2m-secret-value\|eyJ' "$S/requests.log"
ok $? "requests.log holds no API key, secret or token"
[ ! -s "$T/out.err" ]
ok $? "server wrote nothing to stderr (no tracebacks)"
CAHASH=$(sha256sum <"$S/ca.pem")
OLDPID=${PIDS[0]}
kill -TERM "$OLDPID"
wait "$OLDPID"
RC=$?
[ "$RC" = 0 ] && [ ! -e "$S/port" ]
ok $? "SIGTERM: clean exit (status $RC), DIR/port removed"
start_server "$S" "$T/out3" --port "$PORT"
ok $? "restart on the same port"
fetch_jwks
[ "$(sed -n 's/^READY //p' "$T/out3")" = "$PORT" ] && [ "$(sha256sum <"$S/ca.pem")" = "$CAHASH" ] \
	&& pyx "[k['kid'] for k in jwks['keys']] == ['$KID2']"
ok $? "restart keeps CA, keys, current kid and issuer"

ELAPSED=$($PY -c "import time; print('%.1f' % (time.time() - $T0))")
echo "1..$N"
echo "# $((N - FAILED)) passed, $FAILED failed in ${ELAPSED}s"
[ "$FAILED" -eq 0 ]
