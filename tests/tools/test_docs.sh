#!/bin/bash
# test_docs.sh - the manual pages and examples against the code (TAP).
#
#  * every key of the option table (lib/config.c) has a .TP/.B entry in
#    doc/pam_kinde.conf.5 that gives its default and range as the code
#    does, and every entry there is a real key;
#  * every subcommand of kinde-auth (tools/kinde-auth.c commands[]) has a
#    section in doc/kinde-auth.1, and every section there is a real one;
#  * every long option (the longopts of tools/cmd_*.c, with the
#    CLI_*_LONGOPTS macros of tools/cli.h expanded) and short option is in
#    doc/kinde-auth.1: a command's own options in its section, the shared
#    ones under COMMON OPTIONS;
#  * the PAM environment variables (pam/pam_kinde.c), the reason names and
#    their failure classes (lib/err.c) are documented;
#  * each page renders with man(1) and groff without a warning;
#  * the PAM lines of doc/examples/sshd, sudo, breakglass and fallback
#    parse (type, control, module path; pam_kinde.so arguments are known
#    keys), and
#    doc/examples/pam_kinde.conf is accepted by kinde-auth when it is built;
#  * the checks can fail: run against a page with an entry removed, they
#    report it.
#
# Needs bash 4, sed, awk, grep, sort, comm; man-db and groff-base for the
# rendering checks (skipped without them).  Process creation is slow on
# some machines: the checks work on sets read once, not a grep per check.
#
#   top_srcdir=... top_builddir=... bash tests/tools/test_docs.sh

set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export LC_ALL=C

SRC=$top_srcdir
CONF5=$SRC/doc/pam_kinde.conf.5
MAN8=$SRC/doc/pam_kinde.8
MAN1=$SRC/doc/kinde-auth.1
KINDE_AUTH=${KINDE_AUTH:-$top_builddir/tools/kinde-auth}

T=$(mktemp -d "${TMPDIR:-/tmp}/kinde_docs.XXXXXX") || {
	echo "Bail out! cannot make a temp dir"
	exit 99
}
trap 'rm -rf "$T"' EXIT

N=0
FAILED=0
ok() {	# ok STATUS DESCRIPTION [DIAGNOSTIC...]
	local st=$1 desc=$2
	shift 2
	N=$((N + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $N - $desc"
	else
		echo "not ok $N - $desc"
		FAILED=$((FAILED + 1))
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	fi
}
skip() {
	N=$((N + 1))
	echo "ok $N - $1 # SKIP $2"
}

for f in "$CONF5" "$MAN8" "$MAN1" "$SRC/lib/config.c" \
	"$SRC/tools/kinde-auth.c" "$SRC/tools/cli.h" "$SRC/pam/pam_kinde.c" \
	"$SRC/lib/err.c"; do
	[ -r "$f" ] || { echo "Bail out! cannot read $f"; exit 99; }
done

# ------------------------------------------------------- from the code --

# The keys of the option table: the `{ "name", OT_...` lines.
config_options() {
	sed -n 's/^[[:space:]]*{[[:space:]]*"\([A-Za-z0-9_]*\)",[[:space:]]*OT_[A-Z_]*,.*/\1/p' \
		"$SRC/lib/config.c"
}

# "name lo hi default" of the OT_INT keys (default from the help text's
# "(default N)", "-" when it gives none).
config_int_options() {
	awk '
		function flush() { if (name != "") print name, lo, hi, (def == "" ? "-" : def); name = "" }
		/^[[:space:]]*{[[:space:]]*"[a-z0-9_]*",[[:space:]]*OT_/ {
			flush()
			if ($0 !~ /OT_INT,/) next
			match($0, /"[a-z0-9_]*"/); name = substr($0, RSTART + 1, RLENGTH - 2)
			split($0, f, ","); lo = f[4]; hi = f[5]; def = ""
			gsub(/[[:space:]]/, "", lo); gsub(/[[:space:]]/, "", hi)
			if (hi ~ /^[0-9]+\*[0-9]+$/) { split(hi, m, "*"); hi = m[1] * m[2] }
		}
		name != "" && match($0, /default [0-9]+\)/) {
			def = substr($0, RSTART + 8, RLENGTH - 9)
		}
		/^};/ { flush() }' "$SRC/lib/config.c"
}

# "name cmd_function" of each subcommand inside commands[].
cli_commands() {
	awk '/commands\[\][[:space:]]*=[[:space:]]*{/ { on = 1; next }
	     on && /^[[:space:]]*};/ { exit }
	     on' "$SRC/tools/kinde-auth.c" |
		sed -n 's/^[[:space:]]*{[[:space:]]*"\([^"]*\)",[[:space:]]*\(cmd_[a-z_0-9]*\).*/\1 \2/p'
}

