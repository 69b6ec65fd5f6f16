#!/bin/bash
# test_ratelimit_cli.sh - `kinde-auth ratelimit status|reset` and the
# limiter's findings of `kinde-auth diagnose` (issue 10, "Operating it").
#
# The state is put there by tests/tools/limiter_fill, which records
# attempts through lib/limiter.c at an injected time, as the module does
# (an API key as its digest with the module's label).  Checked:
#  * status, text and --json: every window with its count/N, its window
#    and when it frees, each lockout with its unlock time; API keys only
#    as their first 7 and last 4 characters, never whole, never by digest;
#  * reset --key -|--rhost|--user|--all removes exactly that, says what it
#    removed; refused (exit 2, state unchanged) to a user who does not own
#    state_dir (run as uid 65534 through setpriv or runuser);
#  * a corrupt, empty or foreign-mode state file is reported on stderr,
#    the rest still listed; a missing state_dir is not created by status;
#    an unsafe one is a configuration error;
#  * diagnose: a host-limiter finding per window at its limit and a
#    lockout finding, code rate-limited, with symptom, cause and fix
#    (reset command); apart from the issuer's own 429 (check rate-limit);
#    an unusable state_dir and a rebuilt state file are findings;
#  * through the module (pam_harness): the window a junk API key earns at
#    the PAM prompt is shown by its label, and reset --key - with that key
#    finds it (the CLI hashes as the module does).
#
#   top_srcdir=... top_builddir=... PYTHON3=/usr/bin/python3 \
#       bash tests/tools/test_ratelimit_cli.sh

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# tests/pam/lib.sh brings tests/lib/fake_kinde.sh and, for the last part,
# logins through the module.
. "$top_srcdir/tests/pam/lib.sh"
fk_require

FILL=$top_builddir/tests/tools/limiter_fill
NET=$top_builddir/.libs/kinde-net.so
[ -x "$FILL" ] || { echo "Bail out! $FILL is not built"; exit 99; }
[ -e "$NET" ] || { echo "Bail out! $NET is not built"; exit 99; }

NOW=$(date +%s)
rnd() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
K1=k_live_$(rnd)
K2=k_test_$(rnd)
K3=k_live_$(rnd)
label() { printf '%s...%s' "${1:0:7}" "${1: -4}"; }
L1=$(label "$K1") L2=$(label "$K2") L3=$(label "$K3")
D1=$(printf '%s' "$K1" | sha256sum | cut -d' ' -f1)
D2=$(printf '%s' "$K2" | sha256sum | cut -d' ' -f1)
# Regex-safe labels ("." is literal).
re() { printf '%s' "$1" | sed 's/[.[\*^$()+?{|]/\\&/g'; }

RULES=("ratelimit_apikey = 3/60" "ratelimit_rhost = 2/60" "ratelimit_user = 5/60"
	"ratelimit_verify = 10/60" "lockout_deny = 3" "lockout_interval = 900"
	"lockout_unlock_time = 600")
STATE=$T/state
CONF=$T/rl.conf
{
	echo "state_dir = $STATE"
	printf '%s\n' "${RULES[@]}"
} >"$CONF"
# Readable by uid 65534 for the refusal test; writable by root only.
chmod 644 "$CONF"

# fill: the standard population, at NOW.
fill() {
	"$FILL" "$CONF" "$NOW" take apikey "$K1" 4 take apikey "$K2" 1 \
		take rhost 192.0.2.7 3 take rhost 198.51.100.9 1 \
		take user alice 5 take verify "" 2 fail bob 3 fail carol 1
}
FILL_OUT=$(fill 2>&1)
is "$?" 0 "limiter_fill records the attempts"
like "$FILL_OUT" "apikey $(re "$L1"): taken 3 of 4, limited until $((NOW + 60))" \
	"the fixture: the 4th attempt of a key under 3/60 is refused until now+60"

