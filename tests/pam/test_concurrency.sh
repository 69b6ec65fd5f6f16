#!/bin/bash
# test_concurrency.sh - 100 logins at once, each its own process through a
# real PAM stack, over one cold cache directory: every result is right
# (80 good tokens of alice, 10 expired, 10 of bob's for alice), the key
# set and the discovery document are each fetched once, and the cache is
# left with whole entries (each a JSON metadata line and a body that
# parses), their lock files, and no temporary file.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
machine_timed
N=100

pk_conf "$T/c.conf" "require_scopes = ssh:login"
CACHE=$FK_CACHE
pk_kinde_service conc "$T/c.conf"
good=$(fk_mint --sub alice --scp ssh:login)
old=$(fk_mint --sub alice --scp ssh:login --ttl -3600)
bob=$(fk_mint --sub bob --scp ssh:login)
want=()
for i in $(seq 1 $N); do
	if [ "$i" -le 80 ]; then tok=$good; want[i]=PAM_SUCCESS
	elif [ "$i" -le 90 ]; then tok=$old; want[i]=PAM_AUTH_ERR
	else tok=$bob; want[i]=PAM_AUTH_ERR; fi
	mkdir -m 700 "$T/c.$i"
	(umask 077 && printf '%s' "$tok" >"$T/c.$i/secret")
done
fk_reset_counts

# All at once: each waits on a start file, so they race for the cache.
[ ${#PK_HENV[@]} -gt 0 ] || mapfile -t PK_HENV < <(pk_harness_env)
pids=()
for i in $(seq 1 $N); do
	(
		while [ ! -e "$T/go" ]; do sleep 0.01; done
		exec timeout -k 5 120 env "${PK_HENV[@]}" "$PK_HARNESS" \
			--confdir "$PK_PAMD" --log "$T/c.$i/log" --no-acct \
			--secret-file "$T/c.$i/secret" conc alice \
			>"$T/c.$i/out" 2>"$T/c.$i/err"
	) &
	pids+=($!)
done
: >"$T/go"
for p in "${pids[@]}"; do
	wait "$p"
done

right=0
for i in $(seq 1 $N); do
	got=$(sed -n 's/^auth //p' "$T/c.$i/out")
	if [ "$got" = "${want[i]}" ]; then
		right=$((right + 1))
	else
		diag "login $i: got '$got', want ${want[i]}: $(tail -c 300 "$T/c.$i/log" 2>/dev/null)"
	fi
done
is "$right" "$N" "$N logins at once: every result right (80 accepted, 20 refused)"
is "$(fk_count /.well-known/jwks)" 1 "the key set was fetched once"
is "$(fk_count /.well-known/openid-configuration)" 1 "the discovery document was fetched once"
# (authmac.key: the host secret sealing the account stage's record)
stray=$(ls -A "$CACHE" | grep -Ev '^([a-z]+-[0-9a-f]{32}(\.lock)?|authmac\.key)$')
is "$stray" "" "no temporary or stray file in the cache"
bad=0
for f in "$CACHE"/*; do
	case $f in *.lock | */authmac.key) continue ;; esac
	"$PYTHON3" - "$f" <<'EOF' || bad=$((bad + 1))
import json, sys
raw = open(sys.argv[1], "rb").read()
meta, nl, body = raw.partition(b"\n")
assert nl and isinstance(json.loads(meta), dict)
json.loads(body)
EOF
done
is "$bad" 0 "every cache entry is whole: a JSON metadata line and a JSON body"
ls "$CACHE"/jwks-* >/dev/null 2>&1
ok $? "the key set is in the cache"
is "$(pk_san_errors "$T"/c.*/err | grep -c .)" 0 "no sanitizer report"
tap_done
