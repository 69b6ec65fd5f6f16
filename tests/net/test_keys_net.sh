#!/bin/bash
# test_keys_net.sh - key sets over the network, against the fake Kinde
# server: discovery, the on-disk cache (shared by processes), ETag
# revalidation, key rotation and its cooldown, a stale copy when the
# issuer is down, `kinde-auth jwks`, discovery naming another issuer, the
# /.well-known/jwks fallback, no Authorization on the key set request, and
# the refusal of an unsafe cache directory.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

fk_start --jwks-max-age 60 || { echo "Bail out! fake_kinde did not start"; exit 99; }
JWKS_PATH=/.well-known/jwks
DISC_PATH=/.well-known/openid-configuration

# cache_meta DIR PREFIX: the metadata line of the one PREFIX-* file in DIR.
cache_file() { ls "$1"/"$2"-* 2>/dev/null | grep -v '\.lock$' | head -1; }
cache_meta() { head -1 "$(cache_file "$1" "$2")" 2>/dev/null; }
current_kid() { json_get "$(fk_ctl GET keys)" 'd["current"]'; }
# files in DIR, names only, sorted
listing() { (cd "$1" && ls -A | sort | tr '\n' ' '); }

# ========================================================= cold, then warm ==

fk_conf "$T/c1.conf" "require_scopes = openid"
C1=$FK_CACHE
TOK=$(fk_mint --ttl 200000)
fk_reset_counts
kinde_auth verify --config "$T/c1.conf" "$TOK"
is "$KA_RC" 0 "cold cache: token accepted"
is "$(fk_count $DISC_PATH)/$(fk_count $JWKS_PATH)" 1/1 "cold cache: discovery and JWKS fetched once each"
is "$(grep -E "^GET ($DISC_PATH|$JWKS_PATH) " "$FK_DIR/requests.log" | awk '{print $2}' | tr '\n' ' ')" \
	"$DISC_PATH $JWKS_PATH " "cold cache: discovery first, then the JWKS it names"
is "$(stat -c %a "$C1")" 700 "cache dir is 0700"
ok '[ -n "$(cache_file "$C1" jwks)" ] && [ -n "$(cache_file "$C1" discovery)" ]' \
	"key set and discovery document are cached"
is "$(find "$C1" -type f ! -perm 600 | wc -l)" 0 "every cache file is mode 0600"
M=$(cache_meta "$C1" jwks)
is "$(json_get "$M" 'd["url"]')" "$FK_ISSUER$JWKS_PATH" "cache entry records the JWKS URL"
ETAG=$(json_get "$M" 'd["etag"]')
like "$ETAG" '^"[0-9a-f]+"$' "cache entry records the ETag"

fk_reset_counts
kinde_auth verify --config "$T/c1.conf" --repeat 1000 "$TOK"
is "$KA_RC" 0 "warm cache: --repeat 1000 accepted"
like "$KA_ERR" '1000 validations in' "warm cache: --repeat prints its timing line"
is "$(fk_total)" 0 "warm cache: 1000 validations in one process make zero requests"

fails=0
for i in $(seq 1 20); do
	"$KINDE_AUTH" verify --config "$T/c1.conf" "$TOK" >/dev/null 2>&1 || fails=$((fails + 1))
done
is "$fails" 0 "warm cache: 20 separate processes accept"
is "$(fk_total)" 0 "warm cache: 20 separate processes make zero requests"

# ====================================================== ETag revalidation ==

fk_reset_counts
NOW=$(date +%s)
kinde_auth verify --config "$T/c1.conf" --now $((NOW + 120)) "$TOK"
is "$KA_RC" 0 "expired cache (--now +120 s, max-age 60): still accepted"
is "$(fk_count $JWKS_PATH)/$(fk_count $DISC_PATH)" 1/0 "expired cache: one JWKS request, no discovery"
is "$(json_get "$(fk_last_request $JWKS_PATH)" 'd["headers"].get("If-None-Match")')" "$ETAG" \
	"expired cache: the request carries If-None-Match with the cached ETag"
is "$(grep "^GET $JWKS_PATH " "$FK_DIR/requests.log" | tail -1)" "GET $JWKS_PATH 304" \
	"expired cache: the server answered 304 Not Modified"
# --now is a what-if: it must not post-date the host's cache (which every
# login trusts until expires_at, in real time).
kinde_auth jwks --config "$T/c1.conf" --json
DATES=$(json_get "$KA_OUT" '[d["age"], d["expires_at"] - '"$(date +%s)"']')
is "$(json_get "$KA_OUT" 'd["age"] >= 0 and d["expires_at"] - '"$(date +%s)"' <= 61')" true \
	"a --now run leaves the cache dated in real time ([age, expires in] = $DATES; max-age 60)"