ST() { kinde_auth ratelimit status --config "$CONF" --now "$NOW" "$@"; }

# -------------------------------------------------------- status, text --

ST
is "$KA_RC" 0 "status: exit 0"
like "$KA_OUT" "apikey +$(re "$L1") +3/3 in 60s +LIMITED until [0-9-]+ [0-9:]+ UTC \(in 1m0s\)" \
	"status: the limited key by its label, 3/3 in 60s, LIMITED until now+60"
like "$KA_OUT" "apikey +$(re "$L2") +1/3 in 60s +a slot at" "status: the other key, 1/3, not limited"
like "$KA_OUT" "rhost +192\.0\.2\.7 +2/2 in 60s +LIMITED until" "status: the remote host at its limit"
like "$KA_OUT" "rhost +198\.51\.100\.9 +1/2 in 60s" "status: another remote host, 1/2"
like "$KA_OUT" "user +alice +5/5 in 60s +LIMITED until" "status: the user window at its limit"
like "$KA_OUT" "verify +\(host-wide\) +2/10 in 60s" "status: the host-wide verification budget"
like "$KA_OUT" "bob +3/3 failures in 900s, LOCKED until [0-9-]+ [0-9:]+ UTC \(in 10m0s\)" \
	"status: bob locked out until now+lockout_unlock_time"
like "$KA_OUT" $'carol +1/3 failures in 900s\n' "status: carol counted, not locked"
unlike "$KA_OUT$KA_ERR" "$K1|$K2" "status text: no whole API key"
unlike "$KA_OUT$KA_ERR" "$D1|$D2" "status text: no key digest"

# -------------------------------------------------------- status, JSON --

ST --json
is "$KA_RC" 0 "status --json: exit 0"
J=$KA_OUT
jq() { json_get "$J" "$1"; }
is "$(jq 'len(d["limits"])')" 6 "status --json: 6 windows"
is "$(jq '[e["key"] for e in d["limits"] if e["table"] == "apikey" and e["limited"]]')" "[\"$L1\"]" \
	"status --json: the limited key by its label"
is "$(jq '[(e["count"], e["limit"], e["seconds"], e["frees_at"], e["option"]) for e in d["limits"] if e["key"] == "'"$L1"'"][0]')" \
	"[3, 3, 60, $((NOW + 60)), \"ratelimit_apikey\"]" \
	"status --json: count, limit, seconds, frees_at and the option of the key's window"
is "$(jq '[e["id"] for e in d["limits"] if e["table"] == "rhost"]')" '["192.0.2.7", "198.51.100.9"]' \
	"status --json: the remote hosts by id"
is "$(jq '[(e["user"], e["failures"], e["locked"], e["unlock_at"]) for e in d["lockouts"]]')" \
	"[[\"bob\", 3, true, $((NOW + 600))], [\"carol\", 1, false, 0]]" \
	"status --json: the lockouts with failures, locked, unlock_at"
is "$(jq '(d["state_dir"], d["state_exists"], d["now"], type(d["issuer"]).__name__)')" \
	"[\"$STATE\", true, $NOW, \"list\"]" "status --json: state_dir, state_exists, now, issuer"
unlike "$J" "$K1|$K2|$D1|$D2" "status --json: no whole key, no digest"

# --------------------------------------------- reset: non-owner refused --

NONROOT=
if [ "$(id -u)" -ne 0 ]; then
	skip "reset by a user not owning state_dir is refused" "not running as root"
