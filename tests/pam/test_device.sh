#!/bin/bash
# test_device.sh - the device login (RFC 8628) through a real PAM stack
# against the fake Kinde server: the module shows a URL and a code, the
# test approves (or denies, or expires) the code through the server's
# control API while the module polls, then the token is validated and
# mapped like any other.
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
# Poll once a second, not every five: the test waits for each poll.
fk_ctl POST config '{"device_interval": 1}' >/dev/null

DEV=$T/device.conf
pk_conf "$DEV" "device_client_id = kinde_device_app" "require_scopes = ssh:login" \
	"device_timeout = 30"
pk_kinde_service dev "$DEV" mode=device
pk_kinde_service autodev "$DEV"
NODEV=$T/nodev.conf
pk_conf "$NODEV" "require_scopes = ssh:login"
pk_kinde_service auto "$NODEV"
pk_kinde_service devnocid "$NODEV" mode=device

# device_login SERVICE USER ACTION [JSON]: starts a login in the
# background, waits for the code the module shows, then ACTION is
# approve (with claims JSON), deny, expire or none; sets PK_* as
# pk_login does, and CODE (the user code shown), SHOWN (what was shown).
device_login() {
	local svc=$1 user=$2 action=$3 claims=${4:-}
	local dir=$T/dev.$RANDOM$RANDOM i
	mkdir -m 700 "$dir"
	: >"$dir/secret"
	[ ${#PK_HENV[@]} -gt 0 ] || mapfile -t PK_HENV < <(pk_harness_env)
	timeout -k 5 60 env "${PK_HENV[@]}" "$PK_HARNESS" --confdir "$PK_PAMD" \
		--log "$dir/log" --secret-file "$dir/secret" "$svc" "$user" \
		>"$dir/out" 2>"$dir/err" &
	local pid=$!
	CODE=
	for i in $(seq 1 100); do
		CODE=$(grep -o 'enter the code [A-Z0-9-]*' "$dir/err" 2>/dev/null |
			head -n 1 | awk '{print $4}')
		[ -n "$CODE" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	case $action in
	approve) fk_ctl POST device/approve "{\"user_code\":\"$CODE\",\"claims\":$claims}" >/dev/null ;;
	deny) fk_ctl POST device/deny "{\"user_code\":\"$CODE\"}" >/dev/null ;;
	expire) fk_ctl POST device/expire "{\"user_code\":\"$CODE\"}" >/dev/null ;;
	esac
	wait $pid
	PK_RC=$?
	PK_OUT=$(cat "$dir/out")
	PK_LOG=$(cat "$dir/log" 2>/dev/null)
	SHOWN=$(grep '^conv: ' "$dir/err")
	PK_AUTH=$(sed -n 's/^auth //p' "$dir/out")
	PK_ACCT=$(sed -n 's/^acct //p' "$dir/out")
}

# ------------------------------------------------------------ approved --

fk_reset_counts
device_login dev alice approve '{"sub":"alice","org_code":"org_dev"}'
ok '[ -n "$CODE" ]' "mode=device: a user code is shown"
like "$SHOWN" "open https://127\\.0\\.0\\.1:[0-9]+/device" "mode=device: the verification URL is shown"
auth_is PAM_SUCCESS "approved in the browser: auth"
acct_is PAM_SUCCESS "approved in the browser: account"
env_is KINDE_AUTH_METHOD device "approved: KINDE_AUTH_METHOD=device"
env_is KINDE_SUB alice "approved: KINDE_SUB from the device token"
like "$(pk_env KINDE_SCOPES)" 'ssh:login' "approved: the device login asked for require_scopes"
log_like 'result=success .*method=device' "approved: the decision line says method=device"
is "$(fk_count /oauth2/device/auth)" 1 "approved: one device authorization request"
cmp_num "$(fk_count /oauth2/token)" -ge 1 "approved: the token endpoint was polled"
form=$(fk_last_request /oauth2/device/auth)
like "$form" 'ssh:login' "the device request carries the required scope"
like "$form" 'kinde_device_app' "the device request carries device_client_id"
unlike "$PK_LOG" 'device_code' "no device code in the log"

# ------------------------------------------------------------- refused --

device_login dev alice deny
auth_is PAM_AUTH_ERR "denied in the browser: PAM_AUTH_ERR"
reason_is denied "denied in the browser: reason=denied"
log_like 'denied in the browser' "denied: the log says so"

device_login dev alice expire
auth_is PAM_AUTH_ERR "code expired: PAM_AUTH_ERR"
reason_is denied "code expired: reason=denied"
log_like 'expired before the login was approved' "code expired: the log says so"

device_login dev alice approve '{"sub":"bob"}'
auth_is PAM_AUTH_ERR "approved as bob, logging in as alice: PAM_AUTH_ERR"
reason_is user "approved as bob, logging in as alice: reason=user"
no_kinde_env "approved as bob: no KINDE_* in the environment"

device_login dev alice approve '{"sub":"alice","scp":["openid"]}'
auth_is PAM_AUTH_ERR "approved without ssh:login: PAM_AUTH_ERR"
reason_is scope "approved without ssh:login: reason=scope"

# ---------------------------------------------------- mode=auto, empty --

device_login autodev alice approve '{"sub":"alice"}'
ok '[ -n "$CODE" ]' "mode=auto + device_client_id: an empty answer starts a device login"
auth_is PAM_SUCCESS "mode=auto, empty answer, approved: PAM_SUCCESS"

fk_reset_counts
pk_login auto alice ""
auth_is PAM_AUTH_ERR "mode=auto without device_client_id: an empty answer is refused"
reason_is malformed "empty answer without device login: reason=malformed"
is "$(fk_count /oauth2/device/auth)" 0 "empty answer without device login: no device request"

pk_login devnocid alice ""
auth_is PAM_SERVICE_ERR "mode=device without device_client_id: PAM_SERVICE_ERR"
log_like 'device_client_id' "mode=device without device_client_id: the log names the key"

# -------------------------------------------- unknown user, issuer down --

fk_reset_counts
pk_login dev nosuchuser ""
auth_is PAM_USER_UNKNOWN "mode=device, unknown user: PAM_USER_UNKNOWN"
is "$(fk_total)" 0 "mode=device, unknown user: no request to the issuer"

fk_stop
pk_login dev alice ""
auth_is PAM_AUTHINFO_UNAVAIL "mode=device, issuer down: PAM_AUTHINFO_UNAVAIL"

tap_done
