# shellcheck shell=bash
# shellcheck disable=SC2034  # SSHD_* / SSH_LOGIN_* are for the sourcing test
#
# sshd_harness.sh: run a real OpenSSH sshd on 127.0.0.1 whose
# keyboard-interactive authentication goes through a PAM stack chosen by
# the test, and log in to it with a real ssh client that answers the
# prompts from a file.  Nothing under /etc is read for PAM or users, and
# nothing under /etc is written:
#
#   * PAM:   pam_wrapper (LD_PRELOAD) reads the service files from
#            $SSHD_DIR/pam.d; the service name is the basename of sshd's
#            argv[0], so sshd runs as the symlink $SSHD_DIR/bin/sshd-<svc>.
#   * users: nss_wrapper (LD_PRELOAD) serves alice, bob and carol from
#            $SSHD_DIR/nss, with homes in $SSHD_DIR/home and shell /bin/sh.
#   * sshd:  config, host key, pid file and log live in $SSHD_DIR.
#
# Usage (bash only):
#
#   . tests/e2e/sshd_harness.sh
#   sshd_setup                          # or: sshd_setup /path/to/empty/dir
#   sshd_write_service sshd-kinde "auth required /abs/pam_kinde.so config=$SSHD_DIR/k.conf
#   account required /abs/pam_kinde.so
#   session required pam_permit.so"
#   sshd_start sshd-kinde
#   ssh_login alice "$token" 'echo LOGIN-OK'
#   [ "$SSH_LOGIN_RC" = 0 ] && [ "$SSH_LOGIN_SHELL_RAN" = 1 ] ...
#   sshd_stop                           # optional: cleanup runs on EXIT
#
# Privilege modes (SSHD_HARNESS_MODE, read by sshd_setup):
#
#   unpriv (default)  sshd runs as one unprivileged uid.  Run as root, the
#                     harness drops sshd to SSHD_HARNESS_UID (default 65534)
#                     with setpriv; run as a normal user, sshd runs as that
#                     user.  alice, bob and carol all get that uid (an
#                     unprivileged sshd can only start sessions as itself).
#                     No /run/sshd, no privsep user, no chroot, no writes
#                     outside $SSHD_DIR and pam_wrapper's /tmp/pam.? dirs.
#                     Same code path in CI (root) and on a laptop.
#   root              (needs root) sshd, and so the PAM module, runs as
#                     root like in production:
#                     privilege-separated preauth child chrooted to
#                     /run/sshd (created if missing, removed again if we
#                     created it) as the nss_wrapper user "sshd", sessions
#                     setuid to alice=4201, bob=4202, carol=4203.  Root
#                     sshd also appends failed logins to /var/log/btmp if
#                     that file exists.
#
# Knobs (environment or shell variables, read when the function runs):
#   SSHD_HARNESS_MODE      unpriv | root            (sshd_setup)
#   SSHD_HARNESS_UID/GID   uid/gid to drop to as root in unpriv mode (65534)
#   SSHD_HARNESS_KEEP=1    keep $SSHD_DIR after cleanup (for debugging)
#   SSHD_EXTRA_CONFIG      extra sshd_config lines    (sshd_start)
#   SSHD_ENV               bash array of NAME=value added to sshd's
#                          environment (sshd_start).  NOT visible to PAM
#                          modules in auth or account: sshd runs those in
#                          a child whose environ it empties (environ[0] =
#                          NULL in auth-pam.c); only the session stage
#                          and sshd itself see it.  Pass module settings
#                          as module arguments or in its config file.
#   SSHD_PRELOAD_FIRST     library to put first in sshd's LD_PRELOAD, e.g.
#                          the ASan runtime (then also set
#                          PAM_WRAPPER_DISABLE_DEEPBIND=1 via SSHD_ENV)
#   SSHD_PAM_WRAPPER_DEBUGLEVEL  pam_wrapper log level (default 2).
#                          pam_wrapper turns a module's pam_syslog() into
#                          lines "PWRAP_...: SYSLOG(prio): msg" in the sshd
#                          log.  It reads the level from the environment at
#                          each call, so in auth/account (empty environ,
#                          see SSHD_ENV) only LOG_ERR and worse appear; in
#                          session, LOG_DEBUG and up.  3 also logs
#                          PAM_AUTHTOK values in clear text.
#   SSHD_START_TIMEOUT     seconds to wait for "Server listening" (10)
#   SSHD_NOFILE            soft RLIMIT_NOFILE for sshd (1024); pam_exec
#                          close()s every fd up to it, once per call
#   SSH_LOGIN_TIMEOUT      seconds before ssh_login kills the client (30)
#   SSHD_WRAP              array: a command sshd runs under, e.g. valgrind
#                          and its options (sshd_start)
#   SSH_LOGIN_OPTS         bash array of extra ssh options, e.g. (-v); they
#                          come first, so they win over the defaults (ssh
#                          keeps the first value of an option), e.g.
#                          (-o PreferredAuthentications=publickey ...)
#
# Where the module runs: in kbd-interactive logins sshd's monitor (root in
# root mode, SSHD_UID otherwise) forks a "[pam]" child that calls
# pam_authenticate() and pam_acct_mgmt() with an empty environment; its
# pam_putenv() variables are copied back and reach the user's session
# environment; pam_set_data() does not survive.  That child is not in the
# seccomp sandbox, so the module may open sockets (e.g. to a fake server on
# 127.0.0.1).  Session modules run in the monitor with sshd's environment.
#
# Secrets longer than 1023 bytes: the OpenSSH client reads the askpass
# output into a 1024-byte buffer and keeps at most 1023 bytes; the rest is
# dropped silently and the first 1023 bytes are sent as the answer (the
# askpass program still exits 0, so ssh does not notice).  The answer is
# also cut at the first CR or LF.  tests/e2e/harness_selftest.sh measures
# this at the PAM layer.
#
# Requires: bash, openssh-server, openssh-client, libpam-wrapper,
# libnss-wrapper, coreutils, util-linux (setsid, setpriv).