else
	if command -v setpriv >/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		NONROOT=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	elif command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null; then
		NONROOT=(runuser -u nobody --)
	fi
	if [ -z "$NONROOT" ]; then
		skip "reset by a user not owning state_dir is refused" "neither setpriv nor runuser can drop to uid 65534"
	else
		# The other user may reach the config, not the state.
		chmod 711 "$T"
		before=$(cat "$STATE"/limit-* | sha256sum)
		"${NONROOT[@]}" "$KINDE_AUTH" ratelimit reset --config "$CONF" --all \
			>"$T/nr.out" 2>"$T/nr.err"
		rc=$?
		is "$rc" 2 "reset as uid 65534: exit 2"
		like "$(cat "$T/nr.err")" "state_dir $(re "$STATE") belongs to uid 0: only its owner \(root\) may reset" \
			"reset as uid 65534: says only the owner of state_dir (root) may reset"
		is "$(cat "$STATE"/limit-* | sha256sum)" "$before" "reset as uid 65534: the state is unchanged"
		"${NONROOT[@]}" "$KINDE_AUTH" ratelimit reset --config "$CONF" --user bob \
			>"$T/nr.out" 2>"$T/nr.err"
		is "$?" 2 "reset --user as uid 65534: exit 2"
		chmod 700 "$T"
	fi
fi

# --------------------------------------------------------------- reset --

printf '%s\n' "$K1" >"$T/k1"
kinde_auth ratelimit reset --config "$CONF" --key - <"$T/k1"
is "$KA_RC" 0 "reset --key -: exit 0"
like "$KA_OUT" "Removed for API key $(re "$L1")" "reset --key -: names the key by its label"
like "$KA_OUT" "1 entry removed" "reset --key -: one entry removed"
unlike "$KA_OUT$KA_ERR" "$K1|$D1" "reset --key -: neither the key nor its digest printed"
ST --json
J=$KA_OUT
is "$(jq '[e["key"] for e in d["limits"] if e["table"] == "apikey"]')" "[\"$L2\"]" \
	"after reset --key: that key's window is gone, the other key's stays"
is "$(jq 'len(d["limits"])')" 5 "after reset --key: the other tables are untouched"

kinde_auth ratelimit reset --config "$CONF" --key "$K3"
is "$KA_RC/$KA_OUT" "0/Nothing to remove for API key $L3." "reset --key of a key never seen: nothing to remove, exit 0"

kinde_auth ratelimit reset --config "$CONF" --rhost 192.0.2.7 --json
is "$KA_RC" 0 "reset --rhost --json: exit 0"
J=$KA_OUT
is "$(jq '(d["removed"], [e["id"] for e in d["limits"]], d["target"])')" \
	'[1, ["192.0.2.7"], "remote host 192.0.2.7"]' "reset --rhost --json: removed 1, lists the host"
ST --json
J=$KA_OUT
is "$(jq '[e["id"] for e in d["limits"] if e["table"] == "rhost"]')" '["198.51.100.9"]' \
	"after reset --rhost: only the other host remains"

kinde_auth ratelimit reset --config "$CONF" --user bob
is "$KA_RC" 0 "reset --user bob: exit 0"
like "$KA_OUT" "bob +3/3 failures in 900s, LOCKED until" "reset --user bob: lists the lockout it removed"
ST --json
J=$KA_OUT
is "$(jq '[e["user"] for e in d["lockouts"]]')" '["carol"]' "after reset --user bob: bob unlocked, carol's count stays"
is "$(jq '[e["id"] for e in d["limits"] if e["table"] == "user"]')" '["alice"]' \
	"after reset --user bob: alice's window stays"

kinde_auth ratelimit reset --config "$CONF" --user alice
like "$KA_RC/$KA_OUT" "^0/.*alice +5/5 in 60s.*1 entry removed" "reset --user alice: removes alice's window"

kinde_auth ratelimit reset --config "$CONF" --all
is "$KA_RC" 0 "reset --all: exit 0"
like "$KA_OUT" "4 entries removed" "reset --all: the remaining 4 entries (key, host, verify, carol)"
ST
is "$KA_RC" 0 "status after reset --all: exit 0"
like "$KA_OUT" "Windows: none in force\..*Lockouts: none\." "status after reset --all: nothing in force"

# ------------------------------------------- names from whoever logs in --

