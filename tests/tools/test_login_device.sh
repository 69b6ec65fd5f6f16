#!/bin/bash
# test_login_device.sh - `kinde-auth login --device` against the fake
# Kinde server, which answers each poll as the test scripted it
# (POST /__fake__/device/script): approved after N polls, slow_down,
# denied, expired; its record of the polls (GET /__fake__/device/polls,
# the server's monotonic clock) shows the spacing: never closer than the
# interval in force, +5 s for the rest of the flow after slow_down.  Also
# the exit codes (1 denied / expired / refused by the policy, 2 usage or
# configuration, 3 issuer unreachable), --json, and the QR code that a
# terminal gets, decoded back to the link.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

NET=$top_builddir/.libs/kinde-net.so
fk_start || { echo "Bail out! the fake Kinde server did not start"; exit 99; }
fk_ctl POST config '{"device_interval": 1}' >/dev/null
CONF=$T/kinde.conf
fk_conf "$CONF" "net_module = $NET" "require_scopes = ssh:login" \
	"device_client_id = cli_device_app" "device_timeout = 60"
QR=$top_srcdir/tests/lib/qr_decode.py

# plan JSON: how the server answers the polls of the next login.
plan() { fk_ctl POST device/script "$1" >/dev/null || echo "# plan failed" >&2; }

# polls: the server's record of the last device login's polls.
polls() { fk_ctl GET device/polls; }

# spacing_ok JSON: every poll at least the interval in force after the
# one before it (the first after the authorization); prints the gaps.
spacing_ok() {
	"$PYTHON3" - "$1" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
prev, bad = d["created"], []
for i, p in enumerate(d["polls"]):
    gap = p["t"] - prev
    print("poll %d: %.3fs after the %s, interval %d, %s" % (
        i + 1, gap, "authorization" if i == 0 else "previous poll",
        p["interval"], p["answer"]))
    if gap < p["interval"]:
        bad.append(i + 1)
    prev = p["t"]
sys.exit(1 if bad else 0)
EOF
}

answers() { json_get "$1" '" ".join(p["answer"] for p in d["polls"])'; }
intervals() { json_get "$1" '" ".join(str(p["interval"]) for p in d["polls"])'; }

# ---------------------------------------------- approved after 3 polls --
plan '{"approve_after": 3, "claims": {"sub": "alice", "org_code": "org_cli"}}'
kinde_auth login --device --config "$CONF" --json
is "$KA_RC" 0 "approved after 3 polls: exit 0" || _ka_context
is "$(json_get "$KA_OUT" 'd["valid"]')" true "approved: --json says valid"
is "$(json_get "$KA_OUT" 'd["claims"]["sub"]')" alice "approved: the claims of the token"
is "$(json_get "$KA_OUT" 'd["access_token"].count(".")')" 2 "approved: --json holds the access token"
like "$KA_ERR" "To log in, open $FK_ISSUER/device\\?user_code=[A-Z]{4}-[A-Z]{4}" "the link goes to stderr"
like "$KA_ERR" 'enter the code [A-Z]{4}-[A-Z]{4}' "the code goes to stderr"
unlike "$KA_ERR" $'\e' "stderr is not a terminal: no QR code, no escape sequence"
P=$(polls)
is "$(answers "$P")" "authorization_pending authorization_pending token" "approved: pending, pending, then the token"
gaps=$(spacing_ok "$P")
ok $? "approved: polls never closer than the interval (server's clock)" || diag "$gaps"
diag "$gaps"

plan '{"approve_after": 1, "claims": {"sub": "alice"}}'
kinde_auth login --device --config "$CONF"
is "$KA_RC" 0 "plain output: exit 0" || _ka_context
is "$(json_get "{\"t\":\"$KA_OUT\"}" 'd["t"].count(".")')" 2 "plain output: stdout is the access token alone"
like "$KA_ERR" 'accepted: sub alice' "plain output: stderr says whose"

# ---------------------------------------------------------- slow_down --
# The first poll is told to slow down: the interval is 6 s from then on.
plan '{"slow_down_at": [1], "approve_after": 3, "claims": {"sub": "alice"}}'
kinde_auth login --device --config "$CONF" --json
is "$KA_RC" 0 "slow_down, then approved: exit 0" || _ka_context
P=$(polls)
is "$(answers "$P")" "slow_down authorization_pending token" "slow_down: the server saw no other slow_down (never too fast)"
is "$(intervals "$P")" "1 6 6" "slow_down: +5 s, for the rest of the flow"
gaps=$(spacing_ok "$P")
ok $? "slow_down: polls 6 s apart or more after it (server's clock)" || diag "$gaps"
diag "$gaps"

# ---------------------------------------------------- denied, expired --
plan '{"deny_after": 2}'
kinde_auth login --device --config "$CONF"
is "$KA_RC" 1 "denied in the browser: exit 1" || _ka_context
like "$KA_OUT" 'REJECTED \(denied; .*denied in the browser' "denied: says denied"
unlike "$KA_OUT" '\.[A-Za-z0-9_-]+\.' "denied: no token printed"
is "$(answers "$(polls)")" "authorization_pending access_denied" "denied: no poll after access_denied"

