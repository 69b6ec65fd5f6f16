#!/bin/bash
# test_pam_test.sh - `kinde-auth pam-test SERVICE USER`: runs a PAM service
# (read from a private --confdir, not /etc/pam.d) for a local user made
# with nss_wrapper, against the fake Kinde issuer.  It must answer the
# prompt from stdin, print each stage's PAM result by name, the PAM
# environment the module set (KINDE_*), and the module's log lines of this
# transaction (syslog interposed); exit 0 accepted, 1 refused, 2 usage or
# PAM_SERVICE_ERR, 3 PAM_AUTHINFO_UNAVAIL; --json; --no-account; never
# print the secret.
#
#   top_srcdir=... top_builddir=... PYTHON3=/usr/bin/python3 \
#       bash tests/tools/test_pam_test.sh

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

KA_REAL=$KINDE_AUTH
MODULE=$top_builddir/pam/.libs/pam_kinde.so
NET=$top_builddir/.libs/kinde-net.so
for f in "$MODULE" "$NET"; do
	[ -e "$f" ] || { echo "Bail out! $f is not built"; exit 99; }
done

NSSW=$(find_system_lib libnss_wrapper.so) ||
	{ echo "1..0 # SKIP libnss_wrapper.so is not installed (Debian: libnss-wrapper)"; exit 0; }

# In a sanitizer build kinde-auth is ASan-built: the ASan runtime must come
# first in the library list, before nss_wrapper.
: "${ASAN_PRELOAD:=}"
if [ -z "$ASAN_PRELOAD" ] && LC_ALL=C readelf -d "$KA_REAL" 2>/dev/null | grep -q 'NEEDED.*libasan'; then
	ASAN_PRELOAD=$(readlink -f "$(gcc -print-file-name=libasan.so 2>/dev/null)")
fi
# pam-test passes the modules' lines on to the system log: the shim takes
# them instead (the test suite leaves the host's log alone).
SHIM=$top_builddir/tests/lib/.libs/syslog_shim.so
[ -e "$SHIM" ] || { echo "Bail out! $SHIM is not built (make check builds it)"; exit 99; }
PRELOAD=${ASAN_PRELOAD:+$ASAN_PRELOAD:}$SHIM:$NSSW

T0=$(now_s)
fk_start || { echo "Bail out! the fake Kinde server did not start"; exit 99; }

# The local users (nss_wrapper: /etc/passwd is not touched).
mkdir -p "$T/home"
printf 'demo:x:%s:%s:Demo User:%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$T/home" >"$T/passwd"
printf 'demo:x:%s:\n' "$(id -g)" >"$T/group"

# kinde-auth with nss_wrapper (through a wrapper, so that the helpers of
# fake_kinde.sh - kinde_auth with its timeout - run it).
cat >"$T/ka-pam" <<EOF
#!/bin/sh
exec env LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" "$KA_REAL" "\$@"
EOF
chmod 755 "$T/ka-pam"
KINDE_AUTH=$T/ka-pam

CONF=$T/kinde.conf
fk_conf "$CONF" "net_module = $NET" "require_scopes = ssh:login"
PAMD=$T/pam.d
SVC=kinde-pt
mkdir -p "$PAMD"
service() {	# service NAME MODULE-ARGS...: auth + account pam_kinde.so
	local name=$1
	shift
	{
		echo "auth     required  $MODULE $*"
		echo "account  required  $MODULE $*"
	} >"$PAMD/$name"
}
service "$SVC" "config=$CONF"
service kinde-badarg "config=$CONF" leeway=abc
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$PAMD/other"

# Every output, for the secret check at the end.
: >"$T/all_outputs"
PT() {	# PT ANSWER ARGS...: pam-test answering ANSWER on stdin
	local answer=$1
	shift
	kinde_auth pam-test --confdir "$PAMD" "$@" <<<"$answer"
	printf '%s\n%s\n' "$KA_OUT" "$KA_ERR" >>"$T/all_outputs"
}

mint() { fk_mint --sub demo "$@"; }
GOOD=$(mint --scp openid --scp ssh:login --org org_demo)
NOSCOPE=$(mint --scp openid --scp profile)
KEY=k_live_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
fk_ctl POST apikeys "{\"api_key\":\"$KEY\",\"scopes\":[\"ssh:login\"],\"user_id\":\"demo\"}" >/dev/null
SECRETS=("$GOOD" "${GOOD##*.}" "$NOSCOPE" "${NOSCOPE##*.}" "$KEY" "${KEY:7:${#KEY}-11}" "$FK_CLIENT_SECRET")