# A user or host name is the caller's: control characters are shown
# escaped, in the text and in the JSON.
ECONF=$T/esc.conf
printf 'state_dir = %s\nratelimit_user = 5/60\n' "$T/escstate" >"$ECONF"
chmod 600 "$ECONF"
"$FILL" "$ECONF" "$NOW" take user $'ev\e[31mil' 1 >/dev/null
kinde_auth ratelimit status --config "$ECONF" --now "$NOW"
like "$KA_OUT" 'user +ev\\x1b\[31mil +1/5 in 60s' "status: a control character in a user name is shown escaped"
unlike "$KA_OUT" $'\e' "status: no raw escape character reaches the terminal"
kinde_auth ratelimit status --config "$ECONF" --now "$NOW" --json
J=$KA_OUT
is "$(jq '[e["key"] for e in d["limits"]]')" '["ev\\x1b[31mil"]' "status --json: the same name, escaped"

# ------------------------------------------------------------- usage --

kinde_auth ratelimit reset --config "$CONF"
is "$KA_RC" 2 "reset without a target: exit 2"
like "$KA_ERR" "exactly one of" "reset without a target: says what it wants"
kinde_auth ratelimit reset --config "$CONF" --all --user bob
is "$KA_RC" 2 "reset with two targets: exit 2"
kinde_auth ratelimit status --config "$CONF" --all
is "$KA_RC" 2 "status --all: exit 2 (a reset option)"
kinde_auth ratelimit flush --config "$CONF"
is "$KA_RC" 2 "an unknown action: exit 2"
kinde_auth ratelimit --help
is "$KA_RC" 0 "ratelimit --help: exit 0"
kinde_auth ratelimit status --config "$CONF" -o ratelimit_apikey=lots
is "$KA_RC" 2 "status with a bad rule: exit 2"

# ---------------------------------------------- corrupt, missing, unsafe --

fill >/dev/null 2>&1
printf 'garbage' >"$STATE/limit-apikey"
: >"$STATE/limit-rhost"
chmod 644 "$STATE/limit-user"
ST --json
is "$KA_RC" 0 "corrupt, empty and 0644 state files: status still exits 0"
like "$KA_ERR" "limit-apikey: .*rebuilt empty" "a corrupt state file is reported on stderr"
like "$KA_ERR" "limit-rhost: .*rebuilt empty" "an empty state file is reported on stderr"
like "$KA_ERR" "limit-user: not owned by the running user with mode 0600; rebuilt empty" \
	"a state file of mode 0644 is reported, not trusted"
J=$KA_OUT
is "$(jq '(sorted(set(e["table"] for e in d["limits"])), len(d["lockouts"]))')" '[["verify"], 2]' \
	"the intact tables are still listed, nothing from the refused files"
kinde_auth ratelimit reset --config "$CONF" --all
is "$KA_RC" 0 "reset --all over the refused files: exit 0"

kinde_auth ratelimit status --config "$CONF" -o "state_dir=$T/nostate"
is "$KA_RC" 0 "a state_dir that does not exist: status exits 0"
like "$KA_OUT" "does not exist yet" "a state_dir that does not exist: says so"
ok '[ ! -e "$T/nostate" ]' "status does not create state_dir"
kinde_auth ratelimit reset --config "$CONF" -o "state_dir=$T/nostate" --all
is "$KA_RC/$KA_OUT" "0/Nothing to remove for everything (state_dir does not exist yet)." \
	"reset of a state_dir that does not exist: nothing to remove"

mkdir -m 777 "$T/badstate"
kinde_auth ratelimit status --config "$CONF" -o "state_dir=$T/badstate"
is "$KA_RC" 2 "a world-writable state_dir: exit 2 (configuration error)"
like "$KA_ERR" "badstate" "a world-writable state_dir: the message names it"
ln -s "$STATE" "$T/linkstate"
kinde_auth ratelimit status --config "$CONF" -o "state_dir=$T/linkstate"
is "$KA_RC" 2 "a state_dir that is a symlink: exit 2"