# ---------------------------------------------------------------- state --

SSHD_DIR=
SSHD_MODE=
SSHD_UID=
SSHD_GID=
SSHD_PORT=
SSHD_PID=
SSHD_SERVICE=
SSHD_LOG=
SSHD_PAM_WRAPPER_MODULES=
SSHD_CLIENT_ENV=()
SSH_LOGIN_RC=
SSH_LOGIN_STDOUT=
SSH_LOGIN_STDERR=
SSH_LOGIN_SHELL_RAN=
SSH_LOGIN_PROMPTS=
SSH_LOGIN_NPROMPTS=
SSH_LOGIN_DIR=
SSH_LOGIN_COUNT=0

_sshdh_id=
_sshdh_created_dir=0
_sshdh_created_run_sshd=0
_sshdh_log_offset=0
_sshdh_libpamw=
_sshdh_libnssw=
_sshdh_sshd_bin=
_sshdh_arch=

# -------------------------------------------------------------- helpers --

# _sshdh_err MSG...: print a harness error on stderr.
_sshdh_err() {
	printf 'sshd_harness: %s\n' "$*" >&2
}

# _sshdh_find_lib NAME: print the absolute path of a wrapper library.
_sshdh_find_lib() {
	local name=$1 d arch
	arch=${_sshdh_arch:-}
	if [ -z "$arch" ]; then
		arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
			gcc -print-multiarch 2>/dev/null || true)
		_sshdh_arch=$arch
	fi
	for d in ${arch:+/usr/lib/$arch /lib/$arch} /usr/lib64 /usr/lib \
		/usr/local/lib /usr/local/lib64; do
		if [ -f "$d/$name" ]; then
			printf '%s\n' "$d/$name"
			return 0
		fi
	done
	d=$(/sbin/ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }')
	if [ -n "$d" ] && [ -f "$d" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	return 1
}

# _sshdh_as_sshd CMD...: run CMD with sshd's credentials (no env changes).
_sshdh_as_sshd() {
	if [ "$SSHD_MODE" = unpriv ] && [ "$(id -u)" = 0 ]; then
		setpriv --reuid="$SSHD_UID" --regid="$SSHD_GID" --clear-groups \
			--inh-caps=-all -- "$@"
	else
		"$@"
	fi
}

# _sshdh_user_uid USER: print the uid of a harness user (unpriv: SSHD_UID).
_sshdh_user_uid() {
	if [ "$SSHD_MODE" = root ]; then
		case $1 in
		alice) echo 4201 ;; bob) echo 4202 ;; carol) echo 4203 ;;
		*) return 1 ;;
		esac
	else
		echo "$SSHD_UID"
	fi
}

# _sshdh_add_exit_trap: make EXIT run sshd_cleanup before any trap the
# caller had already set; INT and TERM exit so that EXIT runs.
# shellcheck disable=SC2120  # "set --" below parses the trap text
_sshdh_add_exit_trap() {
	local prev='' cur
	# "trap -p EXIT" prints: trap -- 'cmd' EXIT  (shell-quoted)
	cur=$(trap -p EXIT)
	if [ -n "$cur" ]; then
		eval "set -- $cur"
		prev=$3
	fi
	# shellcheck disable=SC2064  # embed the previous trap's text now
	case $prev in
	*sshd_cleanup*) ;;
	'') trap 'sshd_cleanup' EXIT ;;
	*) trap "sshd_cleanup; $prev" EXIT ;;
	esac
	[ -n "$(trap -p INT)" ] || trap 'exit 130' INT
	[ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
}

# _sshdh_pamwrap_reap [all]: remove pam_wrapper's /tmp/pam.? copies made
# by *our* sshd processes (they hold our marker file) whose process is
# gone; with "all", remove them regardless.  pam_wrapper leaks one such
# directory per connection (the per-connection sshd leaves with _exit(),
# skipping the library destructor) and only has 62 names; it removes stale
# ones itself only when their pid is <= 65535, which is not true on hosts
# with a large kernel.pid_max, so without this the 63rd login fails.
_sshdh_pamwrap_reap() {
	local d pid
	[ -n "$_sshdh_id" ] || return 0
	local id
	for d in /tmp/pam.?; do
		[ -f "$d/.sshd_harness_id" ] || continue
		id='' pid=''
		read -r id 2>/dev/null <"$d/.sshd_harness_id"
		[ "$id" = "$_sshdh_id" ] || continue
		read -r pid 2>/dev/null <"$d/pid"
		if [ "${1:-}" != all ] && _sshdh_alive "$pid"; then
			continue
		fi
		rm -rf -- "$d" 2>/dev/null
	done
	return 0
}