plan '{"deny_after": 1}'
kinde_auth login --device --config "$CONF" --json
is "$KA_RC" 1 "denied, --json: exit 1"
is "$(json_get "$KA_OUT" 'd["reason"]')" denied "denied, --json: reason denied"
like "$(json_get "$KA_OUT" 'd["detail"]')" 'denied in the browser' "denied, --json: the detail says so"
is "$(json_get "$KA_OUT" '"access_token" in d')" false "denied, --json: no access_token"

plan '{"expire_after": 2}'
kinde_auth login --device --config "$CONF"
is "$KA_RC" 1 "code expired: exit 1" || _ka_context
like "$KA_OUT" 'REJECTED \(denied; .*expired before the login was approved' "expired: says expired"

# ------------------------------------------------- refused by the policy --
plan '{"approve_after": 1, "claims": {"sub": "alice", "scp": ["openid"]}}'
kinde_auth login --device --config "$CONF" --json
is "$KA_RC" 1 "approved without ssh:login: exit 1 (the policy of a login)" || _ka_context
is "$(json_get "$KA_OUT" 'd["reason"]')" scope "no ssh:login: reason scope"
is "$(json_get "$KA_OUT" '"access_token" in d')" false "no ssh:login: no access_token"

# -------------------------------------------------------- unavailable --
fk_fault '{"path": "/oauth2/token", "kind": "500"}' >/dev/null
plan '{"approve_after": 5}'
kinde_auth login --device --config "$CONF"
is "$KA_RC" 3 "token endpoint answers 500: exit 3" || _ka_context
like "$KA_ERR" 'HTTP 500' "500: says what the issuer answered"
fk_clear_faults >/dev/null

DEAD=$T/dead.conf
sed "s|^domain = .*|domain = https://127.0.0.1:1|" "$CONF" >"$DEAD"
chmod 600 "$DEAD"
kinde_auth login --device --config "$DEAD"
is "$KA_RC" 3 "issuer unreachable: exit 3" || _ka_context

# -------------------------------------------------------------- usage --
kinde_auth login --config "$CONF"
is "$KA_RC" 2 "login without --device: exit 2"
like "$KA_ERR" 'say --device' "login without --device: says --device"
NOCID=$T/nocid.conf
grep -v '^device_client_id' "$CONF" >"$NOCID"
chmod 600 "$NOCID"
kinde_auth login --device --config "$NOCID"
is "$KA_RC" 2 "no device_client_id: exit 2"
like "$KA_ERR" 'device_client_id' "no device_client_id: names the key"
kinde_auth login --help
is "$KA_RC" 0 "login --help: exit 0"
like "$KA_OUT" 'login --device' "login --help: the usage"

# ------------------------------------------- the QR code on a terminal --
# script(1) gives kinde-auth a terminal; the QR code then goes to stderr,
# in colours (white on black): right on light and dark terminals alike.
if ! command -v script >/dev/null; then
	skip "QR code on a terminal" "script(1) is not installed (util-linux)"
else
	plan '{"approve_after": 1, "claims": {"sub": "alice"}}'
	timeout -k 5 40 script -qec "$KINDE_AUTH login --device --config $CONF --json" \
		"$T/tty.log" </dev/null >/dev/null 2>&1
	is "$?" 0 "on a terminal: exit 0"
	link=$(tr -d '\r' <"$T/tty.log" | grep -o "open https://[^ ]*user_code=[A-Z-]*" | head -n 1 | cut -c6-)
	TERMS="dark light"
	if ! grep -q '^#define HAVE_QRENCODE 1' "$top_builddir/kinde-build.h"; then
		TERMS=
		like "$(cat "$T/tty.log")" 'no QR code: kinde-auth was built without libqrencode' \
			"built without libqrencode: the terminal is told there is no QR code"
	fi
	for term in $TERMS; do
		qr=$("$PYTHON3" "$QR" --terminal $term "$T/tty.log")
		if [ $? = 77 ]; then
			skip "QR code, $term terminal" "zbarimg is not installed (zbar-tools)"
			continue
		fi
		is "$(printf '%s\n' "$qr" | sed -n 's/^decoded //p')" "$link" "on a $term terminal: the QR code decodes to the link" || diag "$qr"
		is "$(printf '%s\n' "$qr" | sed -n 's/^inverted //p')" 0 "on a $term terminal: not inverted (explicit colours)"
		cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^quiet //p')" -ge 4 "on a $term terminal: quiet zone of 4 modules"
		cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^width //p')" -le 80 "on a $term terminal: 80 columns at most"
	done
	plan '{"approve_after": 1, "claims": {"sub": "alice"}}'
	timeout -k 5 40 script -qec "$KINDE_AUTH login --device --config $CONF -o device_qr=no" \
		"$T/tty-noqr.log" </dev/null >/dev/null 2>&1
	"$PYTHON3" "$QR" "$T/tty-noqr.log" >/dev/null
	is "$?" 1 "device_qr = no: no QR code on the terminal"
	like "$(cat "$T/tty-noqr.log")" 'enter the code' "device_qr = no: the link and the code still"
fi

tap_done
