#!/bin/bash
# test_m2m_apikey.sh - `kinde-auth token` (M2M client credentials) and
# `kinde-auth apikey` (API keys through the Management API) against the
# fake Kinde server: the tokens, their cache, the advice for each OAuth
# error, secret-file checks; API key verdicts, their cache (which never
# holds the key), a revoked M2M token, 403, issuer down, 429.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

fk_start || { echo "Bail out! fake_kinde did not start"; exit 99; }
TOKEN_PATH=/oauth2/token
VERIFY_PATH=/api/v1/api_keys/verify
JWKS_PATH=/.well-known/jwks

# check_m2m TOKEN CLIENT_ID: verifies TOKEN without mint.py: RS256 under
# the server's published JWKS (fetched with curl), aud has <iss>/api, gty
# client_credentials, azp CLIENT_ID.  Prints "ok" or the failure.
check_m2m() {
	curl -sS --cacert "$FK_CA" -o "$T/jwks.pub" "$FK_ISSUER$JWKS_PATH"
	"$PYTHON3" - "$1" "$2" "$FK_ISSUER" "$T/jwks.pub" <<'EOF'
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
tok, azp, iss, jwks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
try:
    h64, p64, s64 = tok.split(".")
    h, c = json.loads(b64d(h64)), json.loads(b64d(p64))
    keys = {k["kid"]: k for k in json.load(open(jwks))["keys"]}
    k = keys[h["kid"]]
    pub = rsa.RSAPublicNumbers(int.from_bytes(b64d(k["e"]), "big"),
                               int.from_bytes(b64d(k["n"]), "big")).public_key()
    pub.verify(b64d(s64), (h64 + "." + p64).encode(), padding.PKCS1v15(),
               hashes.SHA256())
    assert h["alg"] == "RS256", "alg %r" % h["alg"]
    assert iss + "/api" in c["aud"], "aud %r" % c["aud"]
    assert c["gty"] == ["client_credentials"], "gty %r" % c.get("gty")
    assert c["azp"] == azp, "azp %r" % c.get("azp")
    assert c["iss"] == iss, "iss %r" % c.get("iss")
    print("ok")
except Exception as e:
    print("bad token: %r" % e)
EOF
}

# ================================================================ token ====

fk_conf "$T/c.conf"
C=$FK_CACHE
fk_reset_counts
kinde_auth token --config "$T/c.conf"
is "$KA_RC" 0 "token: exit 0"
TOK1=$KA_OUT
is "$(check_m2m "$TOK1" "$FK_CLIENT_ID")" ok "token: RS256, verifies under the JWKS, aud <iss>/api, gty client_credentials"
like "$KA_ERR" '^kinde-auth: token: new; expires in (23h59m|1d0h) \([0-9-]{10} [0-9:]{8} UTC\)$' "token: stderr says new, and when it expires"
is "$(json_get "$(fk_last_request $TOKEN_PATH)" '[d["form"]["grant_type"], d["form"]["client_id"], d["form"]["audience"]]')" \
	"[\"client_credentials\", \"$FK_CLIENT_ID\", \"$FK_ISSUER/api\"]" "token: form grant_type, client_id, default audience <domain>/api"

kinde_auth token --config "$T/c.conf"
is "$KA_RC" 0 "token again: exit 0"
is "$KA_OUT" "$TOK1" "token again: the same token"
like "$KA_ERR" 'token: from the cache; expires in' "token again: stderr says it is from the cache"
is "$(fk_count $TOKEN_PATH)" 1 "token again: no second token request"

kinde_auth token --config "$T/c.conf" --force
is "$KA_RC/$(fk_count $TOKEN_PATH)" 0/2 "token --force: requests a new one"
isnt "$KA_OUT" "$TOK1" "token --force: a different token"
like "$KA_ERR" 'token: new;' "token --force: stderr says new"

