#!/bin/bash
# test_leak.sh - one long-lived process runs many PAM transactions
# (pam_start, pam_authenticate, pam_acct_mgmt, pam_end: libpam loads and
# unloads pam_kinde.so every time, like a display manager or a sudo-heavy
# host would) with warm caches; nothing may accumulate: file descriptors,
# memory, requests to the issuer.
#
# Three variants run side by side, each in its own pam_harness process:
#   token   an accepted token (key set from the disk cache)
#   refused a token refused by policy (signature checked, scope missing)
#   apikey  an accepted API key (the issuer's answer from the disk cache)
#
# Rounds: LEAK_ROUNDS for the token variant (default 10000; 1000 under
# ASan, where every round is slower and LeakSanitizer does the precise
# accounting), LEAK_VARIANT_ROUNDS for the other two (default half that:
# they differ from the token variant only in the verdict and the cache
# entry read; a round costs ~5 ms here, mostly dlopen/dlclose).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

if pk_asan; then
	ASAN=1
	: "${LEAK_ROUNDS:=1000}"
else
	ASAN=0
	: "${LEAK_ROUNDS:=10000}"
fi
: "${LEAK_VARIANT_ROUNDS:=$((LEAK_ROUNDS / 2))}"
# RSS bound: after the harness's 100 warm-up rounds the steady state
# measured here grows by 30-80 KiB over 10,000 rounds (malloc arena
# noise; the module is dlopen()ed and dlclose()d every round).  1 MiB over
# 10,000 rounds is > 10x that noise, yet any per-round leak of >= ~105
# bytes exceeds it - every allocation a login makes (the secret copy,
# the config, the verdict, the decoded claims, a JSON cache entry) is
# larger than that.  Scaled to the rounds actually run, but never below
# 256 KiB (the noise floor of short runs).
rss_bound() {	# rss_bound ROUNDS
	local b=$((1024 * $1 / 10000))
	[ "$b" -ge 256 ] || b=256
	echo "$b"
}

# Long API-key cache lifetimes: the run must not outlive them (the
# default is 60 s), or the issuer would be asked again mid-run.
# Thousands of rounds of one key within a minute: ratelimit_apikey
# (100/60) would refuse all but the first hundred.
pk_conf "$T/leak.conf" "require_scopes = ssh:login" \
	"apikey_cache_ttl = 3600" "apikey_negative_ttl = 3600" \
	"ratelimit_apikey = off"
pk_kinde_service leak "$T/leak.conf"

pk_mint_batch <<'EOF' || { echo "Bail out! minting failed"; exit 99; }
good    --sub alice --scp openid --scp ssh:login
refused --sub alice --scp openid
EOF
KEY="k_live_leak$(pk_rand)"
pk_apikey "$KEY" '"scopes":["ssh:login"],"user_id":"alice"'

# Warm the caches (key set, M2M token, API-key answer), one login each.
pk_login leak alice "${TOK[good]}"
auth_is PAM_SUCCESS "warm-up: token accepted"
pk_login leak alice "${TOK[refused]}"
auth_is PAM_AUTH_ERR "warm-up: token without ssh:login refused"
pk_login leak alice "$KEY"
auth_is PAM_SUCCESS "warm-up: API key accepted"
fk_reset_counts

mapfile -t HENV < <(pk_harness_env)

# run_rounds NAME SECRET ROUNDS: pam_harness --rounds in the background;
# output in $T/leak.NAME.{out,err,log}.
declare -A PIDS
run_rounds() {
	local name=$1 rounds=$3
	(umask 077 && printf '%s' "$2" >"$T/leak.$name.secret")
	timeout -k 5 1500 env "${HENV[@]}" "$PK_HARNESS" --confdir "$PK_PAMD" \
		--secret-file "$T/leak.$name.secret" --log "$T/leak.$name.log" \
		--rounds "$rounds" leak alice \
		>"$T/leak.$name.out" 2>"$T/leak.$name.err" &
	PIDS[$name]=$!
}

