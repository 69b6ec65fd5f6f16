#!/usr/bin/env bash
#
# harness_selftest.sh: TAP self-test of tests/e2e/sshd_harness.sh using
# stock PAM modules only: pam_exec, pam_succeed_if, pam_permit, pam_deny
# (libpam-modules) and pam_get_items / pam_set_items (libpam-wrapper).
#
# Main auth stack:
#   pam_exec expose_authtok record_piped.sh  prompts "Password: " (answered
#                          by ssh_login's askpass), sets PAM_AUTHTOK to the
#                          whole answer, pipes at most 511 bytes of it
#   pam_get_items          copies the PAM_AUTHTOK item into the PAM env
#   pam_exec check_secret.sh  records $PAM_AUTHTOK byte for byte and
#                          succeeds only if it equals the expected secret
# So authentication depends on the answered secret, and we measure exactly
# what the PAM layer received (the 1023-byte cut of the ssh client, the
# unknown-user substitute, ...).  account: pam_succeed_if user = alice.
#
# Run as root (sshd drops to uid 65534; SSHD_HARNESS_MODE=root keeps it
# root) or as any user.  Changes nothing under /etc.
# Usage: bash tests/e2e/harness_selftest.sh   (TAP on stdout)

# shellcheck disable=SC2016  # remote commands are single-quoted on purpose

# bash only; make check may start us with $(SHELL), which can be dash
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=sshd_harness.sh
. "$here/sshd_harness.sh"

T_PLAN=41
T_N=0
T_FAILED=0

# ok COND-EXIT-STATUS DESCRIPTION [DIAG...]
t_ok() {
	local rc=$1 desc=$2
	shift 2
	T_N=$((T_N + 1))
	if [ "$rc" = 0 ]; then
		echo "ok $T_N - $desc"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $desc"
		local l
		for l in "$@"; do
			printf '%s\n' "$l" | sed 's/^/#   /'
		done
	fi
}

# t_login_diag: lines describing the last login, for failures.
t_login_diag() {
	printf 'rc=%s shell_ran=%s prompts=%s\n' "$SSH_LOGIN_RC" \
		"$SSH_LOGIN_SHELL_RAN" "$SSH_LOGIN_NPROMPTS"
	printf 'stdout: %s\n' "$SSH_LOGIN_STDOUT"
	printf 'stderr: %s\n' "$SSH_LOGIN_STDERR"
	echo "sshd log for this login (last 15 lines):"
	ssh_login_log | grep -v -e 'packet: type' -e 'mm_request' | tail -n 15
}

bail() {
	echo "Bail out! $*"
	exit 1
}

for need in /usr/sbin/sshd ssh ssh-keygen setsid timeout; do
	if ! command -v "$need" >/dev/null 2>&1; then
		echo "1..0 # SKIP $need not installed"
		exit 0
	fi
done
if why=$(sshd_unusable); then
	echo "1..0 # SKIP $why"
	exit 0
fi
echo "1..$T_PLAN"

START=$(date +%s%N)

# --------------------------------------------------------------- setup --
# shellcheck disable=SC2119
sshd_setup || bail "sshd_setup failed"
t_ok 0 "sshd_setup in $SSHD_DIR (mode $SSHD_MODE, sshd uid $SSHD_UID)"

rc=0
for u in alice bob carol; do
	grep -q "^$u:x:[0-9]*:[0-9]*:[^:]*:$SSHD_DIR/home/$u:/bin/sh\$" \
		"$SSHD_DIR/nss/passwd" || rc=1
	[ -d "$(sshd_home "$u")" ] || rc=1
done
t_ok "$rc" "nss_wrapper users alice, bob, carol with homes and /bin/sh" \
	"$(cat "$SSHD_DIR/nss/passwd")"

ST=$SSHD_DIR/selftest
mkdir -p "$ST/rec"
chmod 0755 "$ST"
sshd_own "$ST/rec"        # the PAM module (sshd's uid) writes records here