kinde_auth token --config "$T/c.conf" --json
is "$KA_RC" 0 "token --json: exit 0"
is "$(json_get "$KA_OUT" '[sorted(d), d["cached"], 86000 < d["expires_in"] <= 86400, d["access_token"].count(".")]')" \
	'[["access_token", "cached", "expires_at", "expires_in"], true, true, 2]' \
	"token --json: access_token, expires_at, expires_in, cached"

kinde_auth token --config "$T/c.conf" --audience "$FK_ISSUER/api" --scope read:api_keys
is "$KA_RC" 0 "token --audience --scope: exit 0"
LR=$(fk_last_request $TOKEN_PATH)
is "$(json_get "$LR" '[d["form"]["audience"], d["form"]["scope"]]')" "[\"$FK_ISSUER/api\", \"read:api_keys\"]" \
	"token --audience --scope: both passed in the form"
is "$(json_get "$LR" 'd["form"]["client_secret"]')" "${FK_CLIENT_SECRET:0:7}…${FK_CLIENT_SECRET: -4}" \
	"token: the secret went in the form (the server's log shows it redacted)"
SCOPE=$("$PYTHON3" -c 'import base64, json, sys
p = sys.argv[1].split(".")[1]
print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["scope"])' "$KA_OUT" 2>&1)
is "$SCOPE" read:api_keys "token --scope: the granted scope is in the token"
is "$(find "$C" -name 'm2m-*' ! -name '*.lock' | wc -l)" 2 "token: one cache file per audience/scope set"
is "$(find "$C" -type f ! -perm 600 | wc -l)" 0 "token: cache files are mode 0600"
ok '! grep -rqF -- "$FK_CLIENT_SECRET" "$C"' "token: the client secret is not in the cache"

# ------------------------------------------------------------ token errors --

echo wrong-secret-value >"$T/wrong.secret"
chmod 600 "$T/wrong.secret"
kinde_auth token --config "$T/c.conf" --force -o client_secret_file="$T/wrong.secret"
is "$KA_RC" 2 "wrong secret: exit 2"
like "$KA_ERR" 'M2M token refused: invalid_client .*: the client id or secret is wrong: check client_id and the contents of client_secret_file' \
	"wrong secret: invalid_client with advice"

kinde_auth token --config "$T/c.conf" --audience https://other-api.example
is "$KA_RC" 2 "audience not allowed: exit 2"
like "$KA_ERR" 'unauthorized_client .*authorize the M2M application for the API' "audience not allowed: unauthorized_client with advice"

fk_ctl POST clients '{"client_id":"nogrant","client_secret":"nogrant-secret-1234","scopes":["read:api_keys"],"grants":["urn:ietf:params:oauth:grant-type:device_code"]}' >/dev/null
printf 'nogrant-secret-1234\n' >"$T/nogrant.secret"
chmod 600 "$T/nogrant.secret"
kinde_auth token --config "$T/c.conf" -o client_id=nogrant -o client_secret_file="$T/nogrant.secret"
is "$KA_RC" 2 "client without the client_credentials grant: exit 2"
like "$KA_ERR" 'unauthorized_client' "client without the grant: unauthorized_client"

kinde_auth token --config "$T/c.conf" --scope write:everything
is "$KA_RC" 2 "scope not allowed: exit 2"
like "$KA_ERR" 'invalid_scope .*a requested scope is not granted to this application' "scope not allowed: invalid_scope with advice"

chmod 644 "$FK_SECRET_FILE"
kinde_auth token --config "$T/c.conf" --force
is "$KA_RC" 2 "secret file mode 0644: exit 2"
like "$KA_ERR" "client_secret_file $FK_SECRET_FILE: mode 0644 is too open; a secret must not be readable by group or others \\(chmod 600\\)" \
	"secret file mode 0644: refused as too open"
chmod 600 "$FK_SECRET_FILE"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$FK_SECRET_FILE"
	kinde_auth token --config "$T/c.conf" --force
	is "$KA_RC" 2 "secret file owned by another user: exit 2"
	like "$KA_ERR" 'owned by uid 65534; must be owned by root' "secret file owned by another user: refused"
	chown 0 "$FK_SECRET_FILE"