# _sshdh_alive PID: true if PID exists and is not a zombie.
_sshdh_alive() {
	local stat
	[ -n "${1:-}" ] || return 1
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _sshdh_children PID: print the pids whose parent is PID.
_sshdh_children() {
	local parent=$1 f stat pid
	local -a fields
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null <"$f" || continue
		# "pid (comm) state ppid ...": comm may contain spaces and ')'
		read -r -a fields <<<"${stat##*) }"
		[ "${fields[1]:-}" = "$parent" ] || continue
		pid=${f#/proc/}
		printf '%s\n' "${pid%/stat}"
	done
}

# _sshdh_descendants PID: print the pids of PID's children, their
# children and so on (one /proc scan, then a walk of the ppid table).
_sshdh_descendants() {
	local f stat pid
	local -a fields
	local -A kids=()
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null <"$f" || continue
		read -r -a fields <<<"${stat##*) }"
		pid=${f#/proc/}
		pid=${pid%/stat}
		kids[${fields[1]:-0}]+=" $pid"
	done
	local -a todo=("$1")
	while [ ${#todo[@]} -gt 0 ]; do
		pid=${todo[0]}
		todo=("${todo[@]:1}")
		for f in ${kids[$pid]:-}; do
			printf '%s\n' "$f"
			todo+=("$f")
		done
	done
}

# ------------------------------------------------------------------ API --

# sshd_unusable
#   Prints why a real sshd with non-root sessions cannot run here and
#   returns 0, or returns 1 when it can.  Non-root users must be able to
#   run programs: a root directory of mode 0700 (a chroot made with
#   mktemp -d, as tools that test a fresh install make) forbids it, and
#   no test can fix that without changing the system.
sshd_unusable() {
	local uid=${SSHD_HARNESS_UID:-65534} gid=${SSHD_HARNESS_GID:-65534}

	[ "$(id -u)" = 0 ] || return 1
	command -v setpriv >/dev/null || return 1
	if ! setpriv --reuid="$uid" --regid="$gid" --clear-groups /bin/true \
		2>/dev/null; then
		echo "uid $uid cannot run programs on this system (is / mode $(stat -c %a /)?)"
		return 0
	fi
	return 1
}

# sshd_test_start: the common start of an sshd test script: the module and
# the HTTPS plugin are built (Bail out! otherwise), python3-cryptography
# and a usable sshd are there (a TAP skip saying why otherwise), then the
# fake issuer and sshd run and sshd's user can read the module (Bail out!
# otherwise).
sshd_test_start() {
	local f why
	for f in "$PK_MODULE" "$PK_NET"; do
		[ -e "$f" ] || { echo "Bail out! $f is not built"; exit 99; }
	done
	"$PYTHON3" -c 'import cryptography' 2>/dev/null ||
		{ echo "1..0 # SKIP $PYTHON3 lacks the cryptography module (Debian: python3-cryptography)"; exit 0; }
	if why=$(sshd_unusable); then
		echo "1..0 # SKIP $why"
		exit 0
	fi
	fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }
	# After fake_kinde.sh's trap: sshd_setup chains its cleanup before it.
	sshd_setup || { echo "Bail out! sshd_setup failed"; exit 99; }
	# sshd's unprivileged user must reach the module and the plugin.
	if ! _sshdh_as_sshd test -r "$PK_MODULE" ||
	   ! _sshdh_as_sshd test -r "$PK_NET"; then
		echo "Bail out! uid $SSHD_UID cannot read $PK_MODULE (build in a directory others can reach)"
		exit 99
	fi
}

# sshd_setup [WORKDIR]
#   Prepare a harness directory and export SSHD_DIR.  WORKDIR must be empty
#   or absent; without it a fresh mktemp -d directory is used (and removed
#   by cleanup).  Creates:
#     nss/passwd, nss/group  users alice, bob, carol (shell /bin/sh, homes
#                            $SSHD_DIR/home/<user>), group "harness" and
#                            group "kinde-admins" (alice, carol)
#     nss/client_*           a one-user database for the ssh client
#     etc/ssh_host_ed25519_key(.pub), etc/known_hosts (pinned later)
#     pam.d/other            deny-all fallback service
#     bin/askpass            the askpass program used by ssh_login
#   Chooses the privilege mode (SSHD_HARNESS_MODE, see top of file) and sets
#   SSHD_MODE, SSHD_UID, SSHD_GID, SSHD_LOG, SSHD_PAM_WRAPPER_MODULES (the
#   dir of pam_wrapper's test modules, e.g. pam_get_items.so), and
#   SSHD_CLIENT_ENV, the environment ssh_login runs the client with (use
#   `env -i "${SSHD_CLIENT_ENV[@]}" ssh-keygen ...` for client-side tools;
#   it works even when the calling uid has no passwd entry).  Installs
#   the EXIT/INT/TERM cleanup trap (keeping an EXIT trap set earlier; if
#   you set an EXIT trap later, call sshd_cleanup from it).  Returns
#   non-zero with a message on error.
sshd_setup() {
	local dir=${1:-} u uid home me_uid me_gid

	if [ -n "$_sshdh_id" ]; then
		_sshdh_err "sshd_setup: already set up in $SSHD_DIR"
		return 1
	fi
	_sshdh_sshd_bin=/usr/sbin/sshd
	[ -x "$_sshdh_sshd_bin" ] ||
		{ _sshdh_err "no $_sshdh_sshd_bin (install openssh-server)"; return 1; }
	command -v ssh >/dev/null || { _sshdh_err "no ssh client"; return 1; }
	command -v setsid >/dev/null || { _sshdh_err "no setsid (util-linux)"; return 1; }
	_sshdh_libpamw=$(_sshdh_find_lib libpam_wrapper.so) ||
		{ _sshdh_err "libpam_wrapper.so not found (install libpam-wrapper)"; return 1; }
	_sshdh_libnssw=$(_sshdh_find_lib libnss_wrapper.so) ||
		{ _sshdh_err "libnss_wrapper.so not found (install libnss-wrapper)"; return 1; }
	SSHD_PAM_WRAPPER_MODULES=${_sshdh_libpamw%/*}/pam_wrapper

	me_uid=$(id -u)
	me_gid=$(id -g)
	SSHD_MODE=${SSHD_HARNESS_MODE:-unpriv}
	case $SSHD_MODE in
	unpriv)
		if [ "$me_uid" = 0 ]; then
			command -v setpriv >/dev/null ||
				{ _sshdh_err "no setpriv (util-linux)"; return 1; }
			SSHD_UID=${SSHD_HARNESS_UID:-65534}
			SSHD_GID=${SSHD_HARNESS_GID:-65534}
			if [ "$SSHD_UID" = 0 ]; then
				_sshdh_err "SSHD_HARNESS_UID=0: use SSHD_HARNESS_MODE=root"
				return 1
			fi
		else
			SSHD_UID=$me_uid
			SSHD_GID=$me_gid
		fi
		;;
	root)
		if [ "$me_uid" != 0 ]; then
			_sshdh_err "SSHD_HARNESS_MODE=root needs root"
			return 1
		fi
		SSHD_UID=0
		SSHD_GID=0
		;;
	*)
		_sshdh_err "SSHD_HARNESS_MODE must be unpriv or root, not '$SSHD_MODE'"
		return 1
		;;
	esac

	if [ -z "$dir" ]; then
		dir=$(mktemp -d "${TMPDIR:-/tmp}/sshd-harness.XXXXXX") ||
			{ _sshdh_err "mktemp failed"; return 1; }
		_sshdh_created_dir=1
	else
		mkdir -p -- "$dir" || return 1
		if [ -n "$(ls -A -- "$dir")" ]; then
			_sshdh_err "sshd_setup: $dir is not empty"
			return 1
		fi
		dir=$(cd -- "$dir" && pwd -P) || return 1
	fi
	SSHD_DIR=$dir
	SSHD_LOG=$SSHD_DIR/log/sshd.log
	_sshdh_id="$SSHD_DIR:$$:$RANDOM$RANDOM"
	# shellcheck disable=SC2119
	_sshdh_add_exit_trap

	mkdir -p "$SSHD_DIR"/{bin,etc,pam.d,nss,home,client,run,log,srv} || return 1
	# sshd (maybe another uid) must traverse the tree and read etc/, nss/,
	# pam.d/ and the test's files; srv/ is sshd's (pid file); the secrets
	# stay in run/, which only the client side can read.
	chmod 0755 "$SSHD_DIR" "$SSHD_DIR"/{bin,etc,pam.d,nss,home,log,srv}
	chmod 0700 "$SSHD_DIR/run" "$SSHD_DIR/client"
	sshd_own "$SSHD_DIR/srv"

	# users
	{
		if [ "$SSHD_MODE" = root ]; then
			echo "root:x:0:0:root:/root:/bin/sh"
			echo "sshd:x:4299:65534:privsep:/run/sshd:/usr/sbin/nologin"
		fi
		for u in alice bob carol; do
			uid=$(_sshdh_user_uid "$u")
			if [ "$SSHD_MODE" = root ]; then
				echo "$u:x:$uid:4200:$u:$SSHD_DIR/home/$u:/bin/sh"
			else
				echo "$u:x:$uid:$SSHD_GID:$u:$SSHD_DIR/home/$u:/bin/sh"
			fi
		done
	} >"$SSHD_DIR/nss/passwd"
	{
		if [ "$SSHD_MODE" = root ]; then
			echo "root:x:0:"
			echo "nogroup:x:65534:"
			echo "harness:x:4200:alice,bob,carol"
		else
			echo "harness:x:$SSHD_GID:alice,bob,carol"
		fi
		echo "kinde-admins:x:4300:alice,carol"
	} >"$SSHD_DIR/nss/group"
	echo "sshclient:x:$me_uid:$me_gid:ssh client:$SSHD_DIR/client:/bin/sh" \
		>"$SSHD_DIR/nss/client_passwd"
	echo "sshclient:x:$me_gid:" >"$SSHD_DIR/nss/client_group"
	chmod 0644 "$SSHD_DIR"/nss/*
	for u in alice bob carol; do
		home=$SSHD_DIR/home/$u
		mkdir -p "$home"
		chmod 0755 "$home"
		if [ "$me_uid" = 0 ]; then
			chown "$(_sshdh_user_uid "$u"):$([ "$SSHD_MODE" = root ] && echo 4200 || echo "$SSHD_GID")" "$home"
		fi
	done

	# the client side (ssh, ssh-keygen) also runs under nss_wrapper, with
	# a passwd holding only the calling uid: works for uids missing from
	# the system passwd, and keeps the caller's ~/.ssh out of the way
	SSHD_CLIENT_ENV=(
		PATH=/usr/bin:/bin
		HOME="$SSHD_DIR/client"
		LANG=C
		LD_PRELOAD="$_sshdh_libnssw"
		NSS_WRAPPER_PASSWD="$SSHD_DIR/nss/client_passwd"
		NSS_WRAPPER_GROUP="$SSHD_DIR/nss/client_group"
	)

	# host key, readable only by the sshd uid (sshd refuses others)
	env -i "${SSHD_CLIENT_ENV[@]}" ssh-keygen -q -t ed25519 -N '' -C sshd-harness \
		-f "$SSHD_DIR/etc/ssh_host_ed25519_key" </dev/null >/dev/null ||
		{ _sshdh_err "ssh-keygen failed"; return 1; }
	chmod 0600 "$SSHD_DIR/etc/ssh_host_ed25519_key"
	sshd_own "$SSHD_DIR/etc/ssh_host_ed25519_key"

	# fail-closed fallback service, plus the marker that identifies our
	# pam_wrapper copies in /tmp
	printf '%s\n' 'auth required pam_deny.so' 'account required pam_deny.so' \
		'password required pam_deny.so' 'session required pam_deny.so' \
		>"$SSHD_DIR/pam.d/other"
	printf '%s\n' "$_sshdh_id" >"$SSHD_DIR/pam.d/.sshd_harness_id"
	chmod 0644 "$SSHD_DIR"/pam.d/other "$SSHD_DIR/pam.d/.sshd_harness_id"

	# askpass: answer prompt N with run/login.K/answer.N if present, else
	# with run/login.K/answer; record every prompt.
	cat >"$SSHD_DIR/bin/askpass" <<'EOF'
#!/bin/sh
# ssh_login's askpass: $1 is the prompt (keyboard-interactive prompts are
# prefixed "(user@host) " by ssh).  Never reads a tty.
d=${SSHD_HARNESS_LOGIN_DIR:?}
n=0
[ -f "$d/nprompts" ] && read -r n <"$d/nprompts"
n=$((n + 1))
echo "$n" >"$d/nprompts"
printf '%s' "$1" >"$d/prompt.$n"
printf '%s\n' "$1" >>"$d/prompts"
if [ -f "$d/answer.$n" ]; then
	exec cat "$d/answer.$n"
fi
exec cat "$d/answer"
EOF
	chmod 0755 "$SSHD_DIR/bin/askpass"

	# preflight: can sshd's uid reach the tree?  (fails e.g. when TMPDIR
	# is under a 0700 home and we drop privileges)
	if ! _sshdh_as_sshd test -r "$SSHD_DIR/nss/passwd"; then
		_sshdh_err "uid $SSHD_UID cannot read $SSHD_DIR/nss/passwd;" \
			"put the work dir where that uid can reach it (TMPDIR=/tmp)"
		return 1
	fi
	return 0
}

# sshd_own PATH...
#   Give PATH to the uid sshd (and so the PAM module) runs as, for files
#   the module must read but that must not be world-readable, or dirs it
#   must write.  chown only when running as root in unpriv mode; a no-op
#   otherwise (sshd already runs as the owner).
sshd_own() {
	if [ "$SSHD_MODE" = unpriv ] && [ "$(id -u)" = 0 ]; then
		chown "$SSHD_UID:$SSHD_GID" -- "$@"
	fi
}

# sshd_home USER
#   Print USER's home directory (an nss_wrapper user's pw_dir).
sshd_home() {
	printf '%s\n' "$SSHD_DIR/home/$1"
}

# sshd_write_service NAME CONTENT
#   Write the PAM service file $SSHD_DIR/pam.d/NAME.  CONTENT "-" reads it
#   from stdin.  Modules may be given by absolute path (pam_wrapper's
#   requirement for modules outside the system module dir) or by name for
#   stock modules in the system module dir.  Every sshd connection re-execs
#   sshd and pam_wrapper copies pam.d/ at that moment, so rewriting a
#   service takes effect from the next login, without a restart.
#   Pitfall: pam_setcred() runs the auth stack's setcred; if every auth
#   module returns PAM_IGNORE there (pam_exec does), sshd gets
#   "pam_setcred(): Permission denied" and drops the session after a
#   successful authentication.  Add "auth optional pam_permit.so" then.
sshd_write_service() {
	local name=${1:-} content=${2-}
	[ -n "$SSHD_DIR" ] || { _sshdh_err "call sshd_setup first"; return 1; }
	case $name in
	'' | *[!A-Za-z0-9._-]* | .*) _sshdh_err "bad service name '$name'"; return 1 ;;
	esac
	if [ "$content" = - ]; then
		cat >"$SSHD_DIR/pam.d/$name" || return 1
	else
		printf '%s\n' "$content" >"$SSHD_DIR/pam.d/$name" || return 1
	fi
	chmod 0644 "$SSHD_DIR/pam.d/$name"
}

# sshd_start SERVICE
#   Start sshd with PAM service SERVICE (the file sshd_write_service
#   wrote) on 127.0.0.1 and a free port, and wait until it listens.  Sets
#   SSHD_PORT, SSHD_PID, SSHD_SERVICE, and pins the host key in
#   $SSHD_DIR/etc/known_hosts.  sshd runs in the foreground (-D) as a
#   background job of the calling shell (so call this directly, not in
#   $(...) or a pipeline; and do not use a bare `wait` while it runs),
#   logs at DEBUG3 with -E into $SSHD_LOG (stderr too), and gets
#   a clean environment: PATH, the wrapper variables and SSHD_ENV.  On
#   failure it prints the log tail and returns non-zero.
sshd_start() {
	local svc=${1:-} port tries=0 cfg deadline now i
	local -a env_vars cmd
	[ -n "$SSHD_DIR" ] || { _sshdh_err "call sshd_setup first"; return 1; }
	if [ -n "$SSHD_PID" ]; then
		_sshdh_err "sshd already running (pid $SSHD_PID); sshd_stop first"
		return 1
	fi
	if [ -z "$svc" ] || [ ! -f "$SSHD_DIR/pam.d/$svc" ]; then
		_sshdh_err "sshd_start: no service file $SSHD_DIR/pam.d/$svc"
		return 1
	fi
	if [ "$SSHD_MODE" = root ] && [ ! -d /run/sshd ]; then
		# runtime state the privsep child chroots into (not config)
		mkdir -m 0755 /run/sshd && _sshdh_created_run_sshd=1
	fi
	ln -sfn "$_sshdh_sshd_bin" "$SSHD_DIR/bin/$svc"
	SSHD_SERVICE=$svc
	cfg=$SSHD_DIR/etc/sshd_config

	env_vars=(
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin"
		"LANG=C"
		"LD_PRELOAD=${SSHD_PRELOAD_FIRST:+$SSHD_PRELOAD_FIRST }$_sshdh_libpamw $_sshdh_libnssw"
		"PAM_WRAPPER=1"
		"PAM_WRAPPER_SERVICE_DIR=$SSHD_DIR/pam.d"
		"PAM_WRAPPER_DEBUGLEVEL=${SSHD_PAM_WRAPPER_DEBUGLEVEL:-2}"
		"NSS_WRAPPER_PASSWD=$SSHD_DIR/nss/passwd"
		"NSS_WRAPPER_GROUP=$SSHD_DIR/nss/group"
	)
	if declare -p SSHD_ENV >/dev/null 2>&1; then
		env_vars+=("${SSHD_ENV[@]}")
	fi

	while :; do
		tries=$((tries + 1))
		port=$(( ( (RANDOM << 15) | RANDOM ) % 30000 + 20000 ))
		cat >"$cfg" <<EOF
# written by tests/e2e/sshd_harness.sh
ListenAddress 127.0.0.1
Port $port
AddressFamily inet
HostKey $SSHD_DIR/etc/ssh_host_ed25519_key
PidFile $SSHD_DIR/srv/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
HostbasedAuthentication no
GSSAPIAuthentication no
KerberosAuthentication no
AuthenticationMethods keyboard-interactive
PermitRootLogin no
PermitEmptyPasswords no
MaxAuthTries 6
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
PermitUserRC no
PermitUserEnvironment no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
Compression no
AuthorizedKeysFile none
LogLevel DEBUG3
SyslogFacility AUTH
${SSHD_EXTRA_CONFIG:-}
EOF
		chmod 0644 "$cfg"
		# sshd -E opens it (as sshd's uid) for its own log lines; this
		# shell's >> makes it stderr too, for pam_wrapper's messages
		# (the module's pam_syslog) and anything else the wrappers print.
		# Both append, so lines interleave in order.  (-e instead would
		# also send the session child's debug lines to the client.)
		: >"$SSHD_LOG"
		chmod 0644 "$SSHD_LOG"
		sshd_own "$SSHD_LOG"

		cmd=(env -i "${env_vars[@]}")
		declare -p SSHD_WRAP >/dev/null 2>&1 && cmd+=("${SSHD_WRAP[@]}")
		cmd+=("$SSHD_DIR/bin/$svc" -D -E "$SSHD_LOG" -f "$cfg")
		if [ "$SSHD_MODE" = unpriv ] && [ "$(id -u)" = 0 ]; then
			cmd=(setpriv --reuid="$SSHD_UID" --regid="$SSHD_GID" \
				--clear-groups --inh-caps=-all -- "${cmd[@]}")
		fi
		# A low fd limit keeps helpers that close every fd up to the limit
		# (pam_exec does) fast; the subshell execs, so $! is sshd's pid.
		(
			ulimit -S -n "${SSHD_NOFILE:-1024}" 2>/dev/null
			exec "${cmd[@]}"
		) </dev/null >>"$SSHD_LOG" 2>&1 &
		SSHD_PID=$!

		deadline=$(( $(date +%s) + ${SSHD_START_TIMEOUT:-10} ))
		while :; do
			if sshd_log | grep -qxF "Server listening on 127.0.0.1 port $port."; then
				break 2
			fi
			if ! kill -0 "$SSHD_PID" 2>/dev/null; then
				wait "$SSHD_PID" 2>/dev/null
				SSHD_PID=
				break
			fi
			now=$(date +%s)
			if [ "$now" -ge "$deadline" ]; then
				_sshdh_err "sshd did not listen within ${SSHD_START_TIMEOUT:-10}s"
				sshd_stop
				break
			fi
			sleep 0.05
		done
		if sshd_log | grep -qE 'Address already in use|Cannot bind any address' &&
			[ "$tries" -lt 8 ]; then
			[ -z "$SSHD_PID" ] || sshd_stop
			continue
		fi
		_sshdh_err "sshd failed to start (service $svc, port $port); log tail:"
		sshd_log 25 | sed 's/^/  | /' >&2
		SSHD_PID=
		return 1
	done
	SSHD_PORT=$port
	printf '[127.0.0.1]:%s %s\n' "$port" \
		"$(cut -d' ' -f1,2 "$SSHD_DIR/etc/ssh_host_ed25519_key.pub")" \
		>"$SSHD_DIR/etc/known_hosts"
	return 0
}

# ssh_login USER SECRET [COMMAND [ANSWER2 [ANSWER3 ...]]]
#   Log in as USER with a real ssh client (keyboard-interactive only, one
#   attempt, pinned host key, no tty: setsid + SSH_ASKPASS_REQUIRE=force)
#   and run COMMAND (default "true") through the user's /bin/sh.  Prompt 1
#   is answered with SECRET, prompt N with ANSWER<N> if given, else SECRET.
#   Secrets are passed through a 0600 file, never a tty or argv.  The
#   client is killed after SSH_LOGIN_TIMEOUT seconds (default 30; status
#   124).  Returns ssh's exit status and sets:
#     SSH_LOGIN_RC         ssh's exit status (255: ssh-level failure,
#                          e.g. "Permission denied"; else COMMAND's status)
#     SSH_LOGIN_STDOUT     COMMAND's stdout
#     SSH_LOGIN_STDERR     ssh's and COMMAND's stderr (PAM error/info
#                          messages and "Permission denied (...)" end here)
#     SSH_LOGIN_SHELL_RAN  1 if the remote shell ran for this very login
#                          (a per-login nonce was appended to
#                          $HOME/.sshd_harness_ran before COMMAND), else 0
#     SSH_LOGIN_PROMPTS    the prompts askpass saw, one a line
#     SSH_LOGIN_NPROMPTS   how many prompts were answered
#     SSH_LOGIN_DIR        dir with stdout, stderr, prompt.N, answer files
#   The user's remote environment is sshd's: USER, LOGNAME, HOME, SHELL,
#   PATH, SSH_* and the PAM environment.  No LD_PRELOAD reaches the
#   session, so `id -un` shows the system's name for the uid; use $USER.
ssh_login() {
	local user=${1:-} secret=${2-}
	shift 2 2>/dev/null || { _sshdh_err "usage: ssh_login USER SECRET [CMD [ANSWERS...]]"; return 2; }
	_sshdh_prepare_login || return 2
	printf '%s' "$secret" >"$SSH_LOGIN_DIR/answer"
	_sshdh_run_login "$user" "$@"
}

# ssh_login_secret_file USER FILE [COMMAND [ANSWER2 ...]]
#   Like ssh_login, but the first answer is the bytes of FILE (ssh still
#   stops at the first CR/LF and after 1023 bytes).
ssh_login_secret_file() {
	local user=${1:-} file=${2-}
	shift 2 2>/dev/null || { _sshdh_err "usage: ssh_login_secret_file USER FILE [CMD [ANSWERS...]]"; return 2; }
	[ -r "$file" ] || { _sshdh_err "cannot read $file"; return 2; }
	_sshdh_prepare_login || return 2
	cat -- "$file" >"$SSH_LOGIN_DIR/answer"
	_sshdh_run_login "$user" "$@"
}

# _sshdh_prepare_login: new per-login directory, reset SSH_LOGIN_*.
_sshdh_prepare_login() {
	if [ -z "$SSHD_PID" ] || [ -z "$SSHD_PORT" ]; then
		_sshdh_err "ssh_login: sshd is not running (sshd_start first)"
		return 1
	fi
	SSH_LOGIN_COUNT=$((SSH_LOGIN_COUNT + 1))
	SSH_LOGIN_DIR=$SSHD_DIR/run/login.$SSH_LOGIN_COUNT
	SSH_LOGIN_RC='' SSH_LOGIN_STDOUT='' SSH_LOGIN_STDERR='' SSH_LOGIN_SHELL_RAN=0
	SSH_LOGIN_PROMPTS='' SSH_LOGIN_NPROMPTS=0
	# 0700: the answer files inside are private whatever the umask
	rm -rf -- "$SSH_LOGIN_DIR"
	mkdir -m 0700 -- "$SSH_LOGIN_DIR" || return 1
	: >"$SSH_LOGIN_DIR/answer"
	return 0
}

# _sshdh_client_opts USER: the client's options (see ssh_login) in the
# array _sshdh_opts.
_sshdh_client_opts() {
	local -a extra=()
	if declare -p SSH_LOGIN_OPTS >/dev/null 2>&1; then
		extra=("${SSH_LOGIN_OPTS[@]}")
	fi
	# shellcheck disable=SC2054  # commas are ssh list syntax
	_sshdh_opts=(
		-F /dev/null -T -p "$SSHD_PORT" -l "$1"
		"${extra[@]}"
		-o UserKnownHostsFile="$SSHD_DIR/etc/known_hosts"
		-o GlobalKnownHostsFile=/dev/null
		-o StrictHostKeyChecking=yes
		-o HostKeyAlgorithms=ssh-ed25519
		-o UpdateHostKeys=no
		-o PreferredAuthentications=keyboard-interactive
		-o KbdInteractiveAuthentication=yes
		-o PasswordAuthentication=no
		-o PubkeyAuthentication=no
		-o HostbasedAuthentication=no
		-o GSSAPIAuthentication=no
		-o NumberOfPasswordPrompts=1
		-o BatchMode=no
		-o IdentityAgent=none
		-o ControlMaster=no -o ControlPath=none
		-o ConnectTimeout=10
		-o ServerAliveInterval=5 -o ServerAliveCountMax=4
		-o ForwardAgent=no -o ForwardX11=no
		# curve25519 first: ~90 ms faster per login than sntrup761
		-o KexAlgorithms=curve25519-sha256,sntrup761x25519-sha512
	)
}

# ssh_client_argv USER: the real ssh client with the options ssh_login
# uses, in the array SSH_CLIENT_ARGV (env -i, the client's environment,
# ssh, options; append 127.0.0.1 and the command), for a test that drives
# it itself, e.g. on a pseudo-terminal.
ssh_client_argv() {
	_sshdh_client_opts "$1"
	SSH_CLIENT_ARGV=(env -i "${SSHD_CLIENT_ENV[@]}" ssh "${_sshdh_opts[@]}")
	# ssh_login_log shows what the sshd log says from here on.
	_sshdh_log_offset=$(stat -c %s "$SSHD_LOG" 2>/dev/null || echo 0)
}

# _sshdh_run_login USER [COMMAND [ANSWER2 ...]]
_sshdh_run_login() {
	local user=$1 rcmd=${2:-true} nonce n=2 home ran_file a
	local -a opts
	shift
	[ $# -gt 0 ] && shift
	for a in "$@"; do
		printf '%s' "$a" >"$SSH_LOGIN_DIR/answer.$n"
		n=$((n + 1))
	done

	nonce="login-$SSH_LOGIN_COUNT-$$-$RANDOM$RANDOM"
	# $HOME on the server side; a failed printf must not stop COMMAND
	rcmd="printf '%s\\n' '$nonce' >>\"\$HOME/.sshd_harness_ran\" 2>/dev/null; $rcmd"

	_sshdh_client_opts "$user"
	opts=("${_sshdh_opts[@]}")
	_sshdh_log_offset=$(stat -c %s "$SSHD_LOG" 2>/dev/null || echo 0)

	timeout -k 3 "${SSH_LOGIN_TIMEOUT:-30}" setsid -w env -i \
		"${SSHD_CLIENT_ENV[@]}" \
		SSH_ASKPASS="$SSHD_DIR/bin/askpass" \
		SSH_ASKPASS_REQUIRE=force \
		SSHD_HARNESS_LOGIN_DIR="$SSH_LOGIN_DIR" \
		ssh "${opts[@]}" 127.0.0.1 "$rcmd" \
		</dev/null >"$SSH_LOGIN_DIR/stdout" 2>"$SSH_LOGIN_DIR/stderr"
	SSH_LOGIN_RC=$?

	SSH_LOGIN_STDOUT=$(<"$SSH_LOGIN_DIR/stdout")
	SSH_LOGIN_STDERR=$(<"$SSH_LOGIN_DIR/stderr")
	[ ! -f "$SSH_LOGIN_DIR/prompts" ] || SSH_LOGIN_PROMPTS=$(<"$SSH_LOGIN_DIR/prompts")
	[ ! -f "$SSH_LOGIN_DIR/nprompts" ] || read -r SSH_LOGIN_NPROMPTS <"$SSH_LOGIN_DIR/nprompts"
	home=
	while IFS=: read -r a _ _ _ _ ran_file _; do
		[ "$a" = "$user" ] && { home=$ran_file; break; }
	done <"$SSHD_DIR/nss/passwd"
	ran_file=${home:+$home/.sshd_harness_ran}
	if [ -n "$ran_file" ] && [ -f "$ran_file" ]; then
		while IFS= read -r a; do
			[ "$a" = "$nonce" ] && { SSH_LOGIN_SHELL_RAN=1; break; }
		done <"$ran_file"
	fi
	if [ "$SSH_LOGIN_RC" = 124 ] || [ "$SSH_LOGIN_RC" = 137 ]; then
		_sshdh_err "ssh_login: client killed after ${SSH_LOGIN_TIMEOUT:-30}s"
	fi
	_sshdh_pamwrap_reap
	return "$SSH_LOGIN_RC"
}

# ssh_login_log
#   Print the part of the sshd log written since the last ssh_login began
#   (server-side view of that login: PAM results, module syslog lines via
#   pam_wrapper, "Accepted"/"Failed ..." lines).
ssh_login_log() {
	[ -f "$SSHD_LOG" ] || return 0
	tail -c +"$((_sshdh_log_offset + 1))" "$SSHD_LOG" | tr -d '\r'
}

# sshd_log [N]
#   Print the whole sshd log of the current/last sshd, or its last N lines.
sshd_log() {
	[ -f "$SSHD_LOG" ] || return 0
	if [ -n "${1:-}" ]; then
		tail -n "$1" "$SSHD_LOG" | tr -d '\r'
	else
		tr -d '\r' <"$SSHD_LOG"
	fi
}

# sshd_stop
#   Stop the sshd started by sshd_start and any per-connection sshd
#   processes it forked that are still running, by pid (SIGTERM, then
#   SIGKILL after ~2s).  Removes our pam_wrapper copies from /tmp.  The log
#   stays readable with sshd_log until sshd_cleanup.  Safe to call twice.
sshd_stop() {
	local pid=$SSHD_PID i k kids alive
	[ -n "$pid" ] || { _sshdh_pamwrap_reap; return 0; }
	# per-connection sshd processes first, while the listener still
	# reaps them.  All descendants, not only children: a per-connection
	# sshd's "[pam]" and "[net]" children outlive it when the [pam] child
	# hangs in a module (the [net] child then never sees EOF), and would
	# be orphaned to init.
	kids=$(_sshdh_descendants "$pid")
	for k in $kids; do
		kill -TERM "$k" 2>/dev/null
	done
	for i in {1..40}; do
		alive=0
		for k in $kids; do
			_sshdh_alive "$k" && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.05
	done
	for k in $kids; do
		_sshdh_alive "$k" && kill -KILL "$k" 2>/dev/null
	done
	kill -TERM "$pid" 2>/dev/null
	for i in {1..100}; do
		_sshdh_alive "$pid" || break
		sleep 0.02
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	SSHD_PID=
	SSHD_PORT=
	_sshdh_pamwrap_reap all
	return 0
}

# sshd_cleanup
#   sshd_stop, then remove SSHD_DIR if sshd_setup created it (unless
#   SSHD_HARNESS_KEEP=1, in which case its path is printed), and
#   /run/sshd if the harness created it.  Installed as the EXIT trap by
#   sshd_setup; safe to call more than once.
sshd_cleanup() {
	[ -n "$_sshdh_id" ] || return 0
	sshd_stop
	if [ "$_sshdh_created_run_sshd" = 1 ]; then
		rmdir /run/sshd 2>/dev/null
		_sshdh_created_run_sshd=0
	fi
	if [ "${SSHD_HARNESS_KEEP:-0}" = 1 ]; then
		_sshdh_err "kept $SSHD_DIR"
	elif [ "$_sshdh_created_dir" = 1 ] && [ -n "$SSHD_DIR" ]; then
		rm -rf -- "$SSHD_DIR"
	fi
	_sshdh_id=
	return 0
}
