#!/bin/bash
# test_install.sh - the installed layout, with `make install DESTDIR=...`
# of this build (nothing outside the test's directory is touched):
#   * pam_kinde.so in the PAM module directory (by default the one beside
#     libpam, where pam_unix.so is), kinde-net.so at the path the module
#     loads it from, kinde-auth in bindir, the three man pages;
#   * no libtool .la file in the PAM module directory or beside the plugin
#     (both are dlopen()ed by path; a .la there serves nobody);
#   * the cache and state directories 0700, and a systemd-tmpfiles snippet
#     that makes them so (applied under a private --root); nothing
#     installed is world-writable;
#   * a commented pam_kinde.conf, mode 0644, when there is none; with
#     every setting commented out it loads nothing, and pam_kinde and
#     kinde-auth say what is missing (domain);
#   * a second install keeps an edited pam_kinde.conf;
#   * uninstall removes what install put: an unchanged pam_kinde.conf too,
#     an edited one never.
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/lib/fake_kinde.sh"

B=${top_builddir:?}
[ -f "$B/Makefile" ] || { echo "Bail out! no Makefile in $B"; exit 99; }
D=$T/destdir

# inst TARGET: make TARGET DESTDIR=$D in this build, as a make of its own
# (not a part of the make check that runs this test).
inst() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$B" "$1" \
		DESTDIR="$D" >"$T/$1.out" 2>&1
}
files() { (cd "$D" && find . \( -type f -o -type l \) | sort); }
# mkvar NAME: the value of the make variable NAME in this build.
mkvar() {
	printf 'print-var:\n\t@echo $(%s)\n' "$1" |
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s \
		--no-print-directory -C "$B" -f Makefile -f - print-var
}

inst install
ok $? "make install DESTDIR=... succeeds" || diag "$(tail -20 "$T/install.out")"

mod=$(files | grep '/pam_kinde\.so$')
net=$(files | grep '/kinde-net\.so$')
[ -n "$mod" ] && [ -n "$net" ]
ok $? "the PAM module and the plugin are installed ($mod, $net)"
is "$(files | grep '\.la$')" "" "no libtool .la file is installed anywhere"
# The limiter's state directory (both install hooks must run: two hooks
# of one name in Makefile.am silently drop the first).
sdir=$(mkvar statedir)
[ -n "$sdir" ] && [ -d "$D$sdir" ] && [ "$(stat -c %a "$D$sdir")" = 700 ]
ok $? "the state directory is installed with mode 0700 (${sdir:-none})"
cdir=$(mkvar cachedir)
[ -n "$cdir" ] && [ -d "$D$cdir" ] && [ "$(stat -c %a "$D$cdir")" = 700 ]
ok $? "the cache directory is installed with mode 0700 (${cdir:-none})"
is "$(cd "$D" && find "$(dirname "$mod")" "$(dirname "$net")" -name '*.la' -o -name '*.lai' | head -3)" "" \
	"  none in the PAM module directory or beside the plugin"

# Where libpam looks: a module named without a path loads from the
# directory of pam_unix.so.  configure finds it from libpam's location
# unless --with-pamdir says otherwise.
pamdir=$(mkvar pamdir)
is "./${pamdir#/}/pam_kinde.so" "$mod" "pam_kinde.so is installed in pamdir ($pamdir)"
if "$B/config.status" --config | grep -q -- '--with-pamdir'; then
	skip "  the default pamdir is libpam's" "configured --with-pamdir"
elif find /lib /lib64 /usr/lib /usr/lib64 -maxdepth 3 -path '*/security/pam_unix.so' \
	2>/dev/null | grep -q .; then
	[ -e "$pamdir/pam_unix.so" ]
	ok $? "  the default pamdir is libpam's own, beside pam_unix.so"
else
	skip "  the default pamdir is libpam's" "no pam_unix.so on this system"
fi
netpath=$(mkvar pkglibdir)/kinde-net.so
is "./${netpath#/}" "$net" "kinde-net.so is installed at $netpath"
grep -q -a -F "$netpath" "$D/${mod#./}"
ok $? "  the path the installed module loads it from"
is "$(files | grep -c -x -F "./$(mkvar bindir | sed 's,^/,,')/kinde-auth")" 1 \
	"kinde-auth is installed in bindir"
mandir=$(mkvar mandir)
for m in man1/kinde-auth.1 man5/pam_kinde.conf.5 man8/pam_kinde.8; do
	[ -f "$D$mandir/$m" ]
	ok $? "the man page $m is installed"
done

