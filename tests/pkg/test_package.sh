#!/bin/bash
# test_package.sh - the Debian packages as an administrator gets them, on
# this machine (run by `.ci/quickstart check` after the test suite, as
# root; never by `make check`: it installs packages):
#
#   * make distcheck, then dpkg-buildpackage -us -uc -b from the tarball
#     it made: libpam-kinde and kinde-auth; lintian: no error, no warning;
#   * apt-get install ./...deb: the module beside pam_unix.so, the sample
#     config a conffile, the cache and state directories 0700 root, the
#     pam-auth-update profile not enabled; kinde-auth --version;
#   * a PAM login through the installed module, named without a path, with
#     a configuration that names no net_module (a cold cache: the installed
#     plugin fetches the key set from the fake issuer), and a refusal;
#   * pam-auth-update --enable kinde changes /etc/pam.d/common-auth,
#     --disable kinde puts it back byte for byte (a window of a second);
#   * dpkg --purge leaves /etc/pam.d and /var/lib/pam as they were and no
#     file of the packages, nor their cache and state, behind.
#
# Safe on a developer's machine: it refuses to run (every case skipped,
# saying why) where either package is installed already, and on any exit
# purges what it installed and puts back each file of /etc/pam.d and
# /var/lib/pam that differs from before.
#
# Environment: top_srcdir (a bootstrapped source tree: configure exists),
# PKG_BUILDDIR (where to configure and run distcheck, a directory others
# may traverse; default a temporary one).
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
top_builddir=$top_srcdir	# fake_kinde.sh's kinde-auth is not used here
. "$top_srcdir/tests/lib/fake_kinde.sh"

PKGS=(libpam-kinde kinde-auth)
INSTALLED=
BK=$T/before

# skip_all REASON: every case of the plan skipped, and why.
skip_all() {
	echo "# package job skipped: $1"
	echo "1..0 # SKIP $1"
	exit 0
}

# Puts back what the packages and pam-auth-update may have changed, then
# the fake issuer and $T go (fake_kinde.sh's cleanup).
restore() {
	local f
	if [ -n "$INSTALLED" ]; then
		DEBIAN_FRONTEND=noninteractive dpkg --purge "${PKGS[@]}" >/dev/null 2>&1
		INSTALLED=
	fi
	for d in etc/pam.d var/lib/pam; do
		[ -d "$BK/$d" ] || continue
		(cd "$BK/$d" && find . -type f) | while IFS= read -r f; do
			cmp -s "$BK/$d/$f" "/$d/$f" || cp -a "$BK/$d/$f" "/$d/$f"
		done
		# What pam-auth-update left beside them (its *.pam-new files).
		(cd "/$d" && find . -type f) | while IFS= read -r f; do
			[ -e "$BK/$d/$f" ] || rm -f "/$d/$f"
		done
	done
	[ -z "${PKG_TMP_BUILD:-}" ] || rm -rf "$PKG_TMP_BUILD"
	_fk_cleanup
}

[ "$(id -u)" = 0 ] ||
	skip_all "needs root (it installs packages): run .ci/quickstart check as root (or with sudo)"
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
	case $st in
	''|un*) ;;
	*) skip_all "$p is on this machine already ($st): not replacing it" ;;
	esac
done
for c in dpkg-buildpackage dh lintian apt-get pam-auth-update; do
	command -v "$c" >/dev/null || skip_all "$c is missing: run .ci/quickstart check, which installs it"
done
[ -x "$top_srcdir/configure" ] || { echo "Bail out! $top_srcdir is not bootstrapped (./autogen.sh)"; exit 99; }
[ -f /etc/pam.d/common-auth ] || skip_all "no /etc/pam.d/common-auth: not a Debian PAM setup"

mkdir -p "$BK/etc" "$BK/var/lib"
cp -a /etc/pam.d "$BK/etc/pam.d" && cp -a /var/lib/pam "$BK/var/lib/pam" ||
	{ echo "Bail out! cannot back up /etc/pam.d and /var/lib/pam"; exit 99; }
trap restore EXIT
# Every file named like us under the package's places, before: a source
# install on a developer's machine is not ours to judge.
kinde_files() {
	find /etc /usr /lib /var/lib /var/cache -xdev -name '*kinde*' 2>/dev/null | sort
}
kinde_files >"$T/kinde.before"

# ------------------------------------------------- distcheck and build --
# Not under $T (0700): distcheck's sshd test runs sshd's children as a
# user of their own, who must reach the module it built.
if [ -n "${PKG_BUILDDIR:-}" ]; then
	B=$PKG_BUILDDIR
	mkdir -p "$B"