# ------------------------------------------------------------ diagnose --

fk_start || { echo "Bail out! the fake Kinde server did not start"; exit 99; }
DSTATE=$T/dstate
DCONF=$T/d.conf
fk_conf "$DCONF" "net_module = $NET" "require_scopes = ssh:login" "state_dir = $DSTATE" "${RULES[@]}"
"$FILL" "$DCONF" "$(date +%s)" take apikey "$K1" 3 take rhost 192.0.2.7 2 fail bob 3 >/dev/null

# dfind MODE FILE WHAT CHECK [field=REGEX]...: a finding of check CHECK in
# a diagnose report (text or json), failed with symptom, cause and fix
# (WHAT fail) or passed (WHAT pass), the fields matching.
cat >"$T/dfind.py" <<'EOF'
import json, re, sys
mode, path, what, check = sys.argv[1:5]
conds = [a.split("=", 1) for a in sys.argv[5:]]
if mode == "text" and what == "pass":
    # The text prints a code for failures only.
    conds = [c for c in conds if c[0] != "code"]
s = open(path, encoding="utf-8").read()
if mode == "json":
    found = json.loads(s)["checks"]
else:
    found, cur = [], None
    for line in s.splitlines():
        m = re.match(r'^(\u2714|\u2718|-) (\S+) +(.*)$', line)
        if m:
            cur = {"ok": {"\u2714": True, "\u2718": False}.get(m.group(1)),
                   "check": m.group(2), "value": m.group(3)}
            found.append(cur)
            continue
        m = re.match(r'^    (code|symptom|cause|fix|note): +(.*)$', line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2)
for f in found:
    if f.get("check") != check or f.get("ok") is not (what == "pass"):
        continue
    if what == "fail" and not all(f.get(k) for k in ("symptom", "cause", "fix")):
        continue
    if all(re.search(rx, str(f.get(k, ""))) for k, rx in conds):
        sys.exit(0)
print("#   no %s finding %s matching %s in:" % (what, check, sys.argv[5:]))
for f in found:
    if f.get("check") == check or f.get("ok") is False:
        print("#     " + json.dumps(f, ensure_ascii=False))
sys.exit(1)
EOF
dfind() { "$PYTHON3" "$T/dfind.py" "$@"; }
# D DESC ARGS...: diagnose as text and --json into $T/d.text, $T/d.json.
D() {
	kinde_auth diagnose --config "$DCONF" --pam-dir "$T" "$@"
	printf '%s\n' "$KA_OUT" >"$T/d.text"
	D_TEXT_RC=$KA_RC
	kinde_auth diagnose --config "$DCONF" --pam-dir "$T" --json "$@"
	printf '%s\n' "$KA_OUT" >"$T/d.json"
}
# both DESC WHAT CHECK CONDS...: the finding in the text and the JSON.
both() {
	local desc=$1
	shift
	dfind text "$T/d.text" "$@"
	ok $? "$desc (text)"
	dfind json "$T/d.json" "$@"
	ok $? "$desc (--json)"
}

D
is "$D_TEXT_RC/$KA_RC" 1/1 "diagnose with limits in force: exit 1 (problems found)"
both "diagnose: the key refused by this host's limiter, by label, with its rule and the reset" \
	fail host-limiter code=rate-limited \
	"value=^this host's limiter refuses API key $(re "$L1") until [0-9-]+ [0-9:]+ UTC, in [0-9ms]+ \(ratelimit_apikey 3/60" \
	'symptom=refused \(reason=rate-limited\) without asking the issuer' \
	'cause=this host.s own limiter \(not the issuer\)' \
	'fix=kinde-auth ratelimit reset --key -'