# A what-if run a day ahead with an unknown kid must not block the real
# refetch a real rotation needs afterwards for a day: its refetch was real,
# so it counts for the (real-time) cooldown, and no longer than that.
fk_conf "$T/c9.conf" "jwks_refetch_cooldown = 2" "require_scopes = openid"
kinde_auth verify --config "$T/c9.conf" "$TOK"
is "$KA_RC" 0 "what-if: warm a fresh cache"
kinde_auth verify --config "$T/c9.conf" --now $((NOW + 86400)) \
	"$(fk_mint --ttl 200000 --kid 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff)"
is "$KA_RC" 1 "what-if: --now +1 day, unknown kid: rejected"
fk_ctl POST rotate '{"keep_old": true}' >/dev/null
sleep 2.2	# past the 2 s cooldown, not a day
fk_reset_counts
kinde_auth verify --config "$T/c9.conf" "$(fk_mint)"
is "$KA_RC/$(fk_count $JWKS_PATH)" 0/1 \
	"what-if: then a real rotation after the cooldown: the new key is fetched and accepted"

# ============================================================== rotation ==

fk_conf "$T/c2.conf" "require_scopes = openid"
C2=$FK_CACHE
kinde_auth verify --config "$T/c2.conf" "$TOK"
is "$KA_RC" 0 "rotation: warm a fresh cache"
OLDKID=$(current_kid)
NEWKID=$(json_get "$(fk_ctl POST rotate '{"keep_old": false}')" 'd["kid"]')
isnt "$NEWKID" "$OLDKID" "rotation: the server has a new current key"
TOK2=$(fk_mint --ttl 200000)
fk_reset_counts
kinde_auth verify --config "$T/c2.conf" "$TOK2"
is "$KA_RC" 0 "rotation: a token signed with the new key is accepted"
is "$(fk_count $JWKS_PATH)/$(fk_total)" 1/1 "rotation: exactly one JWKS refetch, nothing else"
like "$KA_ERR" "kid \"$NEWKID\" is not in the key set; refetching" "rotation: the refetch is logged"

kinde_auth verify --config "$T/c2.conf" "$(fk_mint --kid 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff)"
is "$KA_RC" 1 "bogus kid within the cooldown: rejected"
like "$KA_OUT" '^REJECTED \(kid(; class [a-z-]+)?\): no key with kid "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"' \
	"bogus kid: reason kid, the kid named"
like "$KA_ERR" 'refetch suppressed \(last one [0-9]+s ago, cooldown 60s\)' "bogus kid: says the refetch is suppressed"
is "$(fk_total)" 1 "bogus kid within the cooldown: zero further requests"

kinde_auth verify --config "$T/c2.conf" "$TOK"
is "$KA_RC" 1 "a token of the removed key is rejected after the rotation"

# ============================================ no Authorization on the JWKS ==

K=k_live_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
fk_ctl POST apikeys "{\"api_key\":\"$K\",\"scopes\":[\"ssh:login\"]}" >/dev/null
fk_conf "$T/c4.conf" "apikey_cache_ttl = 0" "require_scopes = ssh:login"
fk_reset_counts
kinde_auth apikey --config "$T/c4.conf" "$K"
is "$KA_RC" 0 "API key accepted (M2M token, JWKS, verify)"
fk_ctl POST rotate '{"keep_old": false}' >/dev/null
kinde_auth apikey --config "$T/c4.conf" "$K"
is "$KA_RC" 0 "API key accepted again after a rotation (new M2M token, JWKS refetched)"
is "$(fk_count $JWKS_PATH)" 2 "the JWKS was fetched after bearer requests in the same process"
is "$(fk_count jwks_with_authorization)" 0 "no JWKS request ever carried an Authorization header"
TOK3=$(fk_mint --ttl 200000)

# ==================================================== kinde-auth jwks =====

fk_conf "$T/c3.conf" "require_scopes = openid"
C3=$FK_CACHE
fk_reset_counts
KID=$(current_kid)
kinde_auth jwks --config "$T/c3.conf"
is "$KA_RC" 0 "jwks: exit 0"
like "$KA_OUT" "^source:  network \\($FK_ISSUER$JWKS_PATH\\)" "jwks: cold cache: source network, with the URL"
like "$KA_OUT" "kid $KID +RSA RS256 +2048 bits" "jwks: shows kid, kty, alg and bits"
like "$KA_OUT" 'fetched: [0-9-]{10} [0-9:]{8} UTC, [0-9]+s ago; fresh, expires in ([0-9]+m)?[0-9]+s' "jwks: age and freshness"
like "$KA_OUT" 'keys:    1' "jwks: one published key (rotations dropped the old ones)"
kinde_auth jwks --config "$T/c3.conf" --json
is "$(json_get "$KA_OUT" '[d["source"], d["fresh"], d["keys"][0]["kid"], d["keys"][0]["kty"], d["keys"][0]["alg"], d["keys"][0]["bits"], d["age"] >= 0]')" \
	"[\"cache\", true, \"$KID\", \"RSA\", \"RS256\", 2048, true]" "jwks --json: source cache, fresh, kid/kty/alg/bits, age"
