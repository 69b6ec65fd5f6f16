#!/bin/bash
# test_cache_origin.sh - the host's cache cannot be poisoned from the
# command line (issue 9, "Key-set cache poisoning").
#
# A second fake Kinde server plays the attacker: its own CA, its own
# signing keys.  `kinde-auth jwks --refresh` (and `diagnose`) with
# -o domain=ATTACKER -o issuer=<real issuer> -o ca_file=<attacker CA>
# used to store the attacker's key set under the real issuer's cache name,
# after which a token the attacker signed passed `kinde-auth verify` and
# the PAM stack of the unchanged configuration.  Now every cache entry is
# bound to its origin (name and metadata), a run with origin overrides
# uses a private cache, and `kinde-auth token` does not send the
# configured client secret to an overridden domain.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# tests/pam/lib.sh adds the PAM harness to tests/lib/fake_kinde.sh.
. "$top_srcdir/tests/pam/lib.sh"
fk_require

HAVE_PAM=1
for f in "$PK_MODULE" "$PK_NET" "$PK_HARNESS"; do
	[ -e "$f" ] || HAVE_PAM=
done
PK_NSSW=$(find_system_lib libnss_wrapper.so) || HAVE_PAM=
export PK_NSSW
[ -n "$HAVE_PAM" ] && pk_setup

fk_start || { echo "Bail out! fake_kinde did not start"; exit 99; }
JWKS_PATH=/.well-known/jwks
DISC_PATH=/.well-known/openid-configuration
TOKEN_PATH=/oauth2/token
AUD=https://api.example

# ------------------------------------------------------- the attacker ----

ATT_DIR=$T/att
_fk_launch "$ATT_DIR" "$ATT_DIR/server.out" 0 ||
	{ echo "Bail out! the attacker's fake_kinde did not start"; exit 99; }
ATT_PORT=$_FK_LAST_PORT
ATT=https://127.0.0.1:$ATT_PORT
ATT_CA=$ATT_DIR/ca.pem
att_ctl() { FK_ISSUER=$ATT FK_CA=$ATT_CA fk_ctl "$@"; }
att_count() { FK_ISSUER=$ATT FK_CA=$ATT_CA fk_count "$@"; }
# The attacker serves no usable discovery document (its own would name
# its own issuer): kinde-auth falls back to $ATT/.well-known/jwks.
att_ctl POST fault "{\"path\":\"$DISC_PATH\",\"kind\":\"500\"}" >/dev/null
# A token for alice, signed by the attacker, naming the real issuer.
ATT_TOK=$("$PYTHON3" "$FK_SRC/mint.py" --state-dir "$ATT_DIR" \
	--issuer "$FK_ISSUER" --sub alice --aud "$AUD" --scp ssh:login)
GOOD_TOK=$(fk_mint --sub alice --aud "$AUD" --scp ssh:login)
OVR=(-o "domain=$ATT" -o "issuer=$FK_ISSUER" -o "ca_file=$ATT_CA")

listing() { (cd "$1" && ls -A | sort | tr '\n' ' '); }
cache_files() { ls "$1" | grep -E "^$2-[0-9a-f]+$" | sort; }

# newconf FILE: a config of the real issuer (audience and the scope the
# tokens and keys carry), CACHE its dir.
newconf() {
	if [ -n "$HAVE_PAM" ]; then
		pk_conf "$1" "audience = $AUD" "require_scopes = ssh:login"
	else
		fk_conf "$1" "audience = $AUD" "require_scopes = ssh:login"
	fi
	CACHE=$FK_CACHE
}

# ================================================ jwks --refresh, verify ==

newconf "$T/real.conf"
C1=$CACHE
kinde_auth verify --config "$T/real.conf" "$GOOD_TOK"
is "$KA_RC" 0 "control: the real issuer's token is accepted"
kinde_auth verify --config "$T/real.conf" "$ATT_TOK"
is "$KA_RC" 1 "control: the attacker's token is rejected"
BEFORE=$(listing "$C1")