# Step 1 of the auth stack: pam_exec expose_authtok prompts "Password: ",
# stores the full answer as PAM_AUTHTOK and pipes a copy, cut to 511
# bytes (its buffer is PAM_MAX_RESP_SIZE), to this script's stdin.
cat >"$ST/record_piped.sh" <<EOF
#!/bin/sh
PATH=/usr/bin:/bin
cat >"$ST/rec/piped.\$PAM_USER"
exit 0
EOF
# Step 3: pam_get_items (step 2) copied the PAM_AUTHTOK item, uncut, into
# the PAM environment, which pam_exec passes to this script.  It records
# the bytes and succeeds only if they equal the expected secret.  pam_exec
# gives it no PATH and none of sshd's environment, only PAM's.
cat >"$ST/check_secret.sh" <<EOF
#!/bin/sh
PATH=/usr/bin:/bin
rec=$ST/rec
u=\$PAM_USER
printf '%s' "\$PAM_AUTHTOK" >"\$rec/tok.\$u"
wc -c <"\$rec/tok.\$u" | tr -d ' ' >"\$rec/len.\$u"
echo "service=\$PAM_SERVICE type=\$PAM_TYPE user=\$u rhost=\$PAM_RHOST" >"\$rec/env.\$u"
if cmp -s "\$rec/tok.\$u" "$ST/expected"; then
	echo match >"\$rec/result.\$u"
	exit 0
fi
echo mismatch >"\$rec/result.\$u"
exit 1
EOF
chmod 0755 "$ST/record_piped.sh" "$ST/check_secret.sh"

