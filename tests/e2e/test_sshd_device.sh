#!/bin/bash
# test_sshd_device.sh - the device login behind the real OpenSSH sshd,
# driven by the real ssh client on a pseudo-terminal (pty_drive.py), as a
# person at a terminal: the client shows the link, the code and the QR
# code with the "Press Enter" prompt; the test reads them off the screen,
# checks the shell has not run, approves (or denies) through the fake
# Kinde server, waits for the module to fetch the token while the prompt
# is still open, presses Enter; the shell runs only then.  The screens
# are printed as TAP comments: they are what pam_kinde(8) describes.
#
# Environment as `make check` sets it (see test_sshd.sh).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

if [ ! -x "${SSHD:-/usr/sbin/sshd}" ] || [ ! -x /usr/sbin/sshd ]; then
	echo "1..0 # SKIP sshd is not installed (openssh-server)"
	exit 0
fi
if [ -n "${ASAN_PRELOAD:-}" ]; then
	# test_sshd.sh says why: with the ASan runtime in sshd, loading the
	# HTTPS plugin hangs sshd's [pam] child, and a device login cannot
	# be served from a cache.  The module's device flow runs under ASan
	# in tests/pam/test_device*.sh.
	echo "1..0 # SKIP the HTTPS plugin cannot be loaded into an ASan-preloaded sshd"
	exit 0
fi

. "${top_srcdir:?}/tests/pam/lib.sh"
. "$top_srcdir/tests/e2e/sshd_harness.sh"

sshd_test_start
# A poll a second: the test waits for the polls.
fk_ctl POST config '{"device_interval": 1}' >/dev/null

E=$SSHD_DIR/etc
cp "$FK_CA" "$E/kinde-ca.pem"
chmod 644 "$E/kinde-ca.pem"
mkdir -m 700 "$SSHD_DIR/cache" "$SSHD_DIR/state"
sshd_own "$SSHD_DIR/cache" "$SSHD_DIR/state"
cat >"$E/kinde-device.conf" <<EOF
domain = $FK_ISSUER
ca_file = $E/kinde-ca.pem
cache_dir = $SSHD_DIR/cache
state_dir = $SSHD_DIR/state
net_module = $PK_NET
require_scopes = ssh:login
mode = device
device_client_id = e2e_device_app
device_timeout = 40
EOF
chmod 644 "$E/kinde-device.conf"
sshd_write_service sshd-kinde "\
auth     required  $PK_MODULE config=$E/kinde-device.conf
account  required  $PK_MODULE config=$E/kinde-device.conf
session  required  pam_permit.so"
sshd_start sshd-kinde || { echo "Bail out! sshd did not start"; exit 99; }

PROMPT='Press Enter once you have approved the login: '
RAN=$(sshd_home alice)/.sshd_harness_ran

# ran NONCE: did the remote command of that login run?
ran() { [ -f "$RAN" ] && grep -qx "$1" "$RAN"; }

# device_ssh ACTION [LANG]: one login as alice through the device flow;
# ACTION (approve or deny) is done once the prompt is on the screen; the
# client's locale is LANG (default C.UTF-8, a person's terminal).  Sets
# SHOWN (the screen up to the prompt), SCREEN (all of it), RC, CODE,
# LINK, RAN_BEFORE (1 if the shell had run before the approval) and
# FETCHED (1 if the module had the token before Enter was pressed).
device_ssh() {
	local action=$1 lang=${2:-C.UTF-8} dir nonce pid i
	SSH_LOGIN_COUNT=$((SSH_LOGIN_COUNT + 1))
	dir=$SSHD_DIR/run/device.$SSH_LOGIN_COUNT
	mkdir -m 700 "$dir"
	nonce="device-$SSH_LOGIN_COUNT-$$-$RANDOM"
	ssh_client_argv alice
	SSH_CLIENT_ARGV=("${SSH_CLIENT_ARGV[@]/#LANG=C/LANG=$lang}")
	# shellcheck disable=SC2016  # expanded by the remote shell
	"$PYTHON3" "$top_srcdir/tests/e2e/pty_drive.py" --screen "$dir/screen" \
		--wait-for "$PROMPT" --shown "$dir/shown" --go "$dir/go" \
		--timeout 60 -- "${SSH_CLIENT_ARGV[@]}" 127.0.0.1 \
		"printf '%s\\n' '$nonce' >>\"\$HOME/.sshd_harness_ran\"; echo \"LOGIN-OK \$USER \$KINDE_AUTH_METHOD\"" &
	pid=$!
	for i in $(seq 1 300); do
		[ -f "$dir/shown" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	SHOWN=$(tr -d '\r' <"$dir/shown" 2>/dev/null)
	CODE=$(printf '%s\n' "$SHOWN" | grep -o 'enter the code [A-Z0-9-]*' | head -n 1 | awk '{print $4}')
	LINK=$(printf '%s\n' "$SHOWN" | grep -o 'open https://[^ ]*' | head -n 1 | cut -c6-)
	RAN_BEFORE=0
	ran "$nonce" && RAN_BEFORE=1
	FETCHED=0
	case $action in
	approve)
		fk_ctl POST device/approve "{\"user_code\":\"$CODE\",\"claims\":{\"sub\":\"alice\"}}" >/dev/null
		# The module polls while the prompt waits: the token leaves
		# the server before anyone presses Enter.
		for i in $(seq 1 200); do
			fk_ctl GET "device/polls?user_code=$CODE" | grep -q '"answer":"token"' &&
				{ FETCHED=1; break; }
			sleep 0.1
		done ;;
	deny)
		fk_ctl POST device/deny "{\"user_code\":\"$CODE\"}" >/dev/null ;;
	esac
	: >"$dir/go"
	wait $pid
	RC=$?
	SCREEN=$(tr -d '\r' <"$dir/screen")
	RAN_AFTER=0
	ran "$nonce" && RAN_AFTER=1
	DIR=$dir
}