kinde_auth jwks --refresh --config "$T/real.conf" "${OVR[@]}"
is "$KA_RC" 0 "jwks --refresh with the attacker's domain, issuer and CA: runs"
is "$(att_count $JWKS_PATH)" 1 "jwks --refresh: the attacker's key set was fetched"
like "$KA_ERR" "kinde-auth: using a private cache \(/[^)]+\): the command line overrides (.*)?domain" \
	"jwks --refresh: says it uses a private cache, and why"
PRIV=$(printf '%s\n' "$KA_ERR" | sed -n 's/.*using a private cache (\([^)]*\)).*/\1/p' | head -1)
ok '[ -n "$PRIV" ] && [ ! -e "$PRIV" ]' "jwks --refresh: the private cache is gone after the run"
is "$(listing "$C1")" "$BEFORE" "jwks --refresh: nothing written into the config's cache"

kinde_auth verify --config "$T/real.conf" "$ATT_TOK"
is "$KA_RC" 1 "after jwks --refresh: the attacker's token is still rejected"
kinde_auth verify --config "$T/real.conf" "$GOOD_TOK"
is "$KA_RC" 0 "after jwks --refresh: the real token is still accepted"

# ================================================= diagnose, cold cache ==

newconf "$T/real2.conf"
C2=$CACHE
kinde_auth diagnose --config "$T/real2.conf" "${OVR[@]}" --pam-dir "$T" \
	--service none --token "$ATT_TOK"
like "$KA_ERR" "using a private cache" "diagnose with the attacker's origin: a private cache"
is "$(listing "$C2")" "" "diagnose: nothing written into the config's (cold) cache"
fk_reset_counts
kinde_auth verify --config "$T/real2.conf" "$ATT_TOK"
is "$KA_RC" 1 "after diagnose on a cold cache: the attacker's token is rejected"
cmp_num "$(fk_count $JWKS_PATH)" -ge 1 "after diagnose: the real key set was fetched for the real config"

# ========================================== the PAM module, same cache ==

if [ -n "$HAVE_PAM" ]; then
	newconf "$T/real3.conf"
	kinde_auth jwks --refresh --config "$T/real3.conf" "${OVR[@]}"
	pk_kinde_service origin "$T/real3.conf"
	pk_login origin alice "$ATT_TOK"
	is "$PK_AUTH" PAM_AUTH_ERR "PAM: the attacker's token is refused after jwks --refresh"
	isnt "$PK_ACCT" PAM_SUCCESS "PAM: the account stage does not succeed"
	pk_login origin alice "$GOOD_TOK"
	is "$PK_AUTH/$PK_ACCT" PAM_SUCCESS/PAM_SUCCESS "PAM: the real token logs in"
else
	for i in 1 2 3; do skip "PAM module after jwks --refresh" "pam_harness or nss_wrapper missing"; done
fi

# ============================== an explicit cache_dir: entries bound to origin ==

# cache_dir given on the command line is the user's choice: used, but
# what the attacker's origin left there is not what the real config reads.
newconf "$T/real4.conf"
C4=$CACHE
kinde_auth jwks --refresh --config "$T/real4.conf" "${OVR[@]}" -o cache_dir="$C4"
is "$KA_RC" 0 "jwks --refresh with an explicit cache_dir: runs"
unlike "$KA_ERR" "private cache" "explicit cache_dir: no private cache"
ATT_ENTRY=$(cache_files "$C4" jwks)
is "$(printf '%s\n' "$ATT_ENTRY" | grep -c .)" 1 "explicit cache_dir: the attacker's key set is cached there"
fk_reset_counts
kinde_auth verify --config "$T/real4.conf" "$ATT_TOK"
is "$KA_RC" 1 "explicit cache_dir: the attacker's token is rejected by the real config"
cmp_num "$(fk_count $JWKS_PATH)" -ge 1 "explicit cache_dir: the real config fetched its own key set"
REAL_ENTRY=$(cache_files "$C4" jwks | grep -vx "$ATT_ENTRY")
is "$(printf '%s\n' "$REAL_ENTRY" | grep -c .)" 1 "explicit cache_dir: the two origins have two entries"
M=$(head -1 "$C4/$ATT_ENTRY")
is "$(json_get "$M" '[d["origin"]["domain"], d["origin"]["ca_file"], d["url"]]')" \
	"[\"$ATT\", \"$ATT_CA\", \"$ATT$JWKS_PATH\"]" "the entry records its origin and URL"