# expected secret: private to sshd's uid, like a real module's config
set_expected() {
	printf '%s' "$1" >"$ST/expected"
	chmod 0600 "$ST/expected"
	sshd_own "$ST/expected"
}
clear_records() {
	rm -f "$ST"/rec/*
}
rec() {         # rec KIND USER: print a record, or "<none>"
	cat "$ST/rec/$1.$2" 2>/dev/null || echo "<none>"
}

SECRET='s3cret-Kinde-token.value_42'
set_expected "$SECRET"

sshd_write_service sshd-selftest "\
# harness self-test stack (stock modules only)
auth     required  pam_exec.so expose_authtok quiet $ST/record_piped.sh
auth     required  $SSHD_PAM_WRAPPER_MODULES/pam_get_items.so
auth     required  pam_exec.so quiet $ST/check_secret.sh
# pam_exec returns PAM_IGNORE for setcred; without a module that succeeds
# there, sshd's pam_setcred() fails after a good login
auth     optional  pam_permit.so
account  required  pam_succeed_if.so user = alice
account  required  pam_permit.so
session  required  pam_permit.so" || bail "sshd_write_service failed"

# -------------------------------------------------------------- start --
sshd_start sshd-selftest
rc=$?
t_ok "$rc" "sshd_start: listening on 127.0.0.1:$SSHD_PORT (pid $SSHD_PID)"
[ "$rc" = 0 ] || bail "sshd did not start"

# sshd rewrites its process title: "sshd-selftest: <argv0> -D ... [listener]"
rc=1
if kill -0 "$SSHD_PID" 2>/dev/null &&
	[ "$(readlink "/proc/$SSHD_PID/exe" 2>/dev/null)" = /usr/sbin/sshd ] &&
	tr '\0' ' ' <"/proc/$SSHD_PID/cmdline" | grep -q "^sshd-selftest: $SSHD_DIR/bin/sshd-selftest -D "; then
	rc=0
fi
t_ok "$rc" "sshd is the real /usr/sbin/sshd run as argv[0] $SSHD_DIR/bin/sshd-selftest" \
	"$(tr '\0' ' ' <"/proc/$SSHD_PID/cmdline" 2>/dev/null)"

rc=1
if [ "$(id -u)" != 0 ] || [ "$SSHD_MODE" = root ] ||
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$SSHD_PID/status")" = "$SSHD_UID" ]; then
	rc=0
fi
t_ok "$rc" "sshd runs with uid $SSHD_UID" "$(grep -E '^(Uid|Gid):' "/proc/$SSHD_PID/status")"

# ------------------------------------------------- alice, right secret --
clear_records
ssh_login alice "$SECRET" 'echo "LOGIN-OK $USER"; touch "$HOME/ran-right"; echo "${#PAM_AUTHTOK}" >&2'
t_ok "$([ "$SSH_LOGIN_RC" = 0 ] && [ "$SSH_LOGIN_STDOUT" = "LOGIN-OK alice" ]; echo $?)" \
	"alice with the right secret: ssh exits 0, remote command printed LOGIN-OK alice" \
	"$(t_login_diag)"
t_ok "$([ "$SSH_LOGIN_SHELL_RAN" = 1 ] && [ -e "$(sshd_home alice)/ran-right" ]; echo $?)" \
	"alice with the right secret: the remote shell ran (nonce + touched file)" \
	"$(t_login_diag)"
t_ok "$([ "$(rec result alice)" = match ] && [ "$(rec len alice)" = "${#SECRET}" ]; echo $?)" \
	"the PAM module received the answered secret (${#SECRET} bytes, matched)" \
	"result=$(rec result alice) len=$(rec len alice)"
t_ok "$([ "$(rec env alice)" = "service=sshd-selftest type=auth user=alice rhost=127.0.0.1" ]; echo $?)" \
	"PAM service is argv[0]'s basename: sshd-selftest" "$(rec env alice)"
t_ok "$([ "$SSH_LOGIN_NPROMPTS" = 1 ] && [ "$SSH_LOGIN_PROMPTS" = "(alice@127.0.0.1) Password: " ]; echo $?)" \
	"one keyboard-interactive prompt, answered via askpass" \
	"prompts($SSH_LOGIN_NPROMPTS): $SSH_LOGIN_PROMPTS"
t_ok "$(ssh_login_log | grep -q '^Accepted keyboard-interactive/pam for alice from 127.0.0.1'; echo $?)" \
	"sshd log: Accepted keyboard-interactive/pam for alice" "$(t_login_diag)"
t_ok "$([ "$SSH_LOGIN_STDERR" = "${#SECRET}" ]; echo $?)" \
	"PAM environment set during auth (pam_get_items' PAM_AUTHTOK) reaches the user's session" \
	"remote saw \${#PAM_AUTHTOK}=$SSH_LOGIN_STDERR"

# ------------------------------------------------- alice, wrong secret --
clear_records
ssh_login alice "wrong-$SECRET" 'echo "LOGIN-OK $USER"; touch "$HOME/ran-wrong"'
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ -z "$SSH_LOGIN_STDOUT" ] &&
	printf '%s' "$SSH_LOGIN_STDERR" | grep -q 'Permission denied (keyboard-interactive)'; echo $?)" \
	"alice with a wrong secret: ssh exits 255, Permission denied" "$(t_login_diag)"
t_ok "$([ "$SSH_LOGIN_SHELL_RAN" = 0 ] && [ ! -e "$(sshd_home alice)/ran-wrong" ]; echo $?)" \
	"alice with a wrong secret: the remote shell did not run" "$(t_login_diag)"
t_ok "$([ "$(rec result alice)" = mismatch ] && [ "$(rec len alice)" = "$((${#SECRET} + 6))" ]; echo $?)" \
	"the PAM module saw the wrong secret and refused it" \
	"result=$(rec result alice) len=$(rec len alice)"
t_ok "$(ssh_login_log | grep -q '^Failed keyboard-interactive/pam for alice' &&
	! ssh_login_log | grep -q '^Accepted'; echo $?)" \
	"sshd log: Failed keyboard-interactive/pam for alice, no Accepted" "$(t_login_diag)"
t_ok "$(ssh_login_log | grep -q "SYSLOG(3): $ST/check_secret.sh failed: exit code 1"; echo $?)" \
	"a module's LOG_ERR pam_syslog() during auth lands in the sshd log (pam_wrapper)" \
	"$(ssh_login_log | grep -E 'PWRAP|pam_exec' | tail -n 5)"

# ------------------------------------------------ bob, account refused --
clear_records
ssh_login bob "$SECRET" 'echo "LOGIN-OK $USER"; touch "$HOME/ran-bob"'
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] &&
	[ ! -e "$(sshd_home bob)/ran-bob" ]; echo $?)" \
	"bob with the right secret is refused and his shell did not run" "$(t_login_diag)"
# pam_succeed_if's own LOG_INFO line is not in the log: sshd clears the
# environment of its PAM auth process, so pam_wrapper's debug level is 0
# there and only LOG_ERR and worse get through.  sshd's own line shows it.
t_ok "$([ "$(rec result bob)" = match ] &&
	ssh_login_log | grep -q 'do_pam_account pam_acct_mgmt = 7 (Authentication failure)'; echo $?)" \
	"bob passed auth but the pam_succeed_if 'user = alice' account line refused him" \
	"result=$(rec result bob)" "$(t_login_diag)"

# ------------------------------------------------- 1023-byte boundary --
long=$(head -c 1500 /dev/zero | tr '\0' 'A')
long="T${long:1:1497}Z!"   # 1500 bytes, distinct head and tail
set_expected "$long"
clear_records
ssh_login alice "$long" 'echo "LOGIN-OK $USER"'
got_len=$(rec len alice)
t_ok "$([ "${#long}" = 1500 ] && [ "$got_len" = 1023 ]; echo $?)" \
	"1500-byte secret: the PAM module received exactly 1023 bytes" \
	"sent=${#long} received=$got_len"
t_ok "$(cmp -s "$ST/rec/tok.alice" <(printf '%s' "${long:0:1023}"); echo $?)" \
	"1500-byte secret: the received bytes are the first 1023 sent" \
	"got tail: $(tail -c 20 "$ST/rec/tok.alice" 2>/dev/null)"
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] &&
	[ "$(rec result alice)" = mismatch ]; echo $?)" \
	"1500-byte secret: login refused (cut secret does not match), shell did not run" \
	"$(t_login_diag)"
piped=$(wc -c <"$ST/rec/piped.alice" 2>/dev/null)
t_ok "$([ "$piped" = 511 ] && cmp -s "$ST/rec/piped.alice" <(printf '%s' "${long:0:511}"); echo $?)" \
	"pitfall: pam_exec expose_authtok pipes only the first 511 bytes (PAM_AUTHTOK item is whole)" \
	"piped=$piped bytes"

s1023=${long:0:1023}
set_expected "$s1023"
clear_records
ssh_login alice "$s1023" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$SSH_LOGIN_RC" = 0 ] && [ "$SSH_LOGIN_SHELL_RAN" = 1 ] &&
	[ "$(rec len alice)" = 1023 ]; echo $?)" \
	"1023-byte secret arrives whole and logs in" \
	"len=$(rec len alice)" "$(t_login_diag)"

clear_records
ssh_login alice "${s1023}X" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$SSH_LOGIN_RC" = 0 ] && [ "$(rec len alice)" = 1023 ]; echo $?)" \
	"1024-byte secret is cut silently to its 1023-byte prefix (which here logs in)" \
	"len=$(rec len alice)" "$(t_login_diag)"

printf '%s' "$long" >"$SSHD_DIR/long.secret"
clear_records
ssh_login_secret_file alice "$SSHD_DIR/long.secret" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$(rec len alice)" = 1023 ] && [ "$SSH_LOGIN_RC" = 0 ]; echo $?)" \
	"ssh_login_secret_file: same 1023-byte cut for a secret read from a file" \
	"len=$(rec len alice)" "$(t_login_diag)"

set_expected "$SECRET"

# newline ends the answer
clear_records
ssh_login alice "$SECRET
tail" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$SSH_LOGIN_RC" = 0 ] && [ "$(rec len alice)" = "${#SECRET}" ]; echo $?)" \
	"an answer is cut at its first newline" "len=$(rec len alice)" "$(t_login_diag)"

# ------------------------------------------------- unknown user --------
clear_records
ssh_login mallory "$SECRET" 'echo "LOGIN-OK $USER"'
got=$(od -An -tx1 "$ST/rec/tok.mallory" 2>/dev/null | tr -d ' \n')
# sshd's fake_password(): "\b\n\r\177INCORRECT" repeated, as long as the answer
junk=$'\b\n\r\177INCORRECT'
want=
while [ "${#want}" -lt "${#SECRET}" ]; do want=$want$junk; done
want=$(printf '%s' "${want:0:${#SECRET}}" | od -An -tx1 | tr -d ' \n')
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ]; echo $?)" \
	"unknown user mallory is refused" "$(t_login_diag)"
t_ok "$([ -n "$got" ] && [ "$got" = "$want" ]; echo $?)" \
	"unknown user: PAM gets \\b\\n\\r\\177INCORRECT repeated to the answer's length (${#SECRET})" \
	"got hex:  $got" "want hex: $want"

# ------------------------------------------------- service switches ----
# The same file rewritten: picked up by the next connection (re-exec).
sshd_write_service sshd-selftest "\
auth     required  pam_deny.so
account  required  pam_permit.so
session  required  pam_permit.so"
clear_records
ssh_login alice "$SECRET" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] &&
	[ "$(rec result alice)" = "<none>" ]; echo $?)" \
	"rewritten service file (pam_deny) applies to the next login without restart" \
	"$(t_login_diag)"

# A second service name through a restart, with a variable in sshd's
# environment.  Which PAM stages can see it?  pam_set_items copies
# getenv("PAM_RUSER") into the PAM_RUSER item, pam_get_items copies items
# into the PAM environment, and probe.sh (pam_exec) records what arrived.
cat >"$ST/probe.sh" <<EOF
#!/bin/sh
echo "\${PAM_RUSER:-<unset>}" >"$ST/rec/probe.\$PAM_TYPE"
EOF
chmod 0755 "$ST/probe.sh"
PW=$SSHD_PAM_WRAPPER_MODULES
sshd_stop
sshd_write_service sshd-other "\
auth     required  $PW/pam_set_items.so
auth     required  $PW/pam_get_items.so
auth     required  pam_exec.so quiet $ST/probe.sh
auth     optional  pam_permit.so
account  required  $PW/pam_set_items.so
account  required  $PW/pam_get_items.so
account  required  pam_exec.so quiet $ST/probe.sh
session  required  $PW/pam_set_items.so
session  required  $PW/pam_get_items.so
session  required  pam_exec.so quiet $ST/probe.sh"
SSHD_ENV=(PAM_RUSER=from-sshd-env)
sshd_start sshd-other
rc=$?
SSHD_ENV=()
clear_records
ssh_login carol "anything" 'echo "LOGIN-OK $USER"'
t_ok "$([ "$rc" = 0 ] && [ "$SSH_LOGIN_RC" = 0 ] && [ "$SSH_LOGIN_STDOUT" = "LOGIN-OK carol" ] &&
	[ "$SSH_LOGIN_NPROMPTS" = 0 ]; echo $?)" \
	"restart with service sshd-other (no prompting module): carol logs in, no prompt" \
	"$(t_login_diag)"
t_ok "$([ "$(rec probe auth)" = "<unset>" ] && [ "$(rec probe account)" = "<unset>" ]; echo $?)" \
	"sshd's environment (SSHD_ENV) is NOT visible in auth/account: sshd clears it there" \
	"auth=$(rec probe auth) account=$(rec probe account)"
t_ok "$([ "$(rec probe open_session)" = from-sshd-env ]; echo $?)" \
	"sshd's environment (SSHD_ENV) is visible in the session stage" \
	"open_session=$(rec probe open_session)"

# remote command exit status and stderr come back
ssh_login carol x 'echo to-stderr >&2; exit 7'
t_ok "$([ "$SSH_LOGIN_RC" = 7 ] && [ "$SSH_LOGIN_SHELL_RAN" = 1 ] &&
	[ "$SSH_LOGIN_STDERR" = to-stderr ]; echo $?)" \
	"remote exit status (7) and stderr are returned" "$(t_login_diag)"

# group data from nss_wrapper reaches PAM modules
sshd_write_service sshd-other "\
auth     required  pam_permit.so
account  required  pam_succeed_if.so user ingroup kinde-admins
session  required  pam_permit.so"
ssh_login carol x 'echo "LOGIN-OK $USER"'
rc1=$SSH_LOGIN_RC
ssh_login bob x 'echo "LOGIN-OK $USER"'
t_ok "$([ "$rc1" = 0 ] && [ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ]; echo $?)" \
	"nss_wrapper group kinde-admins (alice, carol) is visible to pam_succeed_if" \
	"carol rc=$rc1" "$(t_login_diag)"

# ------------------------------------------------- harness mechanics ---
# askpass answers prompt N with the Nth extra answer
d=$SSHD_DIR/run/askpass-test
mkdir -m 0700 "$d"
printf first >"$d/answer"
printf second >"$d/answer.2"
a1=$(SSHD_HARNESS_LOGIN_DIR=$d "$SSHD_DIR/bin/askpass" "P1: ")
a2=$(SSHD_HARNESS_LOGIN_DIR=$d "$SSHD_DIR/bin/askpass" "P2: ")
a3=$(SSHD_HARNESS_LOGIN_DIR=$d "$SSHD_DIR/bin/askpass" "P3: ")
t_ok "$([ "$a1/$a2/$a3" = first/second/first ] &&
	[ "$(cat "$d/prompts")" = "P1: 
P2: 
P3: " ]; echo $?)" \
	"askpass: prompt 2 gets the 2nd answer, others the secret; prompts recorded" \
	"got $a1/$a2/$a3"

# the pinned host key is enforced: a wrong pin refuses before any prompt
cp "$SSHD_DIR/etc/known_hosts" "$SSHD_DIR/etc/known_hosts.good"
env -i "${SSHD_CLIENT_ENV[@]}" ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/wrongkey" </dev/null >/dev/null
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$SSHD_DIR/wrongkey.pub")" \
	>"$SSHD_DIR/etc/known_hosts"
ssh_login carol x 'echo "LOGIN-OK $USER"'
cp "$SSHD_DIR/etc/known_hosts.good" "$SSHD_DIR/etc/known_hosts"
t_ok "$([ "$SSH_LOGIN_RC" = 255 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ] && [ "$SSH_LOGIN_NPROMPTS" = 0 ] &&
	printf '%s' "$SSH_LOGIN_STDERR" | grep -q 'REMOTE HOST IDENTIFICATION HAS CHANGED'; echo $?)" \
	"host key is pinned: a wrong known_hosts entry aborts before any prompt" \
	"$(t_login_diag)"

# a hung login is cut by SSH_LOGIN_TIMEOUT
sshd_write_service sshd-other "\
auth     required  pam_exec.so $ST/sleep.sh
auth     optional  pam_permit.so
account  required  pam_permit.so
session  required  pam_permit.so"
# (the script records its pid so that we can end the orphaned sleep)
printf '#!/bin/sh\necho $$ >%s/rec/sleep.pid\nexec /bin/sleep 20\n' "$ST" >"$ST/sleep.sh"
chmod 0755 "$ST/sleep.sh"
t0=$(date +%s)
SSH_LOGIN_TIMEOUT=1 ssh_login carol x 'echo "LOGIN-OK $USER"' 2>/dev/null
t1=$(date +%s)
t_ok "$([ "$SSH_LOGIN_RC" = 124 ] && [ $((t1 - t0)) -lt 8 ] && [ "$SSH_LOGIN_SHELL_RAN" = 0 ]; echo $?)" \
	"a hanging PAM stack: ssh_login gives up after SSH_LOGIN_TIMEOUT (status 124)" \
	"rc=$SSH_LOGIN_RC took $((t1 - t0))s"
if read -r spid 2>/dev/null <"$ST/rec/sleep.pid" &&
	[ "$(readlink "/proc/$spid/exe" 2>/dev/null)" = "$(readlink -f /bin/sleep)" ]; then
	kill "$spid" 2>/dev/null
fi

# ------------------------------------------------------------- stop ----
pid=$SSHD_PID
port=$SSHD_PORT
sshd_stop
rc=0
kill -0 "$pid" 2>/dev/null && rc=1
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then rc=1; fi
t_ok "$rc" "sshd_stop: process $pid gone, port $port closed"

left=
for d in /tmp/pam.?; do
	[ -f "$d/.sshd_harness_id" ] || continue
	[ "$(cat "$d/.sshd_harness_id" 2>/dev/null)" = "$_sshdh_id" ] && left="$left $d"
done
t_ok "$([ -z "$left" ]; echo $?)" \
	"no pam_wrapper copies of ours left in /tmp" "left:$left"

t_ok "$(sshd_log | grep -q 'Received signal 15; terminating'; echo $?)" \
	"sshd_log still readable after stop"

END=$(date +%s%N)
echo "# ran $T_N tests in $(( (END - START) / 1000000 )) ms as uid $(id -u), mode $SSHD_MODE"
if [ "$T_N" != "$T_PLAN" ]; then
	echo "# planned $T_PLAN tests but ran $T_N"
	exit 1
fi
[ "$T_FAILED" = 0 ]