both "diagnose: the remote host refused by this host's limiter" \
	fail host-limiter code=rate-limited "value=remote host 192\.0\.2\.7 until .*ratelimit_rhost 2/60" \
	'fix=kinde-auth ratelimit reset --rhost 192\.0\.2\.7'
both "diagnose: the locked user, with the unlock time and the reset" \
	fail lockout code=rate-limited 'value=^user bob locked until [0-9-]+ [0-9:]+ UTC, in (10m0s|9m5[0-9]s) \(3 failures, lockout_deny 3 within 900s\)' \
	'fix=kinde-auth ratelimit reset --user bob'
both "diagnose: the issuer's 429 is its own finding (not rate-limited by the issuer)" \
	pass rate-limit code=rate-limited 'value=not rate-limited by the issuer'
both "diagnose: state_dir usable" pass state-dir code=state-dir "value=$(re "$DSTATE"): owner uid $(id -u), mode 0700"
unlike "$(cat "$T/d.text" "$T/d.json")" "$K1|$D1" "diagnose: neither the whole key nor its digest"

# The issuer's 429 beside this host's limit: two findings, both rate-limited.
fk_fault '{"path":"/.well-known/openid-configuration","kind":"429","reset_after":600}'
D -o "cache_dir=$(mktemp -d "$T/cache.XXXXXX")"
both "429 from the issuer and this host's limit: the issuer's finding" \
	fail rate-limit code=rate-limited 'value=until [0-9-]+ [0-9:]+ UTC' 'fix=wait'
both "429 from the issuer and this host's limit: this host's finding stays apart" \
	fail host-limiter code=rate-limited "value=API key $(re "$L1")"
fk_clear_faults

kinde_auth ratelimit reset --config "$DCONF" --all >/dev/null
D
both "after reset --all: this host's limiter refuses nothing" \
	pass host-limiter code=rate-limited "value=refuses nothing"

# The issuer's 429 on the verify endpoint (met by a verification): its
# own finding, naming the endpoint; the key set is still had; status
# lists it; reset leaves it (only the issuer's reset lifts it).
VC=$(mktemp -d "$T/cache.XXXXXX")
fk_fault '{"path":"/api/v1/api_keys/verify","kind":"429","reset_after":600}'
printf '%s\n' "$K3" >"$T/k3"
kinde_auth diagnose --config "$DCONF" --pam-dir "$T" -o "cache_dir=$VC" --api-key - <"$T/k3"
like "$KA_OUT" "api-key .*429" "a verification meets the issuer's 429 (diagnose --api-key)"
D -o "cache_dir=$VC"
both "429 on the verify endpoint: the issuer's finding names the endpoint and the back-off" \
	fail rate-limit code=rate-limited \
	'value=the issuer answered 429 on the apikey-verify endpoint \(https://[^)]*/api/v1/api_keys/verify\); back-off: limited until [0-9-]+ [0-9:]+ UTC \((600|5[0-9][0-9])s from now\)' \
	'symptom=token logins are not affected' 'fix=ratelimit_verify'
both "429 on the verify endpoint: the key set is still fetched and validated" pass key-set
dfind json "$T/d.json" fail host-limiter >/dev/null
ok '[ $? -ne 0 ]' "429 on the verify endpoint: not reported as this host's limiter"
ST2() { kinde_auth ratelimit status --config "$DCONF" -o "cache_dir=$VC" "$@"; }
ST2 --json
J=$KA_OUT
is "$KA_RC/$(jq '[e["endpoint"] for e in d["issuer"]]')" '0/["apikey-verify"]' \
	"status --json lists the issuer's 429 on the verify endpoint"
ST2
like "$KA_OUT" "Issuer 429 .*apikey-verify +https://[^ ]*/api/v1/api_keys/verify until [0-9-]+ [0-9:]+ UTC \(in (10m0s|9m[0-9]+s)\)" \
	"status text lists the issuer's 429 with the time it ends"