is "$(fk_count $JWKS_PATH)" 1 "jwks: the second run came from the cache"
kinde_auth jwks --config "$T/c3.conf" --refresh
is "$KA_RC" 0 "jwks --refresh: exit 0"
like "$KA_OUT" '^source:  network' "jwks --refresh: source network"
is "$(fk_count $JWKS_PATH)" 2 "jwks --refresh: refetched"
fk_jwks_file "$T/pinned.json"
chmod 644 "$T/pinned.json"
kinde_auth jwks --config "$T/c3.conf" --jwks "$T/pinned.json" --json
is "$(json_get "$KA_OUT" '[d["source"], d["url"], len(d["keys"])]')" "[\"file\", \"$T/pinned.json\", 1]" \
	"jwks --jwks FILE: source file"

# ======================================================= issuer stopped ====

fk_stop
kinde_auth verify --config "$T/c3.conf" "$TOK3"
is "$KA_RC" 0 "issuer down, warm cache: accepted"
is "$KA_ERR" "" "issuer down, warm cache: nothing to warn about"
NOW=$(date +%s)
kinde_auth verify --config "$T/c3.conf" --now $((NOW + 7200)) "$TOK3"
is "$KA_RC" 0 "issuer down, cache expired but within jwks_max_stale: accepted"
like "$KA_ERR" 'warning: key set unavailable \(.*cannot connect.*\); using the copy fetched 2h0m ago \(stale\)' \
	"issuer down, expired cache: a 'stale' warning naming the failure"
kinde_auth verify --config "$T/c3.conf" --now $((NOW + 60 + 86400 + 600)) "$TOK3"
is "$KA_RC" 3 "issuer down, cache past jwks_max_stale: exit 3"
like "$KA_ERR" 'cannot connect' "issuer down, cache past jwks_max_stale: says it cannot connect"
mkdir -m 700 "$T/cold"
kinde_auth verify --config "$T/c3.conf" -o cache_dir="$T/cold" "$TOK3"
is "$KA_RC" 3 "issuer down, cold cache: exit 3"
like "$KA_ERR" "$FK_ISSUER/.*cannot connect" "issuer down, cold cache: names the URL and 'cannot connect'"
kinde_auth jwks --config "$T/c3.conf"
is "$KA_RC" 0 "jwks, issuer down, fresh cache: exit 0"
like "$KA_OUT" '^source:  cache ' "jwks, issuer down: source cache"
# Age the cached key set by an hour (as if fetched two hours ago).
F=$(cache_file "$C3" jwks)
"$PYTHON3" - "$F" <<'EOF'
import json, os, sys, time
f = sys.argv[1]
meta, body = open(f).read().split("\n", 1)
m = json.loads(meta)
now = int(time.time())
m["fetched_at"], m["expires_at"] = now - 7200, now - 3600
with open(f + ".new", "w") as out:
    out.write(json.dumps(m) + "\n" + body)
os.chmod(f + ".new", 0o600)
os.rename(f + ".new", f)
EOF
kinde_auth jwks --config "$T/c3.conf" --json
is "$KA_RC" 0 "jwks, issuer down, expired cache: exit 0"
is "$(json_get "$KA_OUT" '[d["source"], d["fresh"], d["age"] >= 7200]')" '["stale cache", false, true]' \
	"jwks --json, expired cache: source 'stale cache', not fresh, age"
like "$KA_ERR" 'stale' "jwks, expired cache: warns it is stale"
kinde_auth jwks --config "$T/c3.conf"
like "$KA_OUT" '^source:  stale cache .*STALE' "jwks, expired cache: human output says STALE"

fk_restart || { echo "Bail out! fake_kinde did not restart"; exit 99; }
fk_reset_counts
kinde_auth verify --config "$T/c3.conf" "$TOK3"
is "$KA_RC/$(fk_count $JWKS_PATH)" 0/1 "issuer back: the expired cache is refreshed"

# ============================================ discovery names another issuer ==

fk_conf "$T/c5.conf" "issuer = https://other.example" "require_scopes = openid"
fk_reset_counts
kinde_auth verify --config "$T/c5.conf" "$(fk_mint --issuer https://other.example)"
is "$KA_RC" 2 "discovery names another issuer: exit 2"
like "$KA_ERR" "discovery document names issuer $FK_ISSUER, not the configured https://other\\.example: fix issuer/domain" \
	"discovery names another issuer: says to fix issuer/domain"