else
	skip "secret file owned by another user: exit 2" "needs root"
	skip "secret file owned by another user: refused" "needs root"
fi
: >"$T/empty.secret"
chmod 600 "$T/empty.secret"
kinde_auth token --config "$T/c.conf" --force -o client_secret_file="$T/empty.secret"
is "$KA_RC" 2 "empty secret file: exit 2"
like "$KA_ERR" 'client_secret_file .*empty\.secret is empty' "empty secret file: says so"

grep -v '^client_id' "$T/c.conf" >"$T/noid.conf"
chmod 600 "$T/noid.conf"
kinde_auth token --config "$T/noid.conf"
is "$KA_RC" 2 "missing client_id: exit 2"
like "$KA_ERR" 'client_secret_file is set but client_id is not' "missing client_id: says so"
kinde_auth token --no-config --domain "$FK_ISSUER" --ca-file "$FK_CA" --cache-dir "$C"
is "$KA_RC" 2 "no client credentials at all: exit 2"
like "$KA_ERR" 'M2M tokens need client_id and client_secret_file' "no client credentials: says what to set"

fk_fault "{\"path\":\"$TOKEN_PATH\",\"kind\":\"500\"}"
kinde_auth token --config "$T/c.conf" --force
is "$KA_RC" 3 "token endpoint 500: exit 3"
like "$KA_ERR" 'token endpoint: HTTP 500' "token endpoint 500: says HTTP 500"
fk_clear_faults

# =============================================================== apikey ====

rand() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
K=k_live_$(rand)
fk_ctl POST apikeys "{\"api_key\":\"$K\",\"scopes\":[\"ssh:login\",\"read\"],\"org_code\":\"org_abc\",\"user_id\":\"kp_user1\",\"key_id\":\"api_key_one\"}" >/dev/null
fk_conf "$T/a.conf" "require_scopes = ssh:login"
A=$FK_CACHE
fk_reset_counts
kinde_auth apikey --config "$T/a.conf" "$K"
is "$KA_RC" 0 "apikey: a registered active key is accepted"
like "$KA_OUT" "^ACCEPTED: key k_live_\\.\\.\\.${K: -4}
  key_id    api_key_one
  user_id   kp_user1
  org_code  org_abc
  scopes    ssh:login read$" "apikey: prints key (first 7 + last 4), key_id, user_id, org_code, scopes"
ok '! [[ "$KA_OUT$KA_ERR" == *"$K"* ]] && ! [[ "$KA_OUT$KA_ERR" == *"${K:7:20}"* ]]' "apikey: the key itself is never printed"
is "$(fk_count $VERIFY_PATH)/$(fk_count $TOKEN_PATH)" 1/1 "apikey: one M2M token, one verification"
is "$(json_get "$(fk_last_request $VERIFY_PATH)" '[d["headers"]["Authorization"][:7], d["json"]["api_key"]]')" \
	"[\"Bearer \", \"${K:0:7}…${K: -4}\"]" "apikey: POST {api_key} with the M2M bearer token"

kinde_auth apikey --config "$T/a.conf" "$K"
is "$KA_RC" 0 "apikey again: accepted"
is "$(fk_count $VERIFY_PATH)" 1 "apikey again: from the cache, no verify request"
kinde_auth apikey --config "$T/a.conf" - <<<"$K"
is "$KA_RC" 0 "apikey -: reads the key from stdin"

kinde_auth apikey --config "$T/a.conf" --json "$K"
is "$(json_get "$KA_OUT" '[d["valid"], d["reason"], d["key"], d["facts"]["key_id"], d["facts"]["scopes"]]')" \
	"[true, null, \"k_live_...${K: -4}\", \"api_key_one\", [\"ssh:login\", \"read\"]]" "apikey --json: valid, key redacted, facts"