like "$(json_get "$M" 'd["origin"]["ca_sha256"]')" '^[0-9a-f]{64}$' "the entry records the CA's SHA-256"

# The name alone does not decide: the attacker's entry copied over the
# real one's name is refused by its metadata, and refetched.
cp "$C4/$ATT_ENTRY" "$C4/$REAL_ENTRY"
fk_reset_counts
kinde_auth verify --config "$T/real4.conf" "$ATT_TOK"
is "$KA_RC" 1 "an entry of another origin under the real name: the attacker's token is rejected"
like "$KA_ERR" "fetched for another origin \(domain" "another origin's entry: says so"
cmp_num "$(fk_count $JWKS_PATH)" -ge 1 "another origin's entry: refetched"
kinde_auth verify --config "$T/real4.conf" "$GOOD_TOK"
is "$KA_RC" 0 "then the real token is accepted"

# The CA's content counts, not only its path: the same path with another
# certificate in it names another entry.
cp "$FK_CA" "$T/ca-copy.pem"
sed "s|^ca_file = .*|ca_file = $T/ca-copy.pem|" "$T/real4.conf" >"$T/real5.conf"
chmod 600 "$T/real5.conf"
kinde_auth verify --config "$T/real5.conf" "$GOOD_TOK"
N1=$(cache_files "$C4" jwks | wc -l)
cat "$ATT_CA" "$FK_CA" >"$T/ca-copy.pem"
kinde_auth verify --config "$T/real5.conf" "$GOOD_TOK"
is "$KA_RC" 0 "ca_file content changed: still accepted"
is "$(cache_files "$C4" jwks | wc -l)" $((N1 + 1)) "ca_file content changed: a new entry"

# =================================== discovery, M2M and API-key caches ==

newconf "$T/real6.conf"
C6=$CACHE
K=k_live_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
fk_ctl POST apikeys "{\"api_key\":\"$K\",\"scopes\":[\"ssh:login\"]}" >/dev/null
kinde_auth apikey --config "$T/real6.conf" "$K"
is "$KA_RC" 0 "API key accepted (real issuer)"
for p in discovery m2m apikey; do
	M=$(head -1 "$C6/$(cache_files "$C6" $p | head -1)")
	is "$(json_get "$M" 'd["origin"]["domain"]')" "$FK_ISSUER" "the $p entry records its origin"
done
# The same settings but another CA path: no entry is shared.
cp "$FK_CA" "$T/ca6.pem"
sed "s|^ca_file = .*|ca_file = $T/ca6.pem|" "$T/real6.conf" >"$T/real6b.conf"
chmod 600 "$T/real6b.conf"
fk_reset_counts
kinde_auth apikey --config "$T/real6b.conf" "$K"
is "$KA_RC" 0 "another ca_file: API key accepted"
is "$(fk_count $DISC_PATH)/$(fk_count $TOKEN_PATH)/$(fk_count /api/v1/api_keys/verify)" 1/1/1 \
	"another ca_file: discovery, M2M token and API-key answer not taken from the other origin's cache"
# An M2M entry of another origin under the real name: not served.
for p in m2m apikey discovery; do
	A=$(cache_files "$C6" $p | head -1)
	B=$(cache_files "$C6" $p | tail -1)
	[ "$A" != "$B" ] && cp "$C6/$A" "$T/$p.a" && cp "$C6/$B" "$C6/$A" && cp "$T/$p.a" "$C6/$B"
done
fk_reset_counts
kinde_auth apikey --config "$T/real6.conf" "$K"
is "$KA_RC" 0 "swapped entries: API key accepted"
is "$(fk_count $DISC_PATH)/$(fk_count $TOKEN_PATH)/$(fk_count /api/v1/api_keys/verify)" 1/1/1 \
	"swapped entries: none of the other origin's discovery, M2M token or API-key answer is served"

# ========================================================== private cache ==