kinde_auth ratelimit reset --config "$DCONF" -o "cache_dir=$VC" --all
ST2 --json
J=$KA_OUT
is "$(jq '[e["endpoint"] for e in d["issuer"]]')" '["apikey-verify"]' \
	"reset --all leaves the issuer's 429 alone"
fk_clear_faults

# An unusable state_dir is a finding.
chmod 777 "$DSTATE"
D
both "a world-writable state_dir is a finding" fail state-dir code=state-dir \
	"value=$(re "$DSTATE"): owner uid $(id -u), mode 0777" 'cause=writable by group or others' 'fix=chmod 700'
chmod 700 "$DSTATE"
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$DSTATE"
	D
	both "a state_dir of another owner is a finding" fail state-dir code=state-dir \
		'value=owner uid 65534' 'cause=another user'
	chown 0 "$DSTATE"
else
	skip "a state_dir of another owner is a finding" "not running as root (cannot give it away)"
fi
D -o "state_dir=$T/no/such/dir"
both "a state_dir that cannot be created is a finding" fail state-dir code=state-dir \
	'value=no/such/dir' 'fix=install -d -m 700'

# A state file the limiter had to rebuild.
printf 'garbage' >"$DSTATE/limit-apikey"
D
both "a corrupt state file is a finding" fail state-file code=state-dir \
	'value=limit-apikey: corrupt or of another version; rebuilt empty|limit-apikey: unreadable or truncated; rebuilt empty'

# Every limit off: no state kept, nothing to judge.
D -o ratelimit_apikey=off -o ratelimit_rhost=off -o ratelimit_user=off \
	-o ratelimit_verify=off -o lockout_deny=0 -o "state_dir=$T/no/such/dir"
dfind json "$T/d.json" fail state-dir >/dev/null
ok '[ $? -ne 0 ]' "every limit off: a missing state_dir is no problem"

# ------------------------------------------------ through the module --

if [ -e "$PK_MODULE" ] && [ -x "$PK_HARNESS" ] &&
	PK_NSSW=$(find_system_lib libnss_wrapper.so); then
	export PK_NSSW
	pk_setup
	MCONF=$T/m.conf
	pk_conf "$MCONF" "require_scopes = ssh:login" "state_dir = $T/mstate" \
		"ratelimit_apikey = 2/60" "ratelimit_rhost = 10/60"
	pk_kinde_service rl "$MCONF"
	K4=k_live_junk$(pk_rand)$(pk_rand)
	L4=$(label "$K4")
	for i in 1 2 3; do
		pk_login --rhost 203.0.113.5 rl alice "$K4"
	done
	auth_is PAM_AUTH_ERR "module: the 3rd login with one junk key under 2/60 is refused"
	reason_is rate-limited "module: ... with reason rate-limited"
	kinde_auth ratelimit status --config "$MCONF"
	like "$KA_OUT" "apikey +$(re "$L4") +2/2 in 60s +LIMITED until" \
		"module's window: status shows the key by the module's label, at its limit"
	like "$KA_OUT" "rhost +203\.0\.113\.5 +[0-9]+/10 in 60s" "module's window: the remote host counted"
	unlike "$KA_OUT$KA_ERR" "$K4" "module's window: the key is not printed"
	printf '%s\n' "$K4" >"$T/k4"
	kinde_auth ratelimit reset --config "$MCONF" --key - <"$T/k4"
	like "$KA_RC/$KA_OUT" "^0/Removed for API key $(re "$L4").*1 entry removed" \
		"reset --key - finds the module's window of that key"
	fk_reset_counts
	pk_login --rhost 203.0.113.5 rl alice "$K4"
	reason_is key-invalid "after the reset the module asks the issuer again (key-invalid, not rate-limited)"
else
	skip "the module's window seen and reset by the CLI" "pam_kinde.so, pam_harness or nss_wrapper missing"
fi

tap_done