else
	B=$(mktemp -d "${TMPDIR:-/tmp}/pam_kinde-pkg.XXXXXX") && chmod 0755 "$B" &&
		PKG_TMP_BUILD=$B
fi
( cd "$B" && "$top_srcdir/configure" -q && make -s -j"$(nproc)" distcheck ) >"$T/distcheck.out" 2>&1
ok $? "make distcheck" || diag "$(tail -30 "$T/distcheck.out")"
tarball=$(ls "$B"/pam_kinde-*.tar.gz 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "Bail out! no tarball from distcheck"; exit 99; }

mkdir "$T/deb"
tar -C "$T/deb" -xzf "$tarball"
src=$(echo "$T"/deb/pam_kinde-*)
# nocheck: distcheck has just run the whole suite on this very tarball.
( cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b -Pnocheck ) >"$T/build.out" 2>&1
ok $? "dpkg-buildpackage -us -uc -b from the distcheck tarball" || diag "$(tail -30 "$T/build.out")"
mod_deb=$(ls "$T"/deb/libpam-kinde_*.deb 2>/dev/null)
cli_deb=$(ls "$T"/deb/kinde-auth_*.deb 2>/dev/null)
[ -f "$mod_deb" ] && [ -f "$cli_deb" ]
ok $? "  two packages: libpam-kinde and kinde-auth" || { tap_done; exit 1; }

lintian "$T"/deb/*.changes >"$T/lintian.out" 2>&1
is "$(grep -E '^[EW]: ' "$T/lintian.out")" "" "lintian: no error and no warning left unexplained"
grep -q -E '^[A-Z]: ' "$T/lintian.out" && diag "$(grep -E '^[A-Z]: ' "$T/lintian.out")"

# The module goes where libpam loads modules named without a path.
secdir=$(dirname "$(dpkg -S '*/security/pam_unix.so' 2>/dev/null | sed -n '1s/^.*: //p')")
like "$(dpkg-deb -c "$mod_deb")" " \\.$secdir/pam_kinde\\.so"$'\n' \
	"libpam-kinde puts pam_kinde.so beside pam_unix.so ($secdir)"
dpkg-deb --ctrl-tarfile "$mod_deb" | tar -xOf - ./conffiles >"$T/conffiles" 2>/dev/null
is "$(cat "$T/conffiles")" /etc/security/pam_kinde.conf "  the sample configuration is its conffile"
like "$(dpkg-deb -c "$cli_deb")" ' \./usr/bin/kinde-auth'$'\n' "kinde-auth puts /usr/bin/kinde-auth"

# ------------------------------------------------------------- install --
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$mod_deb" "$cli_deb" >"$T/install.out" 2>&1
rc=$?
[ $rc = 0 ] && INSTALLED=1
ok $rc "apt-get install ./libpam-kinde_*.deb ./kinde-auth_*.deb" || diag "$(tail -20 "$T/install.out")"
cmp -s "$BK/etc/pam.d/common-auth" /etc/pam.d/common-auth
ok $? "  common-auth is unchanged: the profile waits for the administrator"
like "$(cat /usr/share/pam-configs/kinde 2>/dev/null)" $'\nDefault: no\n' \
	"  /usr/share/pam-configs/kinde says Default: no"
is "$(stat -c '%a %U %G' /var/cache/pam_kinde /var/lib/pam_kinde 2>&1)" "700 root root
700 root root" "  the cache and state directories are 0700 root"
[ -s /etc/security/pam_kinde.conf ] &&
	! grep -v '^#' /etc/security/pam_kinde.conf | grep -q '[^[:space:]]'
ok $? "  /etc/security/pam_kinde.conf is there, every line a comment"
is "$(find $(dpkg -L "${PKGS[@]}") -maxdepth 0 ! -type l -perm -0002 2>/dev/null)" "" \
	"  nothing they installed is world-writable"
ver=$(dpkg-query -W -f='${Version}' kinde-auth)
is "$(kinde-auth --version 2>&1)" "kinde-auth (pam_kinde) $ver" "kinde-auth --version names the package's version"