# value NAME KEY: a "key value" line of a variant's output.
value() {
	sed -n "s/^$2 //p" "$T/leak.$1.out" | tail -1
}

t0=$(now_s)
run_rounds token "${TOK[good]}" "$LEAK_ROUNDS"
run_rounds refused "${TOK[refused]}" "$LEAK_VARIANT_ROUNDS"
run_rounds apikey "$KEY" "$LEAK_VARIANT_ROUNDS"
for v in token refused apikey; do
	wait "${PIDS[$v]}"
	eval "rc_$v=$?"
done
diag "$((LEAK_ROUNDS + 2 * LEAK_VARIANT_ROUNDS + 300)) PAM transactions in $(elapsed "$t0") s (ASan: $ASAN)"

declare -A ROUNDS=([token]=$LEAK_ROUNDS [refused]=$LEAK_VARIANT_ROUNDS [apikey]=$LEAK_VARIANT_ROUNDS)
for v in token refused apikey; do
	rc_var=rc_$v
	n=${ROUNDS[$v]}
	bound=$(rss_bound "$n")
	is "$(value "$v" rounds)" "$n" "$v: all $n rounds ran" ||
		diag "$(head -c 2000 "$T/leak.$v.err")"
	if [ "$v" = refused ]; then
		is "${!rc_var}" 1 "$v: every round refused (harness status 1, not a crash)"
		is "$(grep -c 'result=success' "$T/leak.$v.log")" 0 "$v: no round accepted"
	else
		is "${!rc_var}" 0 "$v: every round succeeded (auth and acct)"
		is "$(value "$v" failed)" 0 "$v: failed 0"
	fi
	fs=$(value "$v" fds_start)
	fe=$(value "$v" fds_end)
	is "$fe" "$fs" "$v: open file descriptors unchanged ($fs -> $fe)"
	rs=$(value "$v" rss_kb_start)
	re=$(value "$v" rss_kb_end)
	if [ "$ASAN" = 1 ]; then
		# ASan's quarantine holds freed memory back: RSS says nothing.
		skip "$v: RSS growth (${rs:-?} -> ${re:-?} KiB)" "ASan build: LeakSanitizer checks below"
	else
		cmp_num "$((${re:-999999} - ${rs:-0}))" -lt "$bound" \
			"$v: RSS growth $((${re:-0} - ${rs:-0})) KiB < $bound KiB over $n rounds"
	fi
	is "$(pk_san_errors "$T/leak.$v.err" | grep -c .)" 0 \
		"$v: no ASan/UBSan error" || diag "$(pk_san_errors "$T/leak.$v.err" | head -5)"
	# One decision line per auth, every round (+100 warm-up rounds).
	is "$(grep -c 'stage=auth ' "$T/leak.$v.log")" "$((n + 100))" \
		"$v: one decision line per round"
done
is "$(fk_total)" 0 "no request reached the issuer during the runs (warm caches)"

if [ "$ASAN" = 1 ]; then
	# LeakSanitizer at exit.  A leak that grows with the rounds is a
	# per-login leak; one that does not is a once-per-process leak.
	run_rounds short "${TOK[good]}" 10
	wait "${PIDS[short]}"
	b_short=$(pk_lsan_bytes "$T/leak.short.err")
	for v in token refused apikey; do
		b=$(pk_lsan_bytes "$T/leak.$v.err")
		cmp_num "$((b - b_short))" -lt 1024 \
			"$v: LeakSanitizer: no per-login leak ($b bytes after $((${ROUNDS[$v]} + 100)) logins, $b_short after 110)"
		is "$b" 0 "$v: LeakSanitizer reports no leak at all" ||
			diag "$(grep -A4 -E '^(Direct|Indirect) leak' "$T/leak.$v.err" | head -24)"
	done
else
	skip "LeakSanitizer: no per-login leak" "not an ASan build"
	skip "LeakSanitizer: no leak at all" "not an ASan build"
fi

tap_done