# pam_start_confdir() is needed for --confdir (Linux-PAM >= 1.4).
PT "$GOOD" "$SVC" demo
if [[ $KA_ERR == *"needs Linux-PAM >= 1.4"* ]]; then
	echo "1..0 # SKIP kinde-auth was built without pam_start_confdir"
	exit 0
fi

# ------------------------------------------------------------ accepted --

PT "$GOOD" --rhost 192.0.2.7 "$SVC" demo
is "$KA_RC" 0 "accepted token: exit 0"
like "$KA_OUT" "^service $SVC, user demo, configuration $PAMD" "accepted: names the service, the user and the PAM dir"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_SUCCESS' "accepted: authenticate stage PAM_SUCCESS, by name"
like "$KA_OUT" 'account +\(pam_acct_mgmt\): +PAM_SUCCESS' "accepted: account stage PAM_SUCCESS, by name"
like "$KA_OUT" 'environment +KINDE_SUB=demo' "accepted: the KINDE_SUB environment is shown"
like "$KA_OUT" 'environment +KINDE_AUTH_METHOD=token' "accepted: KINDE_AUTH_METHOD=token is shown"
like "$KA_OUT" 'environment +KINDE_SCOPES=openid ssh:login' "accepted: KINDE_SCOPES is shown"
like "$KA_OUT" "log lines of this transaction:"$'\n'"  pam_kinde\\($SVC:auth\\): " \
	"accepted: the module's log lines are shown (captured syslog)"
like "$KA_OUT" "pam_kinde\\($SVC:auth\\): stage=auth service=$SVC user=demo rhost=192\\.0\\.2\\.7 result=success pam=PAM_SUCCESS" \
	"accepted: the decision log line (result=success, --rhost passed as PAM_RHOST)"
like "$KA_ERR" 'Kinde access token or API key:' "accepted: the module's prompt was shown (on stderr) and answered from stdin"
unlike "$KA_OUT$KA_ERR" "${GOOD##*.}" "accepted: the token is not printed"

PT "$KEY" "$SVC" demo
is "$KA_RC" 0 "accepted API key: exit 0"
like "$KA_OUT" 'environment +KINDE_AUTH_METHOD=apikey' "accepted API key: KINDE_AUTH_METHOD=apikey"
like "$KA_OUT" 'result=success.*method=apikey' "accepted API key: the decision log line says method=apikey"
unlike "$KA_OUT$KA_ERR" "${KEY:7:${#KEY}-11}" "accepted API key: the key is not printed (at most its ends)"

# ------------------------------------------------------------- refused --

PT "$NOSCOPE" "$SVC" demo
is "$KA_RC" 1 "refused token (missing scope): exit 1"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_AUTH_ERR' "refused: authenticate stage PAM_AUTH_ERR"
like "$KA_OUT" 'account +\(pam_acct_mgmt\): +not run \(authentication failed\)' "refused: the account stage is not run"
unlike "$KA_OUT" 'environment +KINDE_' "refused: no KINDE_* environment"
like "$KA_OUT" "pam_kinde\\($SVC:auth\\): .*result=failure pam=PAM_AUTH_ERR reason=scope .*detail=\"missing scope ssh:login" \
	"refused: the log line gives the reason (scope) and the detail"

PT "$GOOD" "$SVC" nosuchuser
is "$KA_RC" 1 "unknown local user: exit 1"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_(USER_UNKNOWN|AUTH_ERR)' "unknown local user: refused by name"

# -------------------------------------------------------------- --json --

PT "$GOOD" --json "$SVC" demo
is "$KA_RC" 0 "--json accepted: exit 0"
is "$(json_get "$KA_OUT" '[d["service"], d["user"], d["authenticate"], d["account"]]')" \
	"[\"$SVC\", \"demo\", \"PAM_SUCCESS\", \"PAM_SUCCESS\"]" "--json: service, user, authenticate and account results"