kinde_auth apikey --config "$T/a.conf" --scope admin --scope read "$K"
is "$KA_RC" 1 "apikey, missing scope: exit 1"
like "$KA_OUT" '^REJECTED \(scope(; class [a-z-]+)?\): key k_live_\.\.\.[0-9a-f]{4}: missing scope admin; key has ssh:login, read$' \
	"apikey, missing scope: names the missing scope and the key's"
kinde_auth apikey --config "$T/a.conf" --org org_zzz --org org_yyy "$K"
is "$KA_RC" 1 "apikey, org not allowed: exit 1"
like "$KA_OUT" '^REJECTED \(org(; class [a-z-]+)?\): .*org org_abc is not allowed; allowed: org_zzz, org_yyy$' "apikey, org not allowed: names both"
kinde_auth apikey --config "$T/a.conf" --org org_abc --scope ssh:login "$K"
is "$KA_RC" 0 "apikey, scope and org allowed: accepted"

U=k_live_$(rand)
kinde_auth apikey --config "$T/a.conf" "$U"
is "$KA_RC" 1 "apikey, unknown key: exit 1"
like "$KA_OUT" '^REJECTED \(key-invalid(; class [a-z-]+)?\): key k_live_\.\.\.[0-9a-f]{4}: the issuer does not know this API key' \
	"apikey, unknown key: key-invalid, says the issuer does not know it"
N0=$(fk_count $VERIFY_PATH)
kinde_auth apikey --config "$T/a.conf" "$U"
is "$KA_RC/$(fk_count $VERIFY_PATH)" "1/$N0" "apikey, unknown key again: refused from the cache (no request)"

R=k_live_$(rand)
fk_ctl POST apikeys "{\"api_key\":\"$R\",\"status\":\"revoked\",\"scopes\":[\"ssh:login\"]}" >/dev/null
kinde_auth apikey --config "$T/a.conf" "$R"
is "$KA_RC" 1 "apikey, revoked key: exit 1"
like "$KA_OUT" '^REJECTED \(key-inactive(; class [a-z-]+)?\): .*revoked' "apikey, revoked key (is_valid false, status revoked): key-inactive, says revoked"
I=k_live_$(rand)
fk_ctl POST apikeys "{\"api_key\":\"$I\",\"status\":\"inactive\"}" >/dev/null
kinde_auth apikey --config "$T/a.conf" "$I"
is "$KA_RC" 1 "apikey, inactive key: exit 1"
like "$KA_OUT" '^REJECTED \(key-inactive(; class [a-z-]+)?\): .*inactive' "apikey, inactive key (is_valid false, status inactive): key-inactive"
R2=k_live_$(rand)
fk_ctl POST apikeys "{\"api_key\":\"$R2\",\"status\":\"revoked\",\"is_valid\":true}" >/dev/null
kinde_auth apikey --config "$T/a.conf" "$R2"
like "$KA_OUT" '^REJECTED \(key-inactive(; class [a-z-]+)?\): key k_live_\.\.\.[0-9a-f]{4}: the API key is revoked, not active$' \
	"apikey, revoked key reported is_valid true: still key-inactive"

fk_reset_counts
kinde_auth apikey --config "$T/a.conf" "Bearer $K"
is "$KA_RC" 1 "apikey with a 'Bearer ' prefix: exit 1"
like "$KA_OUT" '^REJECTED \(malformed(; class [a-z-]+)?\): .*contains a space at offset 6: copied with extra characters \(a "Bearer " prefix' \
	"apikey with a 'Bearer ' prefix: malformed, says why"
kinde_auth apikey --config "$T/a.conf" "${K:0:10}	${K:10}"
is "$KA_RC" 1 "apikey with a tab inside: exit 1"
like "$KA_OUT" '^REJECTED \(malformed(; class [a-z-]+)?\): .*a control character at offset 10' "apikey with a tab inside: malformed"
is "$(fk_total)" 0 "malformed keys: no network request"

