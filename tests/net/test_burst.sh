#!/bin/bash
# test_burst.sh - 50 kinde-auth processes at once (a burst of sshd
# children): on a cold cache the issuer sees one discovery and one JWKS
# request; after a key rotation, on a warm cache, one refetch.  Every
# process accepts, the cache file is whole and no temporary file is left.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

fk_start || { echo "Bail out! fake_kinde did not start"; exit 99; }
machine_loaded
JWKS_PATH=/.well-known/jwks
DISC_PATH=/.well-known/openid-configuration
N=50

# burst TOKEN [verify args...]: N processes started at once; sets
# BURST_FAILS, BURST_SECS.
burst() {
	local tok=$1 i p t0
	local pids=()
	shift
	rm -f "$T"/burst.*
	t0=$(now_s)
	for i in $(seq 1 $N); do
		timeout -k 5 "$KA_TIMEOUT" "$KINDE_AUTH" verify --config "$T/b.conf" "$@" "$tok" \
			>"$T/burst.$i.out" 2>"$T/burst.$i.err" &
		pids+=("$!")
	done
	BURST_FAILS=0
	for p in "${pids[@]}"; do
		wait "$p" || BURST_FAILS=$((BURST_FAILS + 1))
	done
	BURST_SECS=$(elapsed "$t0")
	unset KA_ARGS
	# One failed process's output, for the record.
	for i in $(seq 1 $N); do
		if ! grep -q '^ACCEPTED' "$T/burst.$i.out"; then
			diag "a failed process said:" "$(cat "$T/burst.$i.out" "$T/burst.$i.err")"
			break
		fi
	done
}

fk_conf "$T/b.conf" "require_scopes = openid"
TOK=$(fk_mint)
fk_reset_counts
burst "$TOK"
is "$BURST_FAILS" 0 "cold cache: all $N processes accept (${BURST_SECS}s)"
is "$(grep -l '^ACCEPTED: sub ' "$T"/burst.*.out | wc -l)" "$N" "cold cache: $N say ACCEPTED"
is "$(fk_count $JWKS_PATH)" 1 "cold cache: exactly one JWKS fetch"
is "$(fk_count $DISC_PATH)" 1 "cold cache: exactly one discovery fetch"
F=$(ls "$FK_CACHE"/jwks-* | grep -v '\.lock$')
is "$(echo "$F" | wc -l)" 1 "cold cache: one key set file"
is "$(json_get "$(head -1 "$F")" 'd["url"]')" "$FK_ISSUER$JWKS_PATH" "the key set file's metadata line parses"
is "$(tail -n +2 "$F" | "$PYTHON3" -c 'import json, sys; print(len(json.load(sys.stdin)["keys"]))' 2>&1)" 1 \
	"the key set file's body parses"
is "$(find "$FK_CACHE" -name '.*.tmp' | wc -l)" 0 "no temporary files left"
is "$(cat "$T"/burst.*.err)" "" "nothing on stderr"

fk_ctl POST rotate '{"keep_old": true}' >/dev/null
TOK2=$(fk_mint)
fk_reset_counts
burst "$TOK2"
is "$BURST_FAILS" 0 "after a rotation, warm cache: all $N processes accept (${BURST_SECS}s)"
is "$(fk_count $JWKS_PATH)" 1 "after a rotation: exactly one JWKS refetch"
is "$(fk_total)" 1 "after a rotation: no other request"
is "$(cat "$T"/burst.*.err | grep -c 'refetching (key rotation?)')" 1 "after a rotation: one process refetched, the others read its result"
is "$(tail -n +2 "$F" | "$PYTHON3" -c 'import json, sys; print(len(json.load(sys.stdin)["keys"]))' 2>&1)" 2 \
	"after a rotation: the cached key set has both keys"
is "$(find "$FK_CACHE" -name '.*.tmp' | wc -l)" 0 "after a rotation: no temporary files left"

# The same, when the cached set was fetched in the same second as the
# rotation's refetch: --now pins every process to one second.  The
# processes that read the old set and then wait for the refetch must see
# the new set, not be refused by the refetch cooldown.
fk_conf "$T/b.conf" "require_scopes = openid"
X=$(($(date +%s) + 5))
TOK3=$(fk_mint)
kinde_auth verify --config "$T/b.conf" --now "$X" "$TOK3"
is "$KA_RC" 0 "same second: cache warmed"
fk_ctl POST rotate '{"keep_old": true}' >/dev/null
TOK4=$(fk_mint)
fk_reset_counts
# A slow refetch: every process has read the old set before it lands.
fk_fault "{\"path\":\"$JWKS_PATH\",\"kind\":\"slow\",\"delay\":1.5,\"count\":1}"
N=20
burst "$TOK4" --now "$X"
is "$BURST_FAILS" 0 "same second: all $N processes accept after the rotation"
is "$(fk_count $JWKS_PATH)" 1 "same second: exactly one JWKS refetch"

tap_done