# An override that changes nothing: the shared cache is used.
newconf "$T/real7.conf"
C7=$CACHE
kinde_auth verify --config "$T/real7.conf" -o domain="$FK_ISSUER" "$GOOD_TOK"
is "$KA_RC" 0 "an override equal to the file's value: accepted"
unlike "$KA_ERR" "private cache" "an override equal to the file's value: the config's cache"
is "$(cache_files "$C7" jwks | wc -l)" 1 "an override equal to the file's value: cached in the config's cache"
for o in "proxy=http://127.0.0.1:9" "jwks_uri=$FK_ISSUER$JWKS_PATH" "ca_file=$T/ca6.pem"; do
	BEFORE=$(listing "$C7")
	kinde_auth verify --config "$T/real7.conf" -o "$o" -o timeout=5 "$GOOD_TOK"
	like "$KA_ERR" "using a private cache \(.*\): the command line overrides ${o%%=*}" \
		"-o ${o%%=*}: a private cache, the setting named"
	is "$(listing "$C7")" "$BEFORE" "-o ${o%%=*}: the config's cache is untouched"
done
kinde_auth verify --config "$T/real7.conf" --jwks "$FK_ISSUER$JWKS_PATH" "$GOOD_TOK"
like "$KA_ERR" "private cache" "--jwks URL: a private cache"
kinde_auth verify --config "$T/real7.conf" --domain "$ATT" --issuer "$FK_ISSUER" \
	--ca-file "$ATT_CA" "$ATT_TOK"
like "$KA_ERR" "private cache.*overrides domain, ca_file" "--domain/--ca-file: a private cache, both named"
kinde_auth verify --config "$T/real7.conf" "$ATT_TOK"
is "$KA_RC" 1 "after --domain/--issuer/--ca-file of the attacker: the config refuses its token"
kinde_auth verify --no-config --domain "$FK_ISSUER" --ca-file "$FK_CA" \
	--audience "$AUD" "$GOOD_TOK"
is "$KA_RC" 0 "--no-config without --cache-dir: accepted"
like "$KA_ERR" "private cache" "--no-config without --cache-dir: a private cache, not the system's"

# =========================================== the client secret is kept ==

newconf "$T/m.conf"
att_ctl POST counts/reset '{}' >/dev/null
kinde_auth token --config "$T/m.conf" -o domain="$ATT" -o ca_file="$ATT_CA"
is "$KA_RC" 2 "token with the attacker's domain: exit 2"
like "$KA_ERR" "client_secret_file.*not sent" "token with the attacker's domain: says the secret is not sent"
like "$KA_ERR" "--client-secret-file" "token with the attacker's domain: says how to give one"
is "$(att_count $TOKEN_PATH)" 0 "token with the attacker's domain: no token request reached it"
ok "! grep -rqF -- '$FK_CLIENT_SECRET' '$ATT_DIR'" "the secret appears nowhere in the attacker's logs"
kinde_auth apikey --config "$T/m.conf" -o domain="$ATT" -o ca_file="$ATT_CA" "$K"
isnt "$KA_RC" 0 "apikey with the attacker's domain: not accepted"
is "$(att_count $TOKEN_PATH)" 0 "apikey with the attacker's domain: no token request reached it"
like "$KA_ERR" "client_secret_file.*not sent" "apikey with the attacker's domain: says the secret is not sent"
kinde_auth token --config "$T/m.conf" -o ca_file="$T/ca6.pem"
is "$KA_RC" 2 "token with another ca_file: the configured secret is not sent either"

printf 'attacker-side-secret\n' >"$T/att.secret"
chmod 600 "$T/att.secret"
kinde_auth token --config "$T/m.conf" -o domain="$ATT" -o ca_file="$ATT_CA" \
	--client-secret-file "$T/att.secret"
is "$KA_RC" 2 "--client-secret-file given: sent (the attacker refuses the client)"
like "$KA_ERR" "invalid_client" "--client-secret-file given: the attacker's answer"
is "$(att_count $TOKEN_PATH)" 1 "--client-secret-file given: one token request"
is "$(json_get "$(att_ctl GET "last_request?path=$TOKEN_PATH")" 'd["form"]["client_secret"]')" \
	"attacke…cret" "--client-secret-file given: that file's secret was sent"
ok "! grep -rqF -- '$FK_CLIENT_SECRET' '$ATT_DIR'" "the configured secret still appears nowhere there"
kinde_auth token --config "$T/m.conf" --client-secret-file "$FK_SECRET_FILE"
is "$KA_RC" 0 "--client-secret-file with the config's own domain: a token"

tap_done
