#!/bin/bash
# The main job of the quick start: a real PAM login against a local
# Kinde-compatible issuer.
#
#  1. start the fake Kinde issuer (HTTPS on 127.0.0.1, its own CA),
#  2. configure pam_kinde for a PAM service in a private directory
#     (pam_start_confdir: /etc/pam.d is not touched) and a local user
#     "demo" (nss_wrapper: /etc/passwd is not touched),
#  3. log in with a token the issuer minted: accepted,
#  4. log in with a token that lacks the required scope: refused,
#  5. show the module's log lines and what `kinde-auth verify --explain`
#     says about the refused token.
#
# Run by `make demo` (top_builddir, top_srcdir and PYTHON3 set).
set -euo pipefail

: "${top_builddir:?}" "${top_srcdir:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
tmp=$(mktemp -d /tmp/pam_kinde-demo.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

say() {
	if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi
}

say "Starting a local Kinde-compatible issuer"
mkfifo "$tmp/ready"
"$PYTHON3" "$top_srcdir/tests/fake_kinde/fake_kinde.py" --state-dir "$tmp/issuer" \
	>"$tmp/ready" 2>"$tmp/issuer.log" &
server_pid=$!
read -r word port <"$tmp/ready"
[ "$word" = READY ] || { echo "issuer did not start"; cat "$tmp/issuer.log"; exit 1; }
issuer=$(cat "$tmp/issuer/issuer")
echo "issuer: $issuer (certificate from its own test CA)"

say "Configuring pam_kinde for the service kinde-demo and the user demo"
mkdir -p "$tmp/pam.d" "$tmp/cache" "$tmp/home"
chmod 700 "$tmp/cache"
cat >"$tmp/pam_kinde.conf" <<EOF
domain = $issuer
ca_file = $tmp/issuer/ca.pem
cache_dir = $tmp/cache
require_scopes = ssh:login
net_module = $top_builddir/.libs/kinde-net.so
EOF
chmod 644 "$tmp/pam_kinde.conf"
cat >"$tmp/pam.d/kinde-demo" <<EOF
auth     required  $top_builddir/pam/.libs/pam_kinde.so config=$tmp/pam_kinde.conf
account  required  $top_builddir/pam/.libs/pam_kinde.so config=$tmp/pam_kinde.conf
EOF
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$tmp/pam.d/other"
cat "$tmp/pam_kinde.conf" "$tmp/pam.d/kinde-demo"
printf 'demo:x:%s:%s:Demo User:%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$tmp/home" >"$tmp/passwd"
printf 'demo:x:%s:\n' "$(id -g)" >"$tmp/group"

login() {
	# kinde-auth pam-test: the administrator's way to try a PAM service
	# (pam_authenticate + pam_acct_mgmt, then the modules' log lines).
	env LD_PRELOAD="${ASAN_PRELOAD:+$ASAN_PRELOAD:}libnss_wrapper.so" \
		NSS_WRAPPER_PASSWD="$tmp/passwd" NSS_WRAPPER_GROUP="$tmp/group" \
		"$top_builddir/tools/kinde-auth" pam-test --confdir "$tmp/pam.d" \
		--rhost 127.0.0.1 kinde-demo demo <"$1" 2>&1 |
		sed 's/^/  /' || true	# a refusal is an outcome, not an error
}

mint() {
	"$PYTHON3" "$top_srcdir/tests/fake_kinde/mint.py" --state-dir "$tmp/issuer" \
		--sub demo --org org_demo "$@"
}

say "Login 1: a token for demo with the scope ssh:login"
mint --scp openid --scp ssh:login >"$tmp/good"
echo "token: $(cut -c1-40 "$tmp/good")... ($(wc -c <"$tmp/good") bytes)"
login "$tmp/good" | tee "$tmp/login1"
grep -q 'authenticate (pam_authenticate): PAM_SUCCESS' "$tmp/login1" &&
	grep -q 'account .*PAM_SUCCESS' "$tmp/login1" ||
	{ echo "demo: the good token was not accepted"; exit 1; }

say "Login 2: a token for demo WITHOUT the scope ssh:login"
mint --scp openid --scp profile >"$tmp/bad"
login "$tmp/bad" | tee "$tmp/login2"
grep -q 'authenticate (pam_authenticate): PAM_AUTH_ERR' "$tmp/login2" ||
	{ echo "demo: the token without ssh:login was not refused"; exit 1; }

say "Why login 2 was refused: kinde-auth verify --explain"
"$top_builddir/tools/kinde-auth" verify --config "$tmp/pam_kinde.conf" --explain - <"$tmp/bad" |
	sed 's/^/  /' || true

say "Result"
echo "accepted the token with ssh:login, refused the one without: the demo worked."
