#!/bin/bash
# test_verify_cli.sh - the offline contract of `kinde-auth decode` and
# `kinde-auth verify --jwks FILE`: exit codes (0 accepted, 1 rejected,
# 2 usage or configuration error, 3 keys unavailable), the messages an
# administrator reads, --explain, --json, --now, --repeat, stdin, --config.
#
# No server runs: tokens are minted with tests/fake_kinde/mint.py from a
# state directory made here, and the key set is written to a file.
#
#   top_srcdir=... top_builddir=... bash tests/tools/test_verify_cli.sh

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

ISS=https://issuer.example
export FK_DIR="$T/state" FK_ISSUER=$ISS
JWKS="$T/jwks.json"
fk_jwks_file "$JWKS" || { echo "Bail out! cannot make keys"; exit 99; }
chmod 644 "$JWKS"
# verify with the pinned key set and no system config; the tokens are
# minted for the API AUD (a policy that admits any token is refused).
AUD=https://api.example
V=(verify --no-config --issuer "$ISS" --jwks "$JWKS" --audience "$AUD")
NOW=$(date +%s)
utc() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S UTC'; }

TOK=$(fk_mint --now "$NOW" --scp read --scp write --org org_good --permission p1 \
	--aud https://api.example --nbf $((NOW - 10)))

# ------------------------------------------------------------ accepted --

kinde_auth "${V[@]}" "$TOK"
is "$KA_RC" 0 "verify: a good token is accepted (exit 0)"
like "$KA_OUT" '^ACCEPTED: sub kp_[0-9a-f]{32}' "verify: says ACCEPTED and names the subject"
like "$KA_OUT" 'exp  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(expires in (59m|1h0m)' \
	"verify: shows the expiry in UTC and relative"

# ---------------------------------------------------------- usage errors --

kinde_auth "${V[@]}" --bogus "$TOK"
is "$KA_RC" 2 "unknown option: exit 2"
like "$KA_ERR" "unrecognized option '--bogus'" "unknown option: named on stderr"
like "$KA_ERR" 'usage: kinde-auth verify' "unknown option: usage shown"

kinde_auth "${V[@]}"
is "$KA_RC" 2 "missing token argument: exit 2"
like "$KA_ERR" 'usage: kinde-auth verify .*TOKEN\|-' "missing token argument: usage names TOKEN|-"

kinde_auth "${V[@]}" --leeway abc "$TOK"
is "$KA_RC" 2 "bad --leeway: exit 2"
like "$KA_ERR" 'leeway: "abc" is not an integer in 0\.\.3600' "bad --leeway: says why"

kinde_auth "${V[@]}" --now yesterday "$TOK"
is "$KA_RC" 2 "bad --now: exit 2"
like "$KA_ERR" -- '--now wants seconds since the epoch' "bad --now: says what it wants"

kinde_auth "${V[@]}" --repeat 0 "$TOK"
is "$KA_RC" 2 "bad --repeat: exit 2"

kinde_auth "${V[@]}" -o no_such_key=1 "$TOK"
is "$KA_RC" 2 "unknown -o key: exit 2"
like "$KA_ERR" 'unknown option "no_such_key"' "unknown -o key: named"

kinde_auth verify --no-config --issuer http://issuer.example --jwks "$JWKS" "$TOK"
is "$KA_RC" 2 "http:// issuer: exit 2"
like "$KA_ERR" 'issuer: http://issuer\.example uses http; only https is allowed' \
	"http:// issuer: says only https is allowed"

kinde_auth verify --no-config --jwks "$JWKS" "$TOK"
is "$KA_RC" 2 "no issuer at all: exit 2"
like "$KA_ERR" 'no issuer: set domain \(or issuer\)' "no issuer: says what to set"

kinde_auth verify --no-config --issuer "$ISS" --audience "$AUD" --jwks "$T/missing-jwks.json" "$TOK"
is "$KA_RC" 2 "missing --jwks file: exit 2 (configuration error, not 'unavailable')"
like "$KA_ERR" "$T/missing-jwks.json: No such file or directory" \
	"missing --jwks file: the path and the error are named"
cp "$JWKS" "$T/open-jwks.json"
chmod 666 "$T/open-jwks.json"
kinde_auth verify --no-config --issuer "$ISS" --audience "$AUD" --jwks "$T/open-jwks.json" "$TOK"
is "$KA_RC" 2 "world-writable --jwks file: exit 2 (refused as unsafe configuration)"
like "$KA_ERR" "open-jwks\\.json: mode 0666 is too open" "world-writable --jwks file: says the mode is too open"

kinde_auth "${V[@]}" --algorithms 'RS256 XY512' "$TOK"
is "$KA_RC" 2 "unknown alg in --algorithms: exit 2"
like "$KA_ERR" '"XY512" is not supported \(supported: RS256' "unknown alg: named, with the supported list"

kinde_auth "${V[@]}" --algorithms HS256 "$TOK"
is "$KA_RC" 2 "HS256 in --algorithms: exit 2"
like "$KA_ERR" '"HS256" is never accepted' "HS256: refused as never accepted"

# A config file writable by the group is refused.
CONF="$T/kinde.conf"
printf 'issuer = %s\njwks_file = %s\naudience = %s\n' "$ISS" "$JWKS" "$AUD" >"$CONF"
chmod 664 "$CONF"
kinde_auth verify --config "$CONF" "$TOK"
is "$KA_RC" 2 "group-writable config file: exit 2"
like "$KA_ERR" "$CONF: mode 0664 is too open; it must not be writable by group or others" \
	"group-writable config file: says the mode is too open"
chmod 644 "$CONF"
kinde_auth verify --config "$CONF" "$TOK"
is "$KA_RC" 0 "the same config file at 0644 is accepted"

kinde_auth verify --config "$T/no-such.conf" "$TOK"
is "$KA_RC" 2 "missing --config file: exit 2"
like "$KA_ERR" "$T/no-such.conf: No such file or directory" "missing --config file: named"

# ------------------------------------------------------ keys unavailable --

# A port with nothing listening: the key set cannot be had.
DEAD=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -m 700 "$T/cache"
kinde_auth verify --no-config --issuer "$ISS" --domain "https://127.0.0.1:$DEAD" \
	--audience "$AUD" --cache-dir "$T/cache" -o timeout=3 -o connect_timeout=2 "$TOK"
is "$KA_RC" 3 "no key set (issuer unreachable): exit 3"
like "$KA_ERR" "https://127\.0\.0\.1:$DEAD/.*cannot connect" "no key set: the URL and 'cannot connect' are named"
kinde_auth verify --no-config --issuer "$ISS" --domain "https://127.0.0.1:$DEAD" \
	--audience "$AUD" --cache-dir "$T/cache" -o timeout=3 -o connect_timeout=2 --json "$TOK"
is "$KA_RC" 3 "no key set, --json: exit 3"
is "$(json_get "$KA_OUT" '[d["valid"], d["reason"]]')" '[false, "unavailable"]' \
	"no key set, --json: valid false, reason unavailable"

# ------------------------------------------------------------- --explain --

kinde_auth "${V[@]}" --explain --audience https://api.example \
	-o allowed_client_ids=fake_kinde_app --permission p1 \
	--scope admin --org org_other "$TOK"
is "$KA_RC" 1 "--explain, scope and org refused: exit 1"
for c in format alg header kid signature iss aud exp nbf iat token-type client permission; do
	like "$KA_OUT" "✔ $c " "--explain: $c passes with ✔"
done
like "$KA_OUT" '✘ scope +missing scope admin; token has read, write' "--explain: scope fails with ✘ and says what is missing"
like "$KA_OUT" '✘ org +org org_good is not allowed; allowed: org_other' "--explain: org fails with ✘"
like "$KA_OUT" 'REJECTED \(scope(; class [a-z-]+)?\): missing scope admin' "--explain: the verdict names the first failure"
unlike "$KA_OUT" '✘ (format|alg|header|kid|signature|iss|aud|exp|nbf|iat|token-type|client|permission) ' \
	"--explain: no other check is marked failed"

kinde_auth "${V[@]}" --explain "$(fk_mint --aud "$AUD" --tamper)"
is "$KA_RC" 1 "--explain on a tampered token: exit 1"
like "$KA_OUT" '✘ signature' "--explain on a tampered token: signature fails with ✘"
like "$KA_OUT" 'UNVERIFIED' "--explain on a tampered token: claims flagged as unverified"

# ------------------------------------------------------------ rejections --

kinde_auth "${V[@]}" "$(fk_mint --aud "$AUD" --tamper)"
is "$KA_RC" 1 "tampered payload: exit 1"
like "$KA_OUT" '^REJECTED \(signature(; class [a-z-]+)?\)' "tampered payload: reason signature"
kinde_auth "${V[@]}" --json "$(fk_mint --aud "$AUD" --tamper-sig)"
is "$(json_get "$KA_OUT" 'd["reason"]')" signature "tampered signature: --json reason signature"

kinde_auth "${V[@]}" --scope admin --scope read "$TOK"
is "$KA_RC" 1 "missing scope: exit 1"
like "$KA_OUT" '^REJECTED \(scope(; class [a-z-]+)?\): missing scope admin; token has read, write$' \
	"missing scope: names the missing scope and the token's scopes"

kinde_auth "${V[@]}" --org org_a --org org_b "$TOK"
is "$KA_RC" 1 "wrong org: exit 1"
like "$KA_OUT" '^REJECTED \(org(; class [a-z-]+)?\): org org_good is not allowed; allowed: org_a, org_b$' \
	"wrong org: names the token's org and the allowed ones"

kinde_auth "${V[@]}" "$(fk_mint --aud "$AUD" --foreign-key)"
is "$KA_RC" 1 "unknown signing key: exit 1"
like "$KA_OUT" '^REJECTED \(kid(; class [a-z-]+)?\): no key with kid' "unknown signing key: reason kid"

kinde_auth "${V[@]}" "$(fk_mint --aud "$AUD" --issuer https://evil.example)"
like "$KA_OUT" '^REJECTED \(issuer(; class [a-z-]+)?\): issuer https://evil\.example is not the configured https://issuer\.example' \
	"other issuer: reason iss names both issuers"

# ---------------------------------------------------------------- --json --

kinde_auth "${V[@]}" --json "$TOK"
is "$KA_RC" 0 "--json accepted: exit 0"
is "$(json_get "$KA_OUT" '[sorted(set(d) & {"valid", "reason", "detail", "claims"}), d["valid"], d["reason"], d["detail"], d["claims"]["org_code"]]')" \
	'[["claims", "detail", "reason", "valid"], true, null, "", "org_good"]' \
	"--json accepted: {valid,reason,detail,claims} parse"
kinde_auth "${V[@]}" --json --scope admin "$TOK"
is "$KA_RC" 1 "--json rejected: exit 1"
is "$(json_get "$KA_OUT" '[d["valid"], d["reason"], d["detail"]]')" \
	'[false, "scope", "missing scope admin; token has read, write"]' \
	"--json rejected: valid false, reason and detail"

# ----------------------------------------------------------------- --now --

# Issued 10000 s ago for an hour: expired now, valid at NOW-8000.
OLD=$(fk_mint --aud "$AUD" --now $((NOW - 10000)) --ttl 3600)
kinde_auth "${V[@]}" "$OLD"
is "$KA_RC" 1 "an expired token is refused"
like "$KA_OUT" '^REJECTED \(expired(; class [a-z-]+)?\): token expired 1h4[6-9]m ago' "expired: says how long ago"
kinde_auth "${V[@]}" --now $((NOW - 8000)) "$OLD"
is "$KA_RC" 0 "--now in its lifetime makes the expired token valid"
like "$KA_OUT" 'expires in 26m40s' "--now: relative times are relative to --now"

# exp exactly 3h12m before --now.
EXP=$((NOW + 600))
SHORT=$(fk_mint --aud "$AUD" --now "$NOW" --ttl 600)
kinde_auth "${V[@]}" --now $((EXP + 3 * 3600 + 12 * 60)) "$SHORT"
is "$KA_RC" 1 "--now after exp: a fresh token is expired"
like "$KA_OUT" "^REJECTED \\(expired(; class [a-z-]+)?\\): token expired 3h12m ago at $(utc "$EXP") \\(leeway 60s\\)\$" \
	"--now: 'token expired 3h12m ago at <UTC>' for exp 3h12m before --now"
kinde_auth "${V[@]}" --now $((EXP + 59)) "$SHORT"
is "$KA_RC" 0 "--now within the 60 s leeway after exp: accepted"

# ---------------------------------------------------------------- --repeat --

kinde_auth "${V[@]}" --repeat 1000 "$TOK"
is "$KA_RC" 0 "--repeat 1000: exit 0"
like "$KA_ERR" 'verify: 1000 validations in [0-9.]+ s \([0-9]+/s\)' "--repeat 1000: timing line on stderr"
unlike "$KA_OUT" 'validations' "--repeat: the timing line is not on stdout"
kinde_auth "${V[@]}" --repeat 5 "$(fk_mint --aud "$AUD" --tamper)"
is "$KA_RC" 1 "--repeat on a bad token still rejects"

# ------------------------------------------------------------------ stdin --

printf '%s\n' "$TOK" >"$T/tok.nl"
kinde_auth "${V[@]}" - <"$T/tok.nl"
is "$KA_RC" 0 "'-' reads the token from stdin, trailing newline trimmed"
printf '%s\r\n' "$TOK" >"$T/tok.crlf"
kinde_auth "${V[@]}" - <"$T/tok.crlf"
is "$KA_RC" 0 "'-' trims a trailing CRLF too"
kinde_auth "${V[@]}" - </dev/null
is "$KA_RC" 1 "'-' with empty stdin: rejected"
like "$KA_OUT" 'REJECTED \(malformed(; class [a-z-]+)?\): token is empty' "empty stdin: says the token is empty"

# -------------------------------------------------------------- --config --

cat >"$CONF" <<EOF
# test config
issuer = $ISS
jwks_file = $JWKS
audience = https://other-api.example
require_scopes = admin
allowed_orgs = org_x
EOF
chmod 600 "$CONF"
kinde_auth verify --config "$CONF" "$TOK"
is "$KA_RC" 1 "config: audience from the file is applied"
like "$KA_OUT" 'REJECTED \(audience(; class [a-z-]+)?\): token audience \[https://api\.example\] does not include https://other-api\.example' \
	"config: audience refusal names both"
kinde_auth verify --config "$CONF" --audience https://api.example "$TOK"
is "$KA_RC" 1 "config: --audience overrides the file's; next the file's scope applies"
like "$KA_OUT" 'REJECTED \(scope(; class [a-z-]+)?\): missing scope admin' "config: require_scopes from the file is applied"
kinde_auth verify --config "$CONF" --audience https://api.example --scope read "$TOK"
like "$KA_OUT" 'REJECTED \(org(; class [a-z-]+)?\): org org_good is not allowed; allowed: org_x' \
	"config: --scope overrides require_scopes; allowed_orgs from the file applies"
kinde_auth verify --config "$CONF" --audience https://api.example --scope read --org org_good "$TOK"
is "$KA_RC" 0 "config: command-line options override all three"
kinde_auth verify --config "$CONF" -o audience=https://api.example -o require_scopes=write \
	-o allowed_orgs=org_good "$TOK"
is "$KA_RC" 0 "config: -o KEY=VALUE overrides the file too"

# ---------------------------------------------------------------- decode --

kinde_auth decode --now $((NOW + 100)) "$TOK"
is "$KA_RC" 0 "decode: exit 0"
like "$KA_OUT" '^NOT VERIFIED' "decode: starts with NOT VERIFIED"
like "$KA_OUT" 'Header:.*"alg": "RS256".*"typ": "JWT"' "decode: shows the header"
like "$KA_OUT" 'Claims:.*"iss": "https://issuer\.example".*"org_code": "org_good"' "decode: shows the claims"
like "$KA_OUT" "exp  $(utc $((NOW + 3600))) \\(expires in 58m20s\\)" "decode: exp in UTC and 'expires in ...'"
like "$KA_OUT" "nbf  $(utc $((NOW - 10))) \\(valid from 1m50s ago\\)" "decode: nbf in UTC and relative"
like "$KA_OUT" "iat  $(utc "$NOW") \\(issued 1m40s ago\\)" "decode: iat in UTC and relative"
kinde_auth decode "$(fk_mint --foreign-key)"
is "$KA_RC" 0 "decode: does not verify (a forged token decodes)"
kinde_auth decode --now $((EXP + 3 * 3600 + 12 * 60)) "$SHORT"
like "$KA_OUT" "exp  $(utc "$EXP") \\(expired 3h12m ago\\)" "decode --now: 'expired 3h12m ago'"
kinde_auth decode --json "$TOK"
is "$KA_RC" 0 "decode --json: exit 0"
is "$(json_get "$KA_OUT" '[d["decoded"], d["verified"], d["header"]["alg"], d["claims"]["iss"], d["times"]["exp"]["relative"][:3]]')" \
	'[true, false, "RS256", "https://issuer.example", "in "]' \
	"decode --json: decoded, not verified, header, claims, times"
kinde_auth decode 'not.a-token'
is "$KA_RC" 1 "decode of garbage: exit 1"
like "$KA_OUT" '^cannot decode( \(malformed[^)]*\))?: not a JWT: 2 segments; a JWT has 3' "decode of garbage: says it cannot decode, and why"
kinde_auth decode - <"$T/tok.nl"
is "$KA_RC" 0 "decode -: reads stdin"

# ------------------------------------- defaults that fail open (issue 9) --

# No audience, no required scope or permission: refused unless said.
kinde_auth verify --no-config --issuer "$ISS" --jwks "$JWKS" "$TOK"
is "$KA_RC" 2 "no audience, scope or permission: exit 2"
like "$KA_ERR" 'no audience, require_scopes or require_permissions: .*allow_any_token = yes' \
	"permissive policy: says what to set"
like "$KA_ERR" '--audience A, --scope S, --permission P or -o allow_any_token=yes' \
	"permissive policy: says how on the command line"
kinde_auth verify --no-config --issuer "$ISS" --jwks "$JWKS" -o allow_any_token=yes "$TOK"
is "$KA_RC" 0 "-o allow_any_token=yes: the same token is accepted"
kinde_auth verify --no-config --issuer "$ISS" --jwks "$JWKS" --scope read "$TOK"
is "$KA_RC" 0 "a required scope alone is a policy: accepted"

# An OIDC ID token is not an access token, even for the audience.
IDT=$(fk_mint --aud "$AUD" --claim 'nonce="n-0S6_WzA2Mj"' --claim 'at_hash="x"')
kinde_auth "${V[@]}" --explain "$IDT"
is "$KA_RC" 1 "ID token (nonce): exit 1"
like "$KA_OUT" '✘ token-type +an OIDC ID token \(has nonce\), not an access token' \
	"--explain: token-type fails and says it is an ID token"
like "$KA_OUT" 'REJECTED \(token-type(; class [a-z-]+)?\): an OIDC ID token' \
	"ID token: the verdict is token-type"
kinde_auth "${V[@]}" --json "$(fk_mint --aud "$AUD" --claim 'c_hash="x"')"
is "$(json_get "$KA_OUT" '[d["valid"], d["reason"], d["detail"]]')" \
	'[false, "token-type", "an OIDC ID token (has c_hash), not an access token"]' \
	"ID token (c_hash), --json: reason token-type"

# Unknown keys and empty values in the file or on the command line.
printf 'issuer = %s\njwks_file = %s\nrequire_scope = read\n' "$ISS" "$JWKS" >"$T/typo.conf"
chmod 600 "$T/typo.conf"
kinde_auth verify --config "$T/typo.conf" "$TOK"
is "$KA_RC" 2 "require_scope (typo) in --config: exit 2"
like "$KA_ERR" "typo.conf:3: unknown option \"require_scope\"; did you mean \"require_scopes\"\\?" \
	"require_scope: file, line, key and suggestion"
kinde_auth "${V[@]}" -o allowed_org=org_good "$TOK"
is "$KA_RC" 2 "-o allowed_org (typo): exit 2"
like "$KA_ERR" 'did you mean "allowed_orgs"' "-o allowed_org: suggests allowed_orgs"
kinde_auth "${V[@]}" -o strip_domain= "$TOK"
is "$KA_RC" 2 "-o strip_domain= (empty): exit 2"
like "$KA_ERR" 'strip_domain: an empty value means nothing here' "empty strip_domain: named"

# Files the configuration trusts are judged when it is loaded.
(umask 077 && echo s3cret >"$T/secret")
chmod 640 "$T/secret"
printf 'issuer = %s\njwks_file = %s\nrequire_scopes = read\nclient_id = c1\nclient_secret_file = %s\n' \
	"$ISS" "$JWKS" "$T/secret" >"$T/secret.conf"
chmod 600 "$T/secret.conf"
kinde_auth verify --config "$T/secret.conf" "$TOK"
is "$KA_RC" 2 "group-readable client_secret_file: verify --config exits 2"
like "$KA_ERR" "client_secret_file $T/secret: mode 0640 is too open" \
	"group-readable secret: names the key, the file and the mode"
chmod 600 "$T/secret"
kinde_auth verify --config "$T/secret.conf" "$TOK"
is "$KA_RC" 0 "the same with the secret 0600: accepted"
cp "$JWKS" "$T/ca.pem"
chmod 664 "$T/ca.pem"
kinde_auth "${V[@]}" --ca-file "$T/ca.pem" "$TOK"
is "$KA_RC" 2 "group-writable --ca-file: exit 2"
like "$KA_ERR" "ca_file $T/ca.pem: mode 0664 is too open" "group-writable ca_file: named"
chmod 644 "$T/ca.pem"
kinde_auth "${V[@]}" --ca-file "$T/ca.pem" "$TOK"
is "$KA_RC" 0 "the same ca_file 0644: accepted"
kinde_auth "${V[@]}" --ca-file "$T/no-ca.pem" "$TOK"
is "$KA_RC" 2 "missing --ca-file: exit 2"

# ------------------------------------------------------ --help, --version --

kinde_auth --help
is "$KA_RC" 0 "--help: exit 0"
CMDS=$(printf '%s\n' "$KA_OUT" | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' | tr '\n' ' ')
like "$CMDS" '^decode verify token apikey jwks( |$)' "--help lists decode, verify, token, apikey, jwks"
for c in $CMDS; do
	kinde_auth "$c" --help
	is "$KA_RC" 0 "$c --help: exit 0"
	like "$KA_OUT" "^usage: kinde-auth $c" "$c --help: usage on stdout"
done
kinde_auth --version
VERSION=$(sed -n 's/^AC_INIT(\[pam_kinde\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
is "$KA_RC" 0 "--version: exit 0"
is "$KA_OUT" "kinde-auth (pam_kinde) $VERSION" "--version prints the package version"
kinde_auth frobnicate
is "$KA_RC" 2 "unknown subcommand: exit 2"
like "$KA_ERR" 'unknown command "frobnicate"' "unknown subcommand: named"

tap_done