# The tmpfiles.d snippet, applied by systemd-tmpfiles under a root of
# its own: both directories, 0700, root's.
tmpf=$D$(mkvar tmpfilesdir)/pam_kinde.conf
is "$(grep -v '^#' "$tmpf" 2>/dev/null)" "d $cdir 0700 root root -
d $sdir 0700 root root -" "a tmpfiles.d snippet makes the cache and state directories 0700 root"
if [ "$(id -u)" = 0 ] && command -v systemd-tmpfiles >/dev/null; then
	mkdir "$T/troot"
	systemd-tmpfiles --root="$T/troot" --create "$tmpf" >"$T/tmpfiles.out" 2>&1
	ok $? "  systemd-tmpfiles --create accepts it" || diag "$(cat "$T/tmpfiles.out")"
	is "$(stat -c '%a %U %G' "$T/troot$cdir" "$T/troot$sdir" 2>&1)" "700 root root
700 root root" "  and makes both directories 0700 root:root"
else
	skip "  systemd-tmpfiles --create accepts it" "needs root and systemd-tmpfiles"
	skip "  and makes both directories" "needs root and systemd-tmpfiles"
fi
is "$(cd "$D" && find . ! -type l -perm -0002)" "" "nothing installed is world-writable"

conf=$(files | grep '/pam_kinde\.conf$' | grep -v -e '/examples/' -e '/tmpfiles\.d/')
[ -n "$conf" ]
ok $? "a pam_kinde.conf is installed (${conf:-none})"
conf=$D/${conf#./}
is "$(stat -c %a "$conf" 2>/dev/null)" 644 "  with mode 0644"
is "$(stat -c %u "$conf" 2>/dev/null)" "$(id -u)" "  owned by the installing user (root for make install)"
is "$(grep -v '^#' "$conf" | grep -c '[^[:space:]]')" 0 "  every line commented out"
like "$(head -5 "$conf")" 'refuses every login.*domain' "  its first lines say it refuses logins until domain is set"
# What it shows is the example, line for line.
is "$(sed -n '6,$p' "$conf")" \
	"$(sed 's/^\([^#[:space:]]\)/#\1/' "$top_srcdir/doc/examples/pam_kinde.conf")" \
	"  it is doc/examples/pam_kinde.conf with the settings commented out"

# Loaded as it is, it names what is missing.
cp "$conf" "$T/sample.conf"
chmod 644 "$T/sample.conf"
kinde_auth verify --config "$T/sample.conf" not-a-token
is "$KA_RC" 2 "kinde-auth verify with the installed file: exit 2 (configuration error)"
like "$KA_ERR" 'no issuer: set domain' "  naming what is missing: domain"
if [ -x "$B/tests/pam/pam_harness" ] && [ -e "$B/pam/.libs/pam_kinde.so" ]; then
	mkdir -p "$T/pam.d"
	printf 'auth required %s config=%s\n' "$B/pam/.libs/pam_kinde.so" "$T/sample.conf" >"$T/pam.d/sample"
	"$B/tests/pam/pam_harness" --confdir "$T/pam.d" --log "$T/h.log" --secret x --no-acct \
		sample "$(id -un)" >"$T/h.out" 2>&1
	is "$(sed -n 's/^auth //p' "$T/h.out")" PAM_SERVICE_ERR "pam_kinde with the installed file: PAM_SERVICE_ERR"
	like "$(cat "$T/h.log" 2>/dev/null)" 'configuration error: .*no issuer: set domain' \
		"  and its log line names what is missing" || diag "$(cat "$T/h.out" "$T/h.log" 2>/dev/null)"
else
	skip "pam_kinde with the installed file" "pam_harness not built"
	skip "  its log line" "pam_harness not built"
fi

# A second install keeps what the administrator wrote.
printf 'domain = https://edited.example\n' >>"$conf"
cp "$conf" "$T/edited"
inst install
ok $? "a second make install succeeds"
cmp -s "$conf" "$T/edited"
ok $? "  and keeps the edited pam_kinde.conf"
like "$(cat "$T/install.out")" 'keeping .*pam_kinde\.conf' "  saying so"

# Uninstall: everything install put, but never an edited file.
inst uninstall
ok $? "make uninstall succeeds" || diag "$(tail -20 "$T/uninstall.out")"
is "$(files)" "./${conf#"$D"/}" "uninstall leaves only the edited pam_kinde.conf" || diag "$(files)"
sed -i '$d' "$conf"
inst install
inst uninstall
is "$(files)" "" "uninstall of an unchanged install leaves no file at all" || diag "$(files)"
[ ! -e "$D$sdir" ] && [ ! -e "$D$cdir" ]
ok $? "  nor the (empty) cache and state directories"

tap_done
