#!/bin/bash
# test_device_qr.sh - what the device login shows through a real PAM
# conversation and when it polls: the QR code (decoded back to the link
# with zbarimg, as a dark and a light terminal show it), device_qr = no,
# the echo-on "Press Enter" prompt; polls while the prompt waits (the
# token is fetched before the answer), none after a failed conversation;
# slow_down honoured for the rest of the flow (the fake server's record
# of the polls).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
fk_ctl POST config '{"device_interval": 1}' >/dev/null

DEV=$T/device.conf
pk_conf "$DEV" "device_client_id = kinde_device_app" "require_scopes = ssh:login" \
	"device_timeout = 30"
pk_kinde_service dev "$DEV" mode=device
pk_kinde_service devnoqr "$DEV" mode=device device_qr=no
QR=$top_srcdir/tests/lib/qr_decode.py
CLAIMS='{"sub":"alice"}'

# start SERVICE [HARNESS ARGS...]: a login as alice in the background,
# its answers held until $DIR/go exists; waits until the prompt is shown.
# Sets DIR, PID, CODE, LINK.
start() {
	local svc=$1 i
	shift
	DIR=$T/dev.$RANDOM$RANDOM
	mkdir -m 700 "$DIR"
	: >"$DIR/secret"
	[ ${#PK_HENV[@]} -gt 0 ] || mapfile -t PK_HENV < <(pk_harness_env)
	timeout -k 5 60 env "${PK_HENV[@]}" "$PK_HARNESS" --confdir "$PK_PAMD" \
		--log "$DIR/log" --secret-file "$DIR/secret" --wait-file "$DIR/go" \
		"$@" "$svc" alice >"$DIR/out" 2>"$DIR/err" &
	PID=$!
	for i in $(seq 1 200); do
		grep -q '^prompt\[' "$DIR/err" 2>/dev/null && break
		kill -0 $PID 2>/dev/null || break
		sleep 0.1
	done
	CODE=$(grep -o 'enter the code [A-Z0-9-]*' "$DIR/err" | head -n 1 | awk '{print $4}')
	LINK=$(grep -o 'open https://[^ ]*' "$DIR/err" | head -n 1 | cut -c6-)
}

# finish: presses Enter, waits for the login; sets PK_AUTH, PK_LOG.
finish() {
	: >"$DIR/go"
	wait $PID
	PK_RC=$?
	PK_AUTH=$(sed -n 's/^auth //p' "$DIR/out")
	PK_LOG=$(cat "$DIR/log" 2>/dev/null)
	PK_OUT=$(cat "$DIR/out")
}

# fetched: waits (bounded) until the server has handed out the token.
fetched() {
	local i
	for i in $(seq 1 150); do
		fk_ctl GET "device/polls?user_code=$CODE" | grep -q '"answer":"token"' && return 0
		sleep 0.1
	done
	return 1
}

# ----------------------------------------------------------- QR code --
start dev
ok '[ -n "$CODE" ]' "a user code is shown"
is "$(grep -c '^prompt\[echo-on\]: Press Enter once you have approved the login: $' "$DIR/err")" 1 \
	"the instructions end with an echo-on 'Press Enter' prompt"
if ! grep -q '^#define HAVE_QRENCODE 1' "$top_builddir/kinde-build.h"; then
	# configure found no libqrencode: the QR code is off.
	"$PYTHON3" "$QR" "$DIR/err" >/dev/null
	is "$?" 1 "built without libqrencode: no QR code, the link and the code only"
	unlike "$(cat "$DIR/err")" 'scan this code' "built without libqrencode: no QR code announced"
else
like "$(cat "$DIR/err")" 'conv: Or scan this code with a phone:' "the QR code is introduced"
for term in dark light; do
	qr=$("$PYTHON3" "$QR" --terminal $term "$DIR/err")
	if [ $? = 77 ]; then
		skip "QR code, $term terminal" "zbarimg is not installed (zbar-tools)"
		continue
	fi
	is "$(printf '%s\n' "$qr" | sed -n 's/^decoded //p')" "$LINK" "QR code through the conversation, $term terminal: decodes to the link with the code" || diag "$qr"
	cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^quiet //p')" -ge 4 "QR code, $term terminal: quiet zone of 4 modules"
	cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^width //p')" -le 80 "QR code, $term terminal: 80 columns at most"
done
is "$(printf '%s\n' "$qr" | sed -n 's/^inverted //p')" 1 "on a light terminal the plain code shows inverted (what zbar's test-inverted and phones read)"
unlike "$(cat "$DIR/err")" $'\e' "no escape sequence in the conversation (OpenSSH would show it as text)"
fi

# ------------------------------------- polls while the prompt waits --
fk_ctl POST device/approve "{\"user_code\":\"$CODE\",\"claims\":$CLAIMS}" >/dev/null
fetched
ok $? "approved while the prompt waits: the module fetches the token before the Enter"
finish
auth_is PAM_SUCCESS "approved, then Enter: PAM_SUCCESS"
like "$(pk_env KINDE_SUB)" '^alice$' "approved: KINDE_SUB alice"

# --------------------------------------------------- device_qr = no --
start devnoqr
"$PYTHON3" "$QR" "$DIR/err" >/dev/null
is "$?" 1 "device_qr = no: no QR code"
unlike "$(cat "$DIR/err")" 'scan this code' "device_qr = no: not announced either"
like "$(cat "$DIR/err")" 'enter the code [A-Z]{4}-[A-Z]{4}' "device_qr = no: the link and the code still"
fk_ctl POST device/approve "{\"user_code\":\"$CODE\",\"claims\":$CLAIMS}" >/dev/null
finish
auth_is PAM_SUCCESS "device_qr = no: the login works"

# --------------------------- Enter first: the polls go on after it --
plan_next() { fk_ctl POST device/script "$1" >/dev/null; }
plan_next "{\"approve_after\": 3, \"claims\": $CLAIMS}"
start dev
finish
auth_is PAM_SUCCESS "Enter before the approval: polled on to the approval"
is "$(json_get "$(fk_ctl GET "device/polls?user_code=$CODE")" '" ".join(p["answer"] for p in d["polls"])')" \
	"authorization_pending authorization_pending token" "Enter first: pending, pending, token"

# ----------------------------------------------------------- slow_down --
plan_next "{\"slow_down_at\": [1], \"approve_after\": 3, \"claims\": $CLAIMS}"
start dev
finish
auth_is PAM_SUCCESS "slow_down, then approved: PAM_SUCCESS"
P=$(fk_ctl GET "device/polls?user_code=$CODE")
is "$(json_get "$P" '" ".join(p["answer"] for p in d["polls"])')" "slow_down authorization_pending token" \
	"slow_down: no poll too early after it"
is "$(json_get "$P" '" ".join(str(p["interval"]) for p in d["polls"])')" "1 6 6" "slow_down: +5 s for the rest of the flow"
is "$(json_get "$P" 'all(b["t"] - a["t"] >= b["interval"] for a, b in zip(d["polls"], d["polls"][1:])) and d["polls"][0]["t"] - d["created"] >= 1')" true \
	"slow_down: polls never closer than the interval in force (server's clock)"

# ------------------------------ the conversation fails at the prompt --
plan_next "{\"approve_after\": 50}"
start dev --conv-limit 0
finish
auth_is PAM_AUTH_ERR "the application cannot answer the prompt: PAM_AUTH_ERR"
# Not stopped, the poller would be joined only at device_timeout (30
# polls); stopped, it had time for one or two.
cmp_num "$(json_get "$(fk_ctl GET "device/polls?user_code=$CODE")" 'len(d["polls"])')" -le 3 \
	"failed conversation: the polls stop with it (not on to device_timeout)"

# ------------------------------------------------------ denied at once --
plan_next '{"deny_after": 1}'
start dev
finish
auth_is PAM_AUTH_ERR "denied: PAM_AUTH_ERR"
like "$(cat "$DIR/err")" 'Login refused: the login was denied in the browser\.' "denied: the user is told why"
reason_is denied "denied: reason=denied"

if pk_asan; then
	errs=$(pk_san_errors "$T"/dev.*/err)
	is "$errs" "" "no ASan/UBSan error in any login (the poller thread included)"
fi

tap_done