# Long options written out in a file: `{ "name", xxx_argument`.
longopts_in() {
	sed -n 's/.*{[[:space:]]*"\([A-Za-z0-9-]*\)",[[:space:]]*\(no\|required\|optional\)_argument.*/\1/p' "$1"
}

# The long options of a CLI_*_LONGOPTS macro of tools/cli.h.
macro_longopts() {
	awk -v m="$1" '
		$1 == "#define" && $2 == m { on = 1 }
		on { print; if ($0 !~ /\\[[:space:]]*$/) exit }' "$SRC/tools/cli.h" |
		sed -n 's/.*{[[:space:]]*"\([A-Za-z0-9-]*\)",[[:space:]]*\(no\|required\|optional\)_argument.*/\1/p'
}

# The short options of a file's getopt_long optstring, one a line.
shortopts_in() {
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$1" | tr -d ':+-' |
		fold -w1 | sort -u
}

# ------------------------------------------------------ from the pages --

# The entries of a section: the first word of the .B/.BI/.BR line after
# each .TP, quotes and font escapes removed, \- made -.  SECTION is a .SH
# title without quotes ("" for the whole page).
tp_entries() {	# tp_entries PAGE SECTION
	awk -v want="$2" '
		/^\.SH/ {
			t = $0; sub(/^\.SH[[:space:]]*/, "", t); gsub(/"/, "", t)
			in_sec = (want == "" || t == want)
			next
		}
		!in_sec { next }
		prev == ".TP" && $1 ~ /^\.B[IR]?$/ {
			w = $2; gsub(/"/, "", w); gsub(/\\f[BIRP]/, "", w)
			gsub(/\\-/, "-", w); sub(/,$/, "", w)
			print w
		}
		{ prev = $1 }' "$1"
}

# "name<TAB>text" of each entry of a section, its lines joined.
tp_entry_texts() {	# tp_entry_texts PAGE SECTION
	awk -v want="$2" '
		function flush() { if (name != "") print name "\t" text; name = "" }
		/^\.SH/ {
			flush()
			t = $0; sub(/^\.SH[[:space:]]*/, "", t); gsub(/"/, "", t)
			in_sec = (want == "" || t == want)
			next
		}
		!in_sec { next }
		/^\.(SS|PP)/ { flush() }
		prev == ".TP" && $1 ~ /^\.B[IR]?$/ {
			flush()
			w = $2; gsub(/"/, "", w); gsub(/\\f[BIRP]/, "", w)
			gsub(/\\-/, "-", w); name = w; text = ""
		}
		name != "" && $0 != ".TP" { text = text " " $0 }
		{ prev = $1 }
		END { flush() }' "$1"
}

# The .SS titles of a section.
ss_titles() {	# ss_titles PAGE SECTION
	awk -v want="$2" '
		/^\.SH/ {
			t = $0; sub(/^\.SH[[:space:]]*/, "", t); gsub(/"/, "", t)
			in_sh = (t == want); next
		}
		in_sh && /^\.SS/ {
			t = $0; sub(/^\.SS[[:space:]]*/, "", t); gsub(/"/, "", t)
			gsub(/\\-/, "-", t); print t
		}' "$1"
}

# The text of one .SH section, or of one .SS subsection of it.
section_text() {	# section_text PAGE SH_TITLE [SS_TITLE]
	awk -v sh="$2" -v ss="${3-}" '
		/^\.SH/ {
			t = $0; sub(/^\.SH[[:space:]]*/, "", t); gsub(/"/, "", t)
			in_sh = (t == sh); in_ss = (ss == ""); next
		}
		in_sh && /^\.SS/ && ss != "" {
			t = $0; sub(/^\.SS[[:space:]]*/, "", t); gsub(/"/, "", t)
			gsub(/\\-/, "-", t); in_ss = (t == ss); next
		}
		in_sh && in_ss' "$1"
}

# The long options a text mentions (\-\-name, hyphens escaped or not),
# one name a line without the dashes: "--jsonx" is "jsonx", not "json".
mentioned_longopts() {	# mentioned_longopts < TEXT
	grep -oE -- '(\\?-){2}[A-Za-z0-9]+((\\?-)[A-Za-z0-9]+)*' |
		sed 's/\\-/-/g; s/^--//' | sort -u
}

# Whether a text mentions the short option -L (\-L), alone.
has_shortopt() {	# has_shortopt LETTER < TEXT
	grep -Eq -- "(^|[^A-Za-z0-9\\\\-])\\\\?-$1([^A-Za-z0-9-]|\\\\[^-]|\$)"
}

# A set: name -> 1, from a file of lines.
declare -A SET
load_set() {	# load_set FILE: fills SET
	local x
	SET=()
	while IFS= read -r x; do
		[ -n "$x" ] && SET[$x]=1
	done <"$1"
}

# ------------------------------------------- pam_kinde.conf.5: options --

config_options >"$T/options"
NOPT=$(wc -l <"$T/options")
[ "$NOPT" -ge 20 ]
ok $? "the option table of lib/config.c yields its keys ($NOPT)" \
	"the sed expression found $NOPT keys: has the table's layout changed?"
load_set "$T/options"
declare -A OPTION=()
for k in "${!SET[@]}"; do OPTION[$k]=1; done

# Undocumented keys of a page, one a line.
check_conf_page() {	# check_conf_page PAGE
	tp_entries "$1" OPTIONS | sort -u >"$T/.entries"
	sort -u "$T/options" | comm -23 - "$T/.entries"
}

tp_entries "$CONF5" OPTIONS >"$T/conf_entries"
load_set "$T/conf_entries"
while read -r opt; do
	[ -n "${SET[$opt]+x}" ]
	ok $? "pam_kinde.conf.5 has a .TP/.B entry for option $opt"
done <"$T/options"

extra=
while read -r e; do
	[ -n "${OPTION[$e]+x}" ] || extra="$extra $e"
done <"$T/conf_entries"
[ -z "$extra" ]
ok $? "pam_kinde.conf.5 OPTIONS documents no key the code lacks" \
	"entries that are not keys of lib/config.c:$extra"

# The integer options: their entry gives the range ("LO to HI") and the
# default ("Default: N") of the code.
declare -A ENTRY_TEXT=()
while IFS=$'\t' read -r name text; do
	ENTRY_TEXT[$name]=$text
done < <(tp_entry_texts "$CONF5" OPTIONS)
while read -r opt lo hi def; do
	text=${ENTRY_TEXT[$opt]-}
	[[ $text == *"$lo to $hi"* ]]
	ok $? "pam_kinde.conf.5 gives the range of $opt as the code does ($lo to $hi)"
	if [ "$def" != - ]; then
		[[ $text == *"Default: $def"* ]]
		ok $? "pam_kinde.conf.5 gives the default of $opt as the code does ($def)"
	fi
done < <(config_int_options)

# ------------------------------------------ kinde-auth.1: subcommands --

cli_commands >"$T/commands"
NCMD=$(wc -l <"$T/commands")
[ "$NCMD" -ge 1 ]
ok $? "tools/kinde-auth.c commands[] yields the subcommands ($NCMD)"

ss_titles "$MAN1" COMMANDS >"$T/man1_commands"
load_set "$T/man1_commands"
# Names as roff writes them: "pam\-test" is pam-test.
synopsis=$(sed 's/\\-/-/g; s/\\f[BRI]//g' "$MAN1" | grep -o 'kinde-auth [a-z-]*' |
	sed 's/^kinde-auth //' | sort -u)
declare -A COMMAND=()
while read -r cmd fn; do
	COMMAND[$cmd]=$fn
	[ -n "${SET[$cmd]+x}" ]
	ok $? "kinde-auth.1 has a COMMANDS section for '$cmd'"
	grep -qx -- "$cmd" <<<"$synopsis"
	ok $? "kinde-auth.1 shows the synopsis 'kinde-auth $cmd'"
done <"$T/commands"

extra=
while read -r s; do
	[ -n "${COMMAND[$s]+x}" ] || extra="$extra $s"
done <"$T/man1_commands"
[ -z "$extra" ]
ok $? "kinde-auth.1 documents no subcommand that tools/kinde-auth.c lacks" \
	"sections without a command:$extra"

# ---------------------------------------- kinde-auth.1: the options --

section_text "$MAN1" "COMMON OPTIONS" >"$T/man1_common"
mentioned_longopts <"$T/man1_common" >"$T/common_longopts"
load_set "$T/common_longopts"
declare -A COMMON=()
for k in "${!SET[@]}"; do COMMON[$k]=1; done

# Every macro's options are common options.
for m in $(awk '$1 == "#define" && $2 ~ /^CLI_[A-Z_]*_LONGOPTS$/ { print $2 }' "$SRC/tools/cli.h"); do
	while read -r lo; do
		[ -n "${COMMON[$lo]+x}" ]
		ok $? "kinde-auth.1 COMMON OPTIONS has --$lo ($m)"
	done < <(macro_longopts "$m")
done

# Each command's options: in its section, or as a common one.
while read -r cmd fn; do
	file=$(grep -l "^$fn(" "$SRC"/tools/*.c 2>/dev/null | head -1)
	if [ -z "$file" ]; then
		ok 1 "the source of kinde-auth $cmd ($fn) is in tools/"
		continue
	fi
	section_text "$MAN1" COMMANDS "$cmd" >"$T/man1_$cmd"
	mentioned_longopts <"$T/man1_$cmd" >"$T/longopts_$cmd"
	load_set "$T/longopts_$cmd"
	for k in "${!COMMON[@]}"; do SET[$k]=1; done
	{
		longopts_in "$file" | sed "s/\$/ $(basename "$file")/"
		for m in $(grep -o 'CLI_[A-Z_]*_LONGOPTS' "$file" | sort -u); do
			macro_longopts "$m" | sed "s/\$/ $m/"
		done
	} | sort -u -k1,1 >"$T/opts_$cmd"
	while read -r lo from; do
		[ -n "${SET[$lo]+x}" ]
		ok $? "kinde-auth.1 documents --$lo of '$cmd' ($from)"
	done <"$T/opts_$cmd"
	cat "$T/man1_$cmd" "$T/man1_common" >"$T/man1_${cmd}_all"
	for so in $(shortopts_in "$file"); do
		has_shortopt "$so" <"$T/man1_${cmd}_all"
		ok $? "kinde-auth.1 documents -$so of '$cmd'"
	done
done <"$T/commands"

# A cmd_*.c that is no command (yet): its options are still documented.
mentioned_longopts <"$MAN1" >"$T/all_longopts"
load_set "$T/all_longopts"
for file in "$SRC"/tools/cmd_*.c; do
	[ -r "$file" ] || continue
	fn=$(sed -n 's/^\(cmd_[a-z_0-9]*\)(int argc.*/\1/p' "$file" | head -1)
	grep -q " $fn\$" "$T/commands" && continue
	while read -r lo; do
		[ -n "${SET[$lo]+x}" ]
		ok $? "kinde-auth.1 documents --$lo ($(basename "$file"))"
	done < <(longopts_in "$file" | sort -u)
done

# --------------------------------- environment variables and reasons --

awk '/env_names\[\][[:space:]]*=/ { on = 1; next } on && /};/ { exit } on' \
	"$SRC/pam/pam_kinde.c" | grep -o '"KINDE_[A-Z_]*"' | tr -d '"' >"$T/envs"
[ -s "$T/envs" ]
ok $? "pam/pam_kinde.c env_names[] yields the variables"
tp_entries "$MAN8" ENVIRONMENT >"$T/man8_envs"
load_set "$T/man8_envs"
while read -r e; do
	[ -n "${SET[$e]+x}" ]
	ok $? "pam_kinde.8 ENVIRONMENT has an entry for $e"
done <"$T/envs"

# "KINDE_R_X name" of reasons[].
sed -n 's/^[[:space:]]*\[\(KINDE_R_[A-Z_]*\)\][[:space:]]*=[[:space:]]*"\([a-z-]*\)".*/\1 \2/p' \
	"$SRC/lib/err.c" >"$T/reason_ids"
[ -s "$T/reason_ids" ]
ok $? "lib/err.c reasons[] yields the reason names"

tp_entries "$MAN1" REASONS >"$T/man1_reasons"
load_set "$T/man1_reasons"
declare -A MAN1_REASON=()
for k in "${!SET[@]}"; do MAN1_REASON[$k]=1; done
# pam_kinde.8 names the reasons as `.B name` / `.BR name ,` in LOGGING.
section_text "$MAN8" LOGGING | sed -n 's/^\.BR\{0,1\} \([a-z\\-]*\)\( .*\)\{0,1\}$/\1/p' |
	sed 's/\\-/-/g' >"$T/man8_reasons"
load_set "$T/man8_reasons"
while read -r id r; do
	[ -n "${MAN1_REASON[$r]+x}" ]
	ok $? "kinde-auth.1 REASONS has an entry for reason $r"
	[ -n "${SET[$r]+x}" ]
	ok $? "pam_kinde.8 LOGGING names reason $r"
done <"$T/reason_ids"

# The failure class of each reason (kinde_reason_class() in lib/err.c),
# as the REASONS entries give it: `.BR reason " (" class )`.
awk '
	/^kinde_reason_class\(/ { on = 1 }
	!on { next }
	/case KINDE_R_[A-Z_]*:/ {
		match($0, /KINDE_R_[A-Z_]*/); pend[++np] = substr($0, RSTART, RLENGTH)
	}
	/default:/ { dflt = 1 }
	/return "/ {
		match($0, /"[^"]*"/); c = substr($0, RSTART + 1, RLENGTH - 2)
		for (i = 1; i <= np; i++) print pend[i], c
		np = 0
		if (dflt) { print "DEFAULT", c; exit }
	}' "$SRC/lib/err.c" >"$T/reason_classes"
if [ -s "$T/reason_classes" ]; then
	declare -A CLASS_OF=()
	while read -r id c; do CLASS_OF[$id]=$c; done <"$T/reason_classes"
	declare -A PAGE_CLASS=()
	while read -r r c; do PAGE_CLASS[$r]=$c; done < <(section_text "$MAN1" REASONS |
		sed -n 's/^\.BR \([a-z\\-]*\) " (" \([a-z\\-]*\) )$/\1 \2/p' | sed 's/\\-/-/g')
	while read -r id r; do
		c=${CLASS_OF[$id]-${CLASS_OF[DEFAULT]-}}
		[ "${PAGE_CLASS[$r]-}" = "$c" ]
		ok $? "kinde-auth.1 REASONS gives reason $r the class $c" \
			"the page says: ${PAGE_CLASS[$r]-(nothing)}"
	done <"$T/reason_ids"
	section_text "$MAN1" REASONS | sed -n 's/^\.BR\{0,1\} \([a-z\\-]*\)\( .*\)\{0,1\}$/\1/p' |
		sed 's/\\-/-/g' >"$T/man1_class_names"
	load_set "$T/man1_class_names"
	for c in $(awk '{ print $2 }' "$T/reason_classes" | sort -u); do
		[ -n "${SET[$c]+x}" ]
		ok $? "kinde-auth.1 REASONS lists the class $c"
	done
else
	skip "kinde-auth.1 REASONS gives each reason its class" "no kinde_reason_class() in lib/err.c"
fi

# ------------------------------------------------------- rendering --

if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for page in "$MAN8" "$CONF5" "$MAN1"; do
		name=$(basename "$page")
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" \
			>"$T/out" 2>"$T/err"
		rc=$?
		[ $rc -eq 0 ] && [ ! -s "$T/err" ]
		ok $? "man renders $name without warnings" \
			"man exited $rc" "$(head -20 "$T/err")"
		[ "$(wc -l <"$T/out")" -ge 40 ]
		ok $? "man renders $name to text"
		groff -man -ww -z -Tutf8 "$page" >/dev/null 2>"$T/err"
		rc=$?
		[ $rc -eq 0 ] && [ ! -s "$T/err" ]
		ok $? "groff -ww finds nothing to warn about in $name" \
			"groff exited $rc" "$(head -20 "$T/err")"
		# man(7) only: mdoc would be another language.
		! grep -Eq '^\.(Dd|Dt|Os|Sh|Nm|Fl|Ar)([[:space:]]|$)' "$page"
		ok $? "$name uses man(7), not mdoc"
	done
else
	skip "the pages render without warnings" "man-db or groff-base not installed"
fi

# -------------------------------------------------- PAM examples --

# check_pam_file FILE: one line per problem.
check_pam_file() {
	awk -v opts="$T/options" '
		BEGIN {
			while ((getline o < opts) > 0) known[o] = 1
			known["config"] = 1
			split("auth account password session", ty, " ")
			for (i in ty) { types[ty[i]] = 1; types["-" ty[i]] = 1 }
			split("required requisite sufficient optional include substack", c, " ")
			for (i in c) controls[c[i]] = 1
		}
		{ line = $0; sub(/^[[:space:]]+/, "", line) }
		line == "" || line ~ /^#/ { next }
		line ~ /^@include[[:space:]]+[^[:space:]]+[[:space:]]*$/ { next }
		{
			n++
			if (!($1 in types)) { print NR ": bad type \"" $1 "\""; next }
			rest = line; sub(/^[^[:space:]]+[[:space:]]+/, "", rest)
			if (rest ~ /^\[/) {
				if (index(rest, "]") == 0) { print NR ": unclosed [ in control"; next }
				ctl = substr(rest, 1, index(rest, "]"))
				# (mawk cannot repeat a group that starts with a *)
				if (ctl !~ /^\[[[:space:]]*[a-z_]+=[a-z0-9_]+([[:space:]]+[a-z_]+=[a-z0-9_]+)*[[:space:]]*\]$/) {
					print NR ": bad control " ctl; next
				}
				rest = substr(rest, index(rest, "]") + 1)
			} else {
				ctl = rest; sub(/[[:space:]].*/, "", ctl)
				if (!(ctl in controls)) { print NR ": bad control \"" ctl "\""; next }
				rest = substr(rest, length(ctl) + 1)
			}
			sub(/^[[:space:]]+/, "", rest)
			mod = rest; sub(/[[:space:]].*/, "", mod)
			args = substr(rest, length(mod) + 1)
			if (mod == "") { print NR ": no module path"; next }
			if (ctl == "include" || ctl == "substack") next
			if (mod !~ /^(\/[^[:space:]]*\/)?[A-Za-z0-9_.-]+\.so$/) {
				print NR ": bad module path \"" mod "\""; next
			}
			if (mod !~ /(^|\/)pam_kinde\.so$/) next
			t = $1; sub(/^-/, "", t); kinde[t] = 1
			# arguments: key=value, [key=value with spaces], a bare key
			while (args != "") {
				sub(/^[[:space:]]+/, "", args)
				if (args == "") break
				if (args ~ /^\[/) {
					e = index(args, "]")
					if (e == 0) { print NR ": unclosed [ in arguments"; break }
					a = substr(args, 2, e - 2); args = substr(args, e + 1)
				} else {
					a = args; sub(/[[:space:]].*/, "", a)
					args = substr(args, length(a) + 1)
				}
				k = a; sub(/=.*/, "", k)
				if (!(k in known)) print NR ": pam_kinde.so argument \"" k "\" is not an option"
			}
		}
		END {
			if (n == 0) print "no PAM line at all"
			if (!("auth" in kinde)) print "no auth line for pam_kinde.so"
			if (!("account" in kinde)) print "no account line for pam_kinde.so"
		}' "$1"
}

for ex in sshd sudo breakglass fallback; do
	f=$SRC/doc/examples/$ex
	if [ ! -r "$f" ]; then
		ok 1 "doc/examples/$ex exists"
		continue
	fi
	problems=$(check_pam_file "$f")
	[ -z "$problems" ]
	ok $? "doc/examples/$ex: every PAM line has a valid type, control and module path" \
		"$problems"
done

for ex in sshd_config pam_kinde.conf user_map; do
	[ -r "$SRC/doc/examples/$ex" ]
	ok $? "doc/examples/$ex exists"
done

# The example sshd_config sets what pam_kinde(8) says sshd needs.
sshd_lines=$(cat "$SRC/doc/examples/sshd_config" 2>/dev/null)
for kw in "UsePAM yes" "KbdInteractiveAuthentication yes" \
	"AuthenticationMethods keyboard-interactive" "PasswordAuthentication no" \
	"LoginGraceTime "; do
	[[ $'\n'$sshd_lines == *$'\n'"$kw"* ]]
	ok $? "doc/examples/sshd_config sets '$kw'"
done

# The example config: its keys are known, and kinde-auth accepts it.
if [ -r "$SRC/doc/examples/pam_kinde.conf" ]; then
	bad=
	while read -r k; do
		[ -n "${OPTION[$k]+x}" ] || bad="$bad $k"
	done < <(sed -n 's/^#\{0,1\}[[:space:]]*\([a-z0-9_]*\)[[:space:]]*=.*/\1/p' \
		"$SRC/doc/examples/pam_kinde.conf")
	[ -z "$bad" ]
	ok $? "doc/examples/pam_kinde.conf sets (or shows commented out) only known keys" \
		"unknown:$bad"
	if [ -x "$KINDE_AUTH" ]; then
		# A private copy: a config must be ours and not group-writable.
		cp "$SRC/doc/examples/pam_kinde.conf" "$T/example.conf"
		chmod 644 "$T/example.conf"
		printf '{"keys":[]}\n' >"$T/empty-jwks.json"
		chmod 644 "$T/empty-jwks.json"
		# The secret file it names is judged at load: a stand-in.
		(umask 077 && echo example-secret >"$T/example.secret")
		# Offline: a pinned (empty) key set and a private cache; the
		# token is malformed, so a valid config ends in "rejected" (1).
		"$KINDE_AUTH" verify --config "$T/example.conf" \
			--jwks "$T/empty-jwks.json" --cache-dir "$T/cache" \
			-o client_secret_file="$T/example.secret" \
			not-a-token >"$T/out" 2>"$T/err"
		rc=$?
		[ $rc -eq 1 ]
		ok $? "kinde-auth accepts doc/examples/pam_kinde.conf (exit 1 for a malformed token, got $rc)" \
			"$(cat "$T/out" "$T/err")"
		! grep -qi 'warning' "$T/err"
		ok $? "kinde-auth reads doc/examples/pam_kinde.conf without a warning" \
			"$(cat "$T/err")"
	else
		skip "kinde-auth accepts doc/examples/pam_kinde.conf" "$KINDE_AUTH not built"
	fi
fi

# ---------------------------------------- the checks can fail at all --

# A copy of the page without the entry of one option: caught.
victim=$(head -1 "$T/options")
awk -v o="$victim" '
	prev == ".TP" && $1 ~ /^\.B[IR]?$/ { w = $2; gsub(/"/, "", w)
		if (w == o) $0 = ".B removed_for_the_test" }
	{ print; prev = $1 }' "$CONF5" >"$T/mutant.5"
check_conf_page "$CONF5" >"$T/miss_before"
check_conf_page "$T/mutant.5" >"$T/miss_after"
miss=$(comm -13 "$T/miss_before" "$T/miss_after" | tr '\n' ' ')
[ "$miss" = "$victim " ]
ok $? "self-check: a page without the entry for '$victim' is caught" \
	"newly undocumented keys reported: '$miss'"

cmd=$(head -1 "$T/commands" | cut -d' ' -f1)
sed "s/^\\.SS $cmd\$/.SS removed_for_the_test/" "$MAN1" >"$T/mutant.1"
! ss_titles "$T/mutant.1" COMMANDS | grep -qx -- "$cmd"
ok $? "self-check: a page without the section for '$cmd' is caught"

got=$(printf '%s\n' '.TP' '.B \-\-jsonx' 'text \-\-json\-ish, \fB\-\-now\fR' |
	mentioned_longopts | tr '\n' ' ')
[ "$got" = "json-ish jsonx now " ]
ok $? "self-check: --jsonx and --json-ish are not --json" "got: $got"

printf 'auth required\nauthx required pam_kinde.so\naccount bogus pam_kinde.so\nauth required pam_kinde.so nosuchoption=1\n' \
	>"$T/mutant.pam"
problems=$(check_pam_file "$T/mutant.pam" | wc -l)
[ "$problems" -ge 4 ]
ok $? "self-check: bad PAM lines are caught ($problems problems)"

echo "1..$N"
[ "$FAILED" -eq 0 ]
