#!/bin/bash
# test_connections.sh - one TLS connection per login: the requests of one
# client (kinde_client_t) to the issuer share a connection (lib/http.c's
# session), through the linked-in transport (kinde-auth) and the plugin
# (pam_kinde.so loading kinde-net.so); nothing of one request carries over
# to the next (a bearer token never reaches the key set endpoint); a
# connection the server closed, or one that timed out or was reset, is not
# used again; another origin never gets the connection.  The fake server
# counts the TLS connections that carried a request ("connections").

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require
SEQ=$top_builddir/tests/net/http_seq
[ -x "$SEQ" ] || { echo "Bail out! $SEQ not built"; exit 99; }

fk_start || { echo "Bail out! fake_kinde did not start"; exit 99; }
DISC=/.well-known/openid-configuration
JWKS=/.well-known/jwks
TOKEN=/oauth2/token
VERIFY=/api/v1/api_keys/verify
rnd() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# conns: "connections/requests" since the last reset.
conns() { echo "$(fk_count connections)/$(fk_total)"; }

# ============================================================ kinde-auth ==

fk_conf "$T/k.conf" "require_scopes = ssh:login"
TOK=$(fk_mint --sub kp_conn --scp ssh:login)
fk_reset_counts
kinde_auth verify --config "$T/k.conf" "$TOK"
is "$KA_RC" 0 "cold token login (kinde-auth verify): accepted"
is "$(fk_count $DISC)/$(fk_count $JWKS)" 1/1 "cold token login: discovery, then the key set"
is "$(conns)" 1/2 "cold token login: both on ONE connection"

KEY=k_live_$(rnd 12)
fk_ctl POST apikeys "{\"api_key\":\"$KEY\",\"scopes\":[\"ssh:login\"],\"user_id\":\"kp_conn\"}" >/dev/null
fk_conf "$T/a.conf" "require_scopes = ssh:login"
fk_reset_counts
kinde_auth apikey --config "$T/a.conf" "$KEY"
is "$KA_RC" 0 "cold API-key login (kinde-auth apikey): accepted"
is "$(fk_count $DISC)/$(fk_count $TOKEN)/$(fk_count $JWKS)/$(fk_count $VERIFY)" 1/1/1/1 \
	"cold API-key login: discovery, M2M token, the key set (for the M2M token), verification"
is "$(conns)" 1/4 "cold API-key login: all on ONE connection"
is "$(fk_count jwks_with_authorization)" 0 "no request to the key set carried Authorization"

# The server closes its side after the discovery document, saying so or
# not (a keep-alive timeout): the key set comes on a new connection.
for kind in close close-silent; do
	fk_conf "$T/c.conf" "require_scopes = ssh:login"
	fk_fault "{\"path\":\"$DISC\",\"kind\":\"$kind\",\"count\":1}"
	fk_reset_counts
	kinde_auth verify --config "$T/c.conf" "$TOK"
	is "$KA_RC" 0 "server closes the kept connection ($kind): login accepted"
	is "$(conns)" 2/2 "server closes the kept connection ($kind): the key set on a new one"
done

# ============================================================= http_seq ==
# One session, the requests given.  hseq ARGS: the lines in $SEQ_OUT.

hseq() {
	timeout -k 5 60 "$SEQ" "$@" >"$T/seq.out" 2>"$T/seq.err"
	SEQ_RC=$?
	SEQ_OUT=$(tr '\n' ',' <"$T/seq.out")
}
M2M=$(fk_mint --m2m --aud "$FK_ISSUER/api" --scope read:api_keys)

# A verification with a bearer token and a body, then the key set: the
# second request has neither (the options are reset between requests).
fk_reset_counts
hseq "$FK_CA" POST "$FK_ISSUER$VERIFY" -b "$M2M" -d "{\"api_key\":\"$KEY\"}" \
	GET "$FK_ISSUER$JWKS"
is "$SEQ_RC/$SEQ_OUT" "0/200 0 1,200 0 0," "POST with bearer, then GET: one connection, the second reuses it"
is "$(conns)" 1/2 "POST with bearer, then GET: the server saw one connection"
is "$(fk_count jwks_with_authorization)" 0 "the GET after a bearer request carries no Authorization"
LR=$(fk_last_request $JWKS)
is "$(json_get "$LR" '[d["method"], d["body_length"], sorted(k.lower() for k in d["headers"] if k.lower() in ("authorization", "content-type", "content-length"))]')" \
	'["GET", 0, []]' "the GET after a POST: no body, no Content-Type, no Authorization"
is "$(json_get "$(fk_last_request $VERIFY)" '[d["method"], d["headers"]["Authorization"][:7], d["json"] is not None]')" \
	'["POST", "Bearer ", true]' "the POST itself had its bearer token and body"

# --oneshot, each request on its own connection (what every request did
# before sessions): the counter tells the difference.
fk_reset_counts
hseq --oneshot "$FK_CA" GET "$FK_ISSUER$DISC" GET "$FK_ISSUER$JWKS"
is "$SEQ_RC/$SEQ_OUT/$(conns)" "0/200 0 1,200 0 1,/2/2" "--oneshot: two requests, two connections"