ok '! grep -rqF -- "$K" "$A" && ! grep -rqF -- "$U" "$A" && ! grep -rqF -- "$R" "$A"' \
	"the cache never stores an API key"
ok '! grep -qF -- "${K:7}" "$FK_DIR/requests.log"' "the key is not in the server's request log"
ok '[ -n "$(ls "$A" | grep "^apikey-")" ]' "(the verdicts are cached, under digests)"

# positive cache lifetime
rm -f "$A"/apikey-*
fk_reset_counts
kinde_auth apikey --config "$T/a.conf" -o apikey_cache_ttl=1 "$K"
is "$KA_RC/$(fk_count $VERIFY_PATH)" 0/1 "apikey_cache_ttl=1: asked the issuer"
sleep 2
kinde_auth apikey --config "$T/a.conf" -o apikey_cache_ttl=1 "$K"
is "$KA_RC/$(fk_count $VERIFY_PATH)" 0/2 "apikey_cache_ttl=1: 2 s later the issuer is asked again"

# A cached M2M token the issuer no longer accepts (its key was removed).
fk_ctl POST rotate '{"keep_old": false}' >/dev/null
rm -f "$A"/apikey-*
fk_reset_counts
kinde_auth apikey --config "$T/a.conf" -o apikey_cache_ttl=0 "$K"
is "$KA_RC" 0 "revoked M2M token: retried once with a fresh token, accepted"
is "$(fk_count $VERIFY_PATH)/$(fk_count $TOKEN_PATH)" 2/1 "revoked M2M token: verify 401, one new token, verify again"
is "$(grep -E "^POST ($VERIFY_PATH|$TOKEN_PATH) " "$FK_DIR/requests.log" | tail -3 | awk '{print $3}' | tr '\n' ' ')" \
	"401 200 200 " "revoked M2M token: 401, then token, then 200"
is "$(fk_count jwks_with_authorization)" 0 "no JWKS request carried an Authorization header"

# An M2M application without read:api_keys.
fk_ctl POST clients '{"client_id":"noscope","client_secret":"noscope-secret-1234","scopes":["other:thing"]}' >/dev/null
printf 'noscope-secret-1234\n' >"$T/noscope.secret"
chmod 600 "$T/noscope.secret"
rm -f "$A"/apikey-*
kinde_auth apikey --config "$T/a.conf" -o apikey_cache_ttl=0 -o client_id=noscope \
	-o client_secret_file="$T/noscope.secret" "$K"
is "$KA_RC" 2 "M2M app without read:api_keys: exit 2"
like "$KA_ERR" 'HTTP 403: the M2M application lacks the read:api_keys scope on the Kinde Management API' \
	"M2M app without read:api_keys: the 403 advice"

# Rate limited.
fk_conf "$T/r.conf" "require_scopes = ssh:login"
kinde_auth apikey --config "$T/r.conf" -o apikey_cache_ttl=0 "$K"
is "$KA_RC" 0 "(rate limit set-up: accepted)"
fk_fault "{\"path\":\"$VERIFY_PATH\",\"kind\":\"429\",\"reset_after\":30}"
fk_reset_counts
kinde_auth apikey --config "$T/r.conf" -o apikey_cache_ttl=0 "$K"
is "$KA_RC" 3 "apikey, 429: exit 3"
like "$KA_ERR" 'rate-limited this host until .*not retrying' "apikey, 429: says rate limited"
is "$(fk_count $VERIFY_PATH)" 1 "apikey, 429: one request"
fk_clear_faults

# Issuer down.
fk_conf "$T/d.conf" "require_scopes = ssh:login"
fk_stop
kinde_auth apikey --config "$T/d.conf" "$K"
is "$KA_RC" 3 "apikey, issuer down: exit 3"
like "$KA_ERR" "$FK_ISSUER/.*cannot connect" "apikey, issuer down: names the URL, cannot connect"
kinde_auth token --config "$T/d.conf"
is "$KA_RC" 3 "token, issuer down: exit 3"

tap_done