is "$(json_get "$KA_OUT" 'd["environment"]["KINDE_SUB"]')" demo "--json: the environment has KINDE_SUB"
is "$(json_get "$KA_OUT" 'any("result=success" in l and "pam_kinde(" in l for l in d["log"])')" true \
	"--json: the log list has the decision line"

PT "$NOSCOPE" --json "$SVC" demo
is "$KA_RC" 1 "--json refused: exit 1"
is "$(json_get "$KA_OUT" '[d["authenticate"], d["account"]]')" '["PAM_AUTH_ERR", null]' \
	"--json refused: authenticate PAM_AUTH_ERR, account null (not run)"
is "$(json_get "$KA_OUT" 'any("reason=scope" in l for l in d["log"])')" true "--json refused: the log line with the reason"

# --------------------------------------------------------- --no-account --

PT "$GOOD" --no-account "$SVC" demo
is "$KA_RC" 0 "--no-account: exit 0"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_SUCCESS' "--no-account: authenticate runs"
like "$KA_OUT" 'account +\(pam_acct_mgmt\): +not run'$'\n' "--no-account: account is not run (and no failure is implied)"
unlike "$KA_OUT" "pam_kinde\\($SVC:account\\)" "--no-account: no log line of the account stage"
PT "$GOOD" --no-account --json "$SVC" demo
is "$(json_get "$KA_OUT" '[d["authenticate"], d["account"]]')" '["PAM_SUCCESS", null]' "--no-account --json: account null"

# ---------------------------------------------- bad module argument --

PT "$GOOD" kinde-badarg demo
is "$KA_RC" 2 "bad module argument (leeway=abc): exit 2"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_SERVICE_ERR' "bad module argument: PAM_SERVICE_ERR by name"
like "$KA_OUT" 'pam_kinde\(kinde-badarg:auth\): .*leeway.*abc' "bad module argument: the log line names the key and the value"

# ----------------------------------------------------------- usage --

kinde_auth pam-test --confdir "$PAMD" "$SVC" </dev/null
is "$KA_RC" 2 "usage: missing USER: exit 2"
like "$KA_ERR" 'usage: kinde-auth pam-test' "usage: missing USER: the usage is shown"
kinde_auth pam-test --confdir "$PAMD" "$PAMD/$SVC" demo </dev/null
is "$KA_RC" 2 "usage: SERVICE with a '/': exit 2"
like "$KA_ERR" 'SERVICE is a name' "usage: SERVICE with a '/': says it wants a name"
kinde_auth pam-test </dev/null
is "$KA_RC" 2 "usage: no arguments: exit 2"
kinde_auth pam-test --bogus "$SVC" demo </dev/null
is "$KA_RC" 2 "usage: unknown option: exit 2"
kinde_auth pam-test --confdir "$PAMD" "$SVC" demo extra </dev/null
is "$KA_RC" 2 "usage: an extra argument: exit 2"

# -------------------------------------- issuer down, cold cache: 3 --

COLD=$T/cold.conf
fk_conf "$COLD" "net_module = $NET" "require_scopes = ssh:login"
service kinde-cold "config=$COLD"
fk_stop
PT "$GOOD" kinde-cold demo
is "$KA_RC" 3 "issuer down, cold cache: exit 3"
like "$KA_OUT" 'authenticate \(pam_authenticate\): PAM_AUTHINFO_UNAVAIL' "issuer down: PAM_AUTHINFO_UNAVAIL by name"
like "$KA_OUT" 'pam_kinde\(kinde-cold:auth\): .*result=error pam=PAM_AUTHINFO_UNAVAIL reason=unavailable' \
	"issuer down: the log line says unavailable"
PT "$GOOD" --json kinde-cold demo
is "$KA_RC/$(json_get "$KA_OUT" 'd["authenticate"]')" 3/PAM_AUTHINFO_UNAVAIL "issuer down --json: exit 3, PAM_AUTHINFO_UNAVAIL"

# --------------------------------------------------------- secrets --

printf '%s\n' "${SECRETS[@]}" | grep -E '.{8}' >"$T/secrets"
leaks=$(grep -oF -f "$T/secrets" "$T/all_outputs" | cut -c1-7 | sort -u | tr '\n' ' ')
is "$leaks" "" "no token, API key or client secret in any output"

diag "runtime: $(elapsed "$T0")s"
tap_done
exit $?