# A request that timed out: its connection is not used again.
fk_fault "{\"path\":\"$JWKS\",\"kind\":\"hang\",\"count\":1}"
fk_reset_counts
hseq "$FK_CA" GET "$FK_ISSUER$DISC" GET "$FK_ISSUER$JWKS" -t 1500 GET "$FK_ISSUER$JWKS"
like "$SEQ_OUT" '^200 0 1,0 4 0,200 0 1,$' "a timed-out request (HTTP_E_TIMEOUT): the next one opens a new connection"
is "$(conns)" 2/3 "timed out: the server saw two connections"
fk_clear_faults

# A connection reset mid-way: likewise.
fk_fault "{\"path\":\"$JWKS\",\"kind\":\"reset\",\"count\":1}"
fk_reset_counts
hseq "$FK_CA" GET "$FK_ISSUER$JWKS" GET "$FK_ISSUER$JWKS"
like "$SEQ_OUT" '^0 7 [01],200 0 1,$' "a reset connection (HTTP_E_RESET): the next request opens a new one"
is "$(conns)" 2/2 "reset: the server saw two connections"

# Many requests, one connection; the server closing it halfway (no word
# said) costs one more, and the rest reuse that.
fk_fault "{\"path\":\"$DISC\",\"kind\":\"close-silent\",\"count\":1}"
fk_reset_counts
hseq "$FK_CA" GET "$FK_ISSUER$JWKS" GET "$FK_ISSUER$JWKS" GET "$FK_ISSUER$DISC" \
	GET "$FK_ISSUER$JWKS" GET "$FK_ISSUER$JWKS"
is "$SEQ_RC/$(cut -d' ' -f1,2 "$T/seq.out" | sort -u | tr '\n' ,)" "0/200 0," "five requests, the server closing after the third: all answered"
is "$(conns)" 2/5 "five requests, closed after the third: two connections"

# Another origin (a second server, another port) never gets the session's
# connection, nor anything of its requests; coming back opens a new one.
fk_start_extra B || { echo "Bail out! second server did not start"; exit 99; }
B_ISSUER=https://127.0.0.1:$B_PORT
b_counts() { curl -sS --max-time 20 --cacert "$FK_CA" "$B_ISSUER/__fake__/counts"; }
curl -sS --max-time 20 --cacert "$FK_CA" -X POST "$B_ISSUER/__fake__/counts/reset" -o /dev/null
fk_reset_counts
hseq "$FK_CA" POST "$FK_ISSUER$VERIFY" -b "$M2M" -d "{\"api_key\":\"$KEY\"}" \
	GET "$B_ISSUER$JWKS" GET "$FK_ISSUER$JWKS"
is "$SEQ_RC/$SEQ_OUT" "0/200 0 1,200 0 1,200 0 1," "A, then B, then A: each switch opens a new connection"
is "$(json_get "$(b_counts)" '[d["connections"], d["jwks_with_authorization"], d.get("/api/v1/api_keys/verify", 0)]')" \
	"[1, 0, 0]" "the other origin: its own connection, no bearer token, no verification"
is "$(conns)" 2/2 "the first origin: a new connection after the switch"
fk_stop_extra "$B_PID"

# ================================================== pam_kinde.so (plugin) ==
# The module loads kinde-net.so (net_module) and keeps one session per
# pam_authenticate: a cold login is one connection there too.

MODULE=$top_builddir/pam/.libs/pam_kinde.so
NET=$top_builddir/.libs/kinde-net.so
NSSW=$(find_system_lib libnss_wrapper.so)
if [ -n "$NSSW" ] && [ -e "$MODULE" ] && [ -e "$NET" ]; then
	mkdir -p "$T/pam.d" "$T/home"
	printf 'kp_conn:x:%s:%s::%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$T/home" >"$T/passwd"
	printf 'kp_conn:x:%s:\n' "$(id -g)" >"$T/group"
	: "${ASAN_PRELOAD:=}"
	# pam_login NAME SECRET: a cold login (fresh cache) through a PAM
	# stack of pam_kinde.so; PT_RC, and the server's counters reset.
	pam_login() {
		fk_conf "$T/p.conf" "require_scopes = ssh:login" "net_module = $NET"
		printf 'auth required %s config=%s\naccount required %s config=%s\n' \
			"$MODULE" "$T/p.conf" "$MODULE" "$T/p.conf" >"$T/pam.d/$1"
		fk_reset_counts
		env LD_PRELOAD="${ASAN_PRELOAD:+$ASAN_PRELOAD:}$NSSW" NSS_WRAPPER_PASSWD="$T/passwd" \
			NSS_WRAPPER_GROUP="$T/group" timeout 60 "$KINDE_AUTH" pam-test --confdir "$T/pam.d" \
			"$1" kp_conn <<<"$2" >"$T/pt.out" 2>"$T/pt.err"
		PT_RC=$?
	}
	pam_login conn-token "$TOK"
	if grep -q 'needs Linux-PAM >= 1.4' "$T/pt.err"; then
		skip "pam_kinde: cold logins on one connection" "kinde-auth was built without pam_start_confdir"
	else
		is "$PT_RC" 0 "pam_kinde, cold token login: accepted"
		is "$(conns)" 1/2 "pam_kinde (plugin), cold token login: one connection"
		pam_login conn-apikey "$KEY"
		is "$PT_RC" 0 "pam_kinde, cold API-key login: accepted"
		is "$(conns)" 1/4 "pam_kinde (plugin), cold API-key login: one connection"
		is "$(fk_count jwks_with_authorization)" 0 "pam_kinde: no key set request carried Authorization"
	fi
else
	skip "pam_kinde: cold logins on one connection" "libnss_wrapper.so or the module is missing"
fi

tap_done