# ------------------------------------ a login through the installed module --
if fk_start; then
	fk_conf "$T/pam_kinde.conf" "require_scopes = ssh:login"
	chmod 644 "$T/pam_kinde.conf"
	mkdir "$T/pam.d"
	# Named without a path: libpam finds it in its module directory.
	printf 'auth required pam_kinde.so config=%s\naccount required pam_kinde.so config=%s\n' \
		"$T/pam_kinde.conf" "$T/pam_kinde.conf" >"$T/pam.d/kinde-pkg"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam.d/other"
	printf 'kpkg:x:%s:%s:pkg test:%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$T" >"$T/passwd"
	printf 'kpkg:x:%s:\n' "$(id -g)" >"$T/group"
	login() {	# login TOKEN-FILE: the installed kinde-auth pam-test
		env LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD="$T/passwd" \
			NSS_WRAPPER_GROUP="$T/group" timeout 60 /usr/bin/kinde-auth \
			pam-test --confdir "$T/pam.d" --rhost 127.0.0.1 kinde-pkg kpkg \
			<"$1" 2>&1
	}
	grep -q net_module "$T/pam_kinde.conf"
	isnt $? 0 "the login's configuration names no net_module"
	fk_mint --sub kpkg --scp openid --scp ssh:login >"$T/good"
	out=$(login "$T/good")
	like "$out" 'authenticate \(pam_authenticate\): PAM_SUCCESS' \
		"a token with ssh:login logs in through the installed module" || diag "$out"
	like "$out" 'account .*PAM_SUCCESS' "  and passes its account stage"
	cmp_num "$(fk_count /.well-known/jwks)" -ge 1 \
		"  with a cold cache: the installed plugin fetched the key set"
	fk_mint --sub kpkg --scp openid >"$T/bad"
	out=$(login "$T/bad")
	like "$out" 'authenticate \(pam_authenticate\): PAM_AUTH_ERR' \
		"a token without ssh:login is refused" || diag "$out"
	fk_stop
else
	for d in "a login through the installed module" "  account" "  plugin" \
		"a refusal" "no net_module"; do
		_tap_result 1 "$d (the fake issuer did not start)"
	done
fi

# -------------------------------------------------------- pam-auth-update --
# The window in which every service on this machine asks for Kinde: two
# commands, nothing between them but a copy.
pam-auth-update --enable kinde >"$T/pau.out" 2>&1
rc1=$?
cp /etc/pam.d/common-auth "$T/common-auth.enabled"
pam-auth-update --disable kinde >>"$T/pau.out" 2>&1
rc2=$?
is "$rc1/$rc2" 0/0 "pam-auth-update --enable kinde, then --disable kinde" || diag "$(cat "$T/pau.out")"
like "$(diff "$BK/etc/pam.d/common-auth" "$T/common-auth.enabled")" \
	'^[0-9]+a[0-9]+'$'\n''> auth[[:space:]]+required[[:space:]]+pam_kinde\.so[[:space:]]*$' \
	"  --enable adds one line to common-auth: auth required pam_kinde.so"
cmp -s "$BK/etc/pam.d/common-auth" /etc/pam.d/common-auth
ok $? "  --disable puts common-auth back byte for byte" ||
	diag "$(diff "$BK/etc/pam.d/common-auth" /etc/pam.d/common-auth)"

# --------------------------------------------------------------- purge --
# Something in the cache and the state, as a host in use would have.
touch /var/cache/pam_kinde/jwks-in-use /var/lib/pam_kinde/limits-in-use
# Their files (not the directories they share with others, nor /lib,
# a symlink on a merged /usr).
dpkg -L "${PKGS[@]}" 2>/dev/null | sort -u | while IFS= read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] && echo "$f"
done >"$T/files"
DEBIAN_FRONTEND=noninteractive dpkg --purge "${PKGS[@]}" >"$T/purge.out" 2>&1
ok $? "dpkg --purge libpam-kinde kinde-auth" || diag "$(cat "$T/purge.out")"
INSTALLED=
is "$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${PKGS[@]}" 2>/dev/null | grep -v '^un')" "" \
	"  dpkg knows neither any more (no config-files state)"
left=$(while IFS= read -r f; do
	[ -e "$f" ] || [ -L "$f" ] && echo "$f"
done <"$T/files")
is "$left" "" "  none of their $(wc -l <"$T/files") files is left"
is "$(ls -d /var/cache/pam_kinde /var/lib/pam_kinde 2>/dev/null)" "" "  nor their cache and state directories"
diff -r "$BK/etc/pam.d" /etc/pam.d >"$T/pamd.diff" 2>&1
ok $? "  /etc/pam.d is as it was before the install" || diag "$(cat "$T/pamd.diff")"
diff -r "$BK/var/lib/pam" /var/lib/pam >"$T/pam.diff" 2>&1
ok $? "  so is pam-auth-update's state in /var/lib/pam" || diag "$(cat "$T/pam.diff")"
is "$(kinde_files | comm -13 "$T/kinde.before" -)" "" \
	"  no file named *kinde* is left in /etc, /usr, /lib, /var/lib, /var/cache"

tap_done
