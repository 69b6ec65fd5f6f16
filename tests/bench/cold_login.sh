#!/bin/bash
# Part of make bench (run.sh runs it last; it also runs on its own, with
# top_builddir and top_srcdir set): the TLS connections and the wall time
# of a cold login (empty cache: every request goes out) through a PAM
# stack of pam_kinde.so, in a fresh process as sshd makes one, against
# the fake issuer on loopback:
#   - a token login: discovery, then the key set;
#   - an API-key login: discovery, M2M token, key set, verification;
# before (the transport plugin built with KINDE_HTTP_NO_REUSE: a new
# connection for every request, as before sessions) and after (one
# connection per login), side by side, rounds alternating.
set -euo pipefail
: "${top_builddir:?}" "${top_srcdir:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
B=$top_builddir
ROUNDS=${BENCH_COLD_ROUNDS:-5}
PER=${BENCH_COLD_LOGINS:-20}
tmp=$(mktemp -d /tmp/pam_kinde-bench-cold.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

echo
echo "== 5. A cold login's connections and wall time, before and after (fake issuer on loopback)"
printf '  load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
mkfifo "$tmp/ready"
"$PYTHON3" "$top_srcdir/tests/fake_kinde/fake_kinde.py" --state-dir "$tmp/fk" >"$tmp/ready" 2>/dev/null &
pid=$!
read -r _ _ <"$tmp/ready"
iss=$(cat "$tmp/fk/issuer")
ca=$tmp/fk/ca.pem
user=$(id -un)
ctl() { curl -sS --max-time 20 --cacert "$ca" -X "$1" -H 'Content-Type: application/json' \
	${3:+--data-binary "$3"} "$iss/__fake__/$2"; }
# counter NAME: from the fake server's counts.
counter() { ctl GET counts | "$PYTHON3" -c 'import json, sys; d = json.load(sys.stdin)
print(d.get(sys.argv[1], 0) if sys.argv[1] != "requests" else
      sum(v for k, v in d.items() if k.startswith("/")))' "$1"; }

secret=bench-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
key=k_live_bench$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
ctl POST clients "{\"client_id\":\"bench_m2m\",\"client_secret\":\"$secret\",\"scopes\":[\"read:api_keys\"]}" >/dev/null
ctl POST apikeys "{\"api_key\":\"$key\",\"scopes\":[\"ssh:login\"],\"user_id\":\"$user\"}" >/dev/null
(umask 077 && printf '%s\n' "$secret" >"$tmp/secret" && printf '%s\n' "$key" >"$tmp/apikey")
"$PYTHON3" "$top_srcdir/tests/fake_kinde/mint.py" --state-dir "$tmp/fk" --sub "$user" \
	--scp openid --scp ssh:login --ttl 86400 >"$tmp/token"
mkdir -m 700 "$tmp/cold" "$tmp/state"
mkdir "$tmp/pam.d"
for v in before after; do
	if [ $v = before ]; then net=$B/tests/bench/.libs/kinde-net-noreuse.so; else net=$B/.libs/kinde-net.so; fi
	cat >"$tmp/$v.conf" <<EOT
domain = $iss
ca_file = $ca
cache_dir = $tmp/cold
state_dir = $tmp/state
client_id = bench_m2m
client_secret_file = $tmp/secret
require_scopes = ssh:login
ratelimit_apikey = 100000/60
net_module = $net
EOT
	chmod 600 "$tmp/$v.conf"
	printf 'auth required %s/pam_kinde.so config=%s\naccount required %s/pam_kinde.so config=%s\n' \
		"$B/pam/.libs" "$tmp/$v.conf" "$B/pam/.libs" "$tmp/$v.conf" >"$tmp/pam.d/$v"
done
cold="rm -rf $tmp/cold/* $tmp/state/*"
login() { "$B/tests/bench/login_once" "$tmp/pam.d" "$1" "$user" "$tmp/$2"; }

# One login of each kind: what the issuer saw.
for kind in token apikey; do
	for v in before after; do
		sh -c "$cold"
		ctl POST counts/reset '{}' >/dev/null
		login $v $kind
		printf '%s %s %s %s\n' $kind $v "$(counter connections)" "$(counter requests)"
	done
done >"$tmp/conns"

# Wall time: rounds alternating before and after, the best median kept
# (on a shared machine the noise is larger than some differences).
declare -A best
for kind in token apikey; do
	for v in before after; do best[$v]=1e9; done
	for r in $(seq 1 "$ROUNDS"); do
		for v in before after; do
			m=$("$B/tests/bench/spawn_time" --before "$cold" "$PER" \
				"$B/tests/bench/login_once" "$tmp/pam.d" $v "$user" "$tmp/$kind" | awk '{print $2}')
			best[$v]=$(awk -v x="$m" -v y="${best[$v]}" 'BEGIN { print (x < y ? x : y) }')
		done
	done
	echo "$kind ${best[before]} ${best[after]}"
done >"$tmp/times"
kill $pid; wait $pid 2>/dev/null || true; pid=

printf '  %-16s %-26s %-26s\n' "" "before (new conn/request)" "after (one per login)"
for kind in token apikey; do
	read -r _ _ cb rb < <(grep "^$kind before " "$tmp/conns")
	read -r _ _ ca_ ra < <(grep "^$kind after " "$tmp/conns")
	read -r _ tb ta < <(grep "^$kind " "$tmp/times")
	label=$([ $kind = token ] && echo "token login" || echo "API-key login")
	printf '  %-16s %d conn, %d req, %7.2f ms    %d conn, %d req, %7.2f ms   (%+.2f ms)\n' \
		"$label" "$cb" "$rb" "$tb" "$ca_" "$ra" "$ta" "$(awk -v a="$ta" -v b="$tb" 'BEGIN { print a - b }')"
done
printf '  (a fresh process per login, cache emptied before each; best median of %d rounds of %d; loopback,\n' "$ROUNDS" "$PER"
printf '   so a handshake saved here is CPU only: against a real issuer add one or two round trips each)\n'
printf '  load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