# show TEXT: TAP comments, escape sequences made visible.
show() { printf '%s\n' "$1" | sed -e 's/\x1b/\\e/g' -e 's/^/#   /'; }

# ------------------------------------------------------------ approve --
device_ssh approve
ok '[ -n "$CODE" ]' "the ssh client shows the user code" || show "$SHOWN"
like "$LINK" "^$FK_ISSUER/device\\?user_code=$CODE\$" "the ssh client shows the link with the code"
like "$SHOWN" "\\(alice@127\\.0\\.0\\.1\\) To log in, open " "OpenSSH puts (user@host) before the first line of the prompt"
TERMS="dark light"
grep -q '^#define HAVE_QRENCODE 1' "$top_builddir/kinde-build.h" ||
	{ TERMS=; skip "QR code on the ssh client's screen" "built without libqrencode"; }
for term in $TERMS; do
	qr=$("$PYTHON3" "$top_srcdir/tests/lib/qr_decode.py" --terminal $term "$DIR/shown")
	if [ $? = 77 ]; then
		skip "QR code on a $term terminal" "zbarimg is not installed (zbar-tools)"
		continue
	fi
	is "$(printf '%s\n' "$qr" | sed -n 's/^decoded //p')" "$LINK" "the QR code on the ssh client's screen, $term background: decodes to the link" || diag "$qr"
	cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^width //p')" -le 80 "$term background: the QR code fits 80 columns"
	cmp_num "$(printf '%s\n' "$qr" | sed -n 's/^quiet //p')" -ge 4 "$term background: a quiet zone of 4 modules"
done
unlike "$SHOWN" $'\e' "no escape sequence reaches the ssh client's screen"
is "$RAN_BEFORE" 0 "the shell has not run while the prompt waits"
is "$FETCHED" 1 "the module fetched the token while the prompt was still open"
is "$RC" 0 "approved, Enter pressed: ssh exits 0" || show "$SCREEN"
is "$RAN_AFTER" 1 "approved: the shell ran (only then)"
like "$SCREEN" 'LOGIN-OK alice device' "approved: the command ran as alice, KINDE_AUTH_METHOD=device"
like "$(ssh_login_log)" 'Accepted keyboard-interactive/pam for alice' "approved: sshd logged the acceptance"
diag "What the OpenSSH client showed up to the prompt (\\e = ESC):"
show "$SHOWN"

# --------------------------------------------------------------- deny --
device_ssh deny
is "$RC" 255 "denied in the browser: ssh exits 255" || show "$SCREEN"
is "$RAN_AFTER" 0 "denied: the shell did not run"
like "$SCREEN" 'Login refused: the login was denied in the browser\.' "denied: the ssh client shows why"
like "$SCREEN" 'Permission denied' "denied: then ssh's own refusal"
diag "What the OpenSSH client showed after Enter on a denied login:"
show "${SCREEN#"$SHOWN"}"

# ----------------------------------------- a client in the C locale --
# OpenSSH escapes what its locale cannot show: the half blocks become
# octal text, the link and the code stay readable.
device_ssh approve C
like "$SHOWN" 'enter the code [A-Z]{4}-[A-Z]{4}' "C locale: the link and the code are shown"
[ -z "$TERMS" ] || like "$SHOWN" '\\342\\226\\210' "C locale: OpenSSH shows the QR code's bytes as octal escapes (needs a UTF-8 locale)"
is "$RC" 0 "C locale: the login still works" || show "$SCREEN"
diag "The first lines of the QR code in the C locale:"
show "$(printf '%s\n' "$SHOWN" | sed -n 4,5p | cut -c1-76)"

tap_done