is "$(fk_count $JWKS_PATH)" 0 "discovery names another issuer: its JWKS is not fetched"

# ================================================ discovery fails: fallback ==

fk_conf "$T/c6.conf" "require_scopes = openid"
fk_reset_counts
fk_fault "{\"path\":\"$DISC_PATH\",\"kind\":\"redirect-https\",\"location\":\"$FK_ISSUER/no/such/discovery\"}"
kinde_auth verify --config "$T/c6.conf" "$TOK3"
is "$KA_RC" 0 "discovery 404: falls back to /.well-known/jwks and accepts"
is "$(fk_count /no/such/discovery)/$(fk_count $JWKS_PATH)" 1/1 "discovery 404: answered 404, then the default JWKS fetched"
fk_clear_faults
fk_conf "$T/c7.conf" "require_scopes = openid"
fk_fault "{\"path\":\"$DISC_PATH\",\"kind\":\"500\"}"
kinde_auth verify --config "$T/c7.conf" "$TOK3"
is "$KA_RC" 0 "discovery 500: falls back to /.well-known/jwks and accepts"
fk_clear_faults

# ==================================================== unsafe cache dirs =====

# A planted key set: the token's kid, but someone else's RSA key, fresh,
# recorded for the origin of these configs (the metadata of c3's entry:
# same domain, issuer and CA).
JNAME=$(basename "$(cache_file "$C3" jwks)")
plant() {
	"$PYTHON3" - "$1/$JNAME" "$(current_kid)" "$FK_ISSUER$JWKS_PATH" "$FK_SRC" "$C3/$JNAME" <<'EOF'
import json, os, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[4])
import kinde_keys
key = kinde_keys.generate_rsa_key()
now = int(time.time())
meta = json.loads(open(sys.argv[5]).readline())
meta.update({"url": sys.argv[3], "fetched_at": now, "expires_at": now + 3600,
             "etag": "", "last_refetch": now})
body = json.dumps({"keys": [kinde_keys.rsa_jwk(key.public_key(), sys.argv[2])]})
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(meta) + "\n" + body)
os.chmod(sys.argv[1], 0o600)
EOF
}
fk_conf "$T/c8.conf" "require_scopes = openid"
plant "$FK_CACHE"
kinde_auth verify --config "$T/c8.conf" "$TOK3"
is "$KA_RC" 1 "control: a planted key set in a safe cache dir is used (signature refused)"
like "$KA_OUT" '^REJECTED \(signature(; class [a-z-]+)?\)' "control: reason signature"

unsafe_dir() {	# unsafe_dir DIR WHAT REGEX
	local dir=$1 what=$2 re=$3 before
	before=$(listing "$dir")
	fk_reset_counts
	kinde_auth verify --config "$T/c8.conf" -o cache_dir="$dir" "$TOK3"
	is "$KA_RC" 0 "$what cache dir: the planted key set is not read; token accepted"
	like "$KA_ERR" "warning: cache_dir $dir: $re" "$what cache dir: a warning names the problem"
	is "$(fk_count $JWKS_PATH)" 1 "$what cache dir: the key set came from the network"
	is "$(listing "$dir")" "$before" "$what cache dir: nothing written into it"
}
mkdir -m 700 "$T/real"
plant "$T/real"
ln -s "$T/real" "$T/link"
unsafe_dir "$T/link" "symlinked" 'is a symlink or not a directory; refused'
mkdir "$T/ww"
chmod 777 "$T/ww"
plant "$T/ww"
unsafe_dir "$T/ww" "world-writable" 'must be owned by uid [0-9]+ and not writable by group or others \(owner [0-9]+, mode 0777\); refused'
mkdir -m 700 "$T/other"
plant "$T/other"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$T/other"
	unsafe_dir "$T/other" "other-owned" 'must be owned by uid 0 .*\(owner 65534, mode 0700\); refused'
else
	for i in 1 2 3 4; do skip "other-owned cache dir" "needs root to chown"; done
fi

old_umask=$(umask)
umask 000
kinde_auth verify --config "$T/c8.conf" -o cache_dir="$T/made" "$TOK3"
umask "$old_umask"
is "$KA_RC" 0 "missing cache dir: token accepted"
is "$(stat -c %a "$T/made" 2>/dev/null)" 700 "missing cache dir: created with mode 0700 (even under umask 000)"
is "$(find "$T/made" -type f ! -perm 600 | wc -l)/$(ls "$T/made" | grep -cE '^jwks-[0-9a-f]+$')" 0/1 \
	"missing cache dir: holds the key set, every file 0600"

tap_done
