#!/bin/bash
# test_diagnose.sh - `kinde-auth diagnose` against the fake Kinde issuer.
#
# For every failure class (1 invalid-api-key, 2 token-invalid, 3 malformed,
# 4 insufficient-scope, 5 org-denied, 6 rate-limited, 7 invalid-scope) and
# every host-side code (config, file-permissions, cache-dir, transport,
# issuer-unreachable, m2m-credentials, sshd-config, pam-service) a case
# that produces it, checked in the text output AND in --json: a finding
# with that code, ok false, a symptom, a cause, a fix, and a value holding
# the concrete figures.  Also: the exit status (0 healthy, 1 a problem, 3
# the issuer cannot be reached), secrets never printed (a key only as its
# first 7 and last 4 characters), colour only on a terminal, and that
# `verify` / `apikey` name the same class as diagnose.
#
# Diagnose runs every check without stopping at the first failure, so most
# runs here carry two problems (a token and an API key, or a token and a
# host-side one), each asserted on its own finding.
#
#   top_srcdir=... top_builddir=... PYTHON3=/usr/bin/python3 \
#       bash tests/tools/test_diagnose.sh

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
. "$top_srcdir/tests/lib/fake_kinde.sh"
fk_require

KA_REAL=$KINDE_AUTH
NET=$top_builddir/.libs/kinde-net.so
[ -e "$NET" ] || { echo "Bail out! $NET is not built"; exit 99; }

# /run/sshd, when this test had to make it (removed on exit if still empty).
MADE_RUN_SSHD=
_td_cleanup() {
	if [ -n "$MADE_RUN_SSHD" ]; then
		rmdir /run/sshd 2>/dev/null
		MADE_RUN_SSHD=
	fi
	_fk_cleanup
}
trap _td_cleanup EXIT

T0=$(now_s)
fk_start || { echo "Bail out! the fake Kinde server did not start"; exit 99; }

# ------------------------------------------------------------- helpers --

CHECK=$'\xe2\x9c\x94' CROSS=$'\xe2\x9c\x98'

# One Python process for the whole test (a coprocess; starting Python for
# each check would take most of the test's time): it reads diagnose
# reports back into findings and checks them, evaluates expressions on
# JSON, and mints tokens from the fake's state directory (as mint.py does).
cat >"$T/td.py" <<'EOF'
import base64, io, json, re, sys, contextlib

def parse_text(s):
    out, cur = [], None
    for line in s.splitlines():
        m = re.match(r'^(\u2714|\u2718|-) (\S+) +(.*)$', line)
        if m:
            cur = {"ok": {"\u2714": True, "\u2718": False}.get(m.group(1)),
                   "check": m.group(2), "value": m.group(3)}
            out.append(cur)
            continue
        m = re.match(r'^    (code|symptom|cause|fix|note): +(.*)$', line)
        if m and cur is not None:
            cur["cause" if m.group(1) == "note" else m.group(1)] = m.group(2)
    return out

def load(mode, path):
    s = open(path, encoding="utf-8").read()
    return parse_text(s) if mode == "text" else json.loads(s)["checks"]

def check1(what, mode, path, code, conds, shown):
    """0 when the report at path has what is wanted, else 1 (and says why)."""
    try:
        checks = load(mode, path)
    except Exception as e:
        print("#   cannot parse the %s output: %s" % (mode, e))
        return 1
    want_ok = {"fail": False, "nofail": False, "pass": True, "note": None}.get(what)
    cands = [f for f in checks if (what == "none" or f.get("ok") is want_ok)
             and (code == "*" or f.get("code") == code)]
    if what == "fail":
        # A failure says what the administrator sees, why, and what to do.
        cands = [f for f in cands if all(str(f.get(k, "")).strip()
                                         for k in ("symptom", "cause", "fix"))]
    good = [f for f in cands
            if all((re.search(rx, str(f.get(key, "")), re.S) is not None) != neg
                   for key, neg, rx in conds)]
    if what in ("nofail", "none"):
        for f in good:
            print("#   %s: unwanted finding: %s" % (mode, json.dumps(f, ensure_ascii=False)))
        return 1 if good else 0
    if good:
        return 0
    print("#   %s: no %s finding with code %s matching %s; the report has:" %
          (mode, what, code, shown))
    for f in checks:
        if f.get("ok") is not True or f.get("code") == code:
            print("#     " + json.dumps(f, ensure_ascii=False))
    return 1

def c_check(args):
    """check WHAT MODE PREFIX CODE [field=REGEX | field!=REGEX]...
    WHAT: fail (ok false, with symptom, cause, fix), pass (ok true), note
    (ok null), nofail (no such failure), none (no such finding).  MODE:
    text (PREFIX.text), json (PREFIX.json), or both (status bit 1 text,
    bit 2 json)."""
    what, mode, prefix, code = args[:4]
    conds = []
    for a in args[4:]:
        m = re.match(r'^(\w+)(!?=)(.*)$', a, re.S)
        conds.append((m.group(1), m.group(2) == "!=", m.group(3)))
    shown = " ".join(args[4:])
    if mode == "both":
        return (check1(what, "text", prefix + ".text", code, conds, shown) |
                check1(what, "json", prefix + ".json", code, conds, shown) << 1)
    return check1(what, mode, prefix + "." + mode, code, conds, shown)

def out(r):
    print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))

def c_json(args):
    """json TEXT EXPR: EXPR with d = the parsed TEXT."""
    d = json.loads(args[0])
    out(eval(args[1]))
    return 0

def c_seg(args):
    """seg TOKEN INDEX EXPR: EXPR with d = the JSON of a token segment."""
    s = args[0].split(".")[int(args[1])]
    d = json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    out(eval(args[2]))
    return 0

def c_mint(args):
    """mint SRCDIR STATEDIR ISSUER JSON: a token signed by the current key."""
    if args[0] not in sys.path:
        sys.path.insert(0, args[0])
    import kinde_keys
    store = kinde_keys.KeyStore(args[1])
    store.load()
    opts = json.loads(args[3])
    opts.setdefault("issuer", args[2])
    print(kinde_keys.mint_token(opts, store))
    return 0

COMMANDS = {"check": c_check, "json": c_json, "seg": c_seg, "mint": c_mint}
sys.dont_write_bytecode = True
req = sys.argv[1]
for _ in sys.stdin:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            args = open(req, "rb").read().decode("utf-8").split("\0")[:-1]
            status = COMMANDS[args[0]](args[1:])
        except Exception as e:
            print("#   td.py: %s: %r" % (args[0] if args else "?", e))
            status = 99
    sys.stdout.write(buf.getvalue())
    sys.stdout.write("\x01END %d\n" % status)
    sys.stdout.flush()
EOF
coproc TDPY { exec "$PYTHON3" -u "$T/td.py" "$T/td.req"; }
fk_track_pid "$TDPY_PID"

# py CMD ARGS...: asks the Python helper; its output in PY_OUT, its status
# returned.  (A coprocess's descriptors do not reach $(...): no py there.)
py() {
	local line st=99
	printf '%s\0' "$@" >"$T/td.req"
	echo go >&"${TDPY[1]}"
	PY_OUT=
	while IFS= read -r -u "${TDPY[0]}" line; do
		if [[ $line == $'\x01END '* ]]; then
			st=${line#*END }
			break
		fi
		PY_OUT+=$line$'\n'
	done
	PY_OUT=${PY_OUT%$'\n'}
	return "$st"
}

# dcheck WHAT MODE CODE [conditions...]: on the last report(s); the reasons
# of a failure become TAP comments.
dcheck() {
	local what=$1 mode=$2 st
	shift 2
	py check "$what" "$mode" "$T/last" "$@"
	st=$?
	[ -z "$PY_OUT" ] || printf '%s\n' "$PY_OUT"
	return "$st"
}

jget() {	# jget JSON EXPR: PY_OUT = EXPR with d = the parsed JSON
	py json "$1" "$2" || { diag "$PY_OUT"; PY_OUT="(no JSON)"; }
}

# ka TAG ARGS...: runs kinde-auth (like fake_kinde.sh's kinde_auth, with
# its timeout, but able to run in the background and without its helper
# processes); ka_load TAG then sets KA_OUT, KA_ERR, KA_RC, KA_SECS, KA_ARGS.
ka() {
	local tag=$1 t0=${EPOCHREALTIME/./}
	shift
	timeout -k 5 "$KA_TIMEOUT" "$KINDE_AUTH" "$@" >"$T/ka.$tag.out" 2>"$T/ka.$tag.err"
	printf '%s %s\n' "$?" "$(( ${EPOCHREALTIME/./} - t0 ))" >"$T/ka.$tag.rc"
	printf '%s\0' "$@" >"$T/ka.$tag.args"
}
slurp() {	# slurp VAR FILE: VAR = FILE without trailing newlines
	local _v=
	IFS= read -r -d '' _v <"$2"
	while [[ $_v == *$'\n' ]]; do _v=${_v%$'\n'}; done
	printf -v "$1" '%s' "$_v"
}
ka_load() {
	local rc us a
	local -a args=()
	slurp KA_OUT "$T/ka.$1.out"
	slurp KA_ERR "$T/ka.$1.err"
	read -r rc us <"$T/ka.$1.rc"
	while IFS= read -r -d '' a; do args+=("$a"); done <"$T/ka.$1.args"
	KA_RC=$rc
	KA_SECS=$(printf '%d.%02d' $((us / 1000000)) $((us % 1000000 / 10000)))
	KA_ARGS="${args[*]}"
	printf '%s\n%s\n' "$KA_OUT" "$KA_ERR" >>"$T/all_outputs"
	[ -z "${TD_TIMES:-}" ] || printf '%s %s\n' "$KA_SECS" "${KA_ARGS:0:160}" >>"$TD_TIMES"
}
run1() {	# run1 ARGS...: kinde-auth in the foreground
	ka fg "$@"
	ka_load fg
}

# Every output of every run, for the secret check at the end.
: >"$T/all_outputs"

PAMD=$T/pam.d
SVC=kinde-test
mkdir -p "$PAMD"
printf 'auth     required  pam_kinde.so\naccount  required  pam_kinde.so\n' >"$PAMD/$SVC"
printf 'auth     required  pam_unix.so\naccount  required  pam_unix.so\n' >"$PAMD/no-kinde"

# sshd_config files (checked with sshd -T when it can run).
HOSTKEY=$T/ssh_host_ed25519_key
HAVE_KEYGEN=
if command -v ssh-keygen >/dev/null &&
	ssh-keygen -q -t ed25519 -N '' -f "$HOSTKEY" </dev/null >/dev/null 2>&1; then
	HAVE_KEYGEN=1
fi
sshd_conf() {	# sshd_conf FILE [first lines...]: the first value wins in sshd
	local f=$1
	shift
	{
		printf '%s\n' "$@"
		echo "HostKey $HOSTKEY"
		echo "UsePAM yes"
		echo "KbdInteractiveAuthentication yes"
		echo "LoginGraceTime 120"
	} >"$f"
	chmod 600 "$f"
}
SSHD_OK=$T/sshd_ok
sshd_conf "$SSHD_OK"

CONF=$T/kinde.conf
fk_conf "$CONF" "net_module = $NET" "require_scopes = ssh:login"
SECRETS=("$FK_CLIENT_SECRET")
DARGS=(--config "$CONF" --pam-dir "$PAMD" --service "$SVC" --sshd-config "$SSHD_OK")

# D ARGS...: diagnose with the test's config, PAM dir and sshd_config
# (later options win).  The report goes to $T/last.text or $T/last.json.
D() {
	local mode=text a
	for a in "$@"; do [ "$a" = --json ] && mode=json; done
	run1 diagnose "${DARGS[@]}" "$@"
	printf '%s\n' "$KA_OUT" >"$T/last.$mode"
}

# run2 DESC RC ARGS...: diagnose as text and as --json (at the same time);
# asserts that both exit with RC.
run2() {
	local desc=$1 want=$2 rt pid
	shift 2
	ka text diagnose "${DARGS[@]}" "$@" &
	pid=$!
	ka json diagnose "${DARGS[@]}" --json "$@"
	wait "$pid"
	ka_load text
	printf '%s\n' "$KA_OUT" >"$T/last.text"
	rt=$KA_RC
	ka_load json
	printf '%s\n' "$KA_OUT" >"$T/last.json"
	is "$rt/$KA_RC" "$want/$want" "$desc: exit $want (text and --json)"
}

# finding DESC CODE [conditions...]: in the last text AND --json reports, a
# failed finding with CODE, a symptom, a cause and a fix, matching the
# conditions (field=REGEX, field!=REGEX; fields check, value, symptom,
# cause, fix).
finding() {
	local desc=$1 code=$2 st
	shift 2
	dcheck fail both "$code" "$@"
	st=$?
	ok $((st & 1)) "$desc: text names $code, with symptom, cause and fix"
	ok $(((st >> 1) & 1)) "$desc: --json has {code: $code, ok: false} with value, symptom, cause, fix"
}

fresh_cache() {	# a new empty 0700 cache dir
	mktemp -d "$T/cache.XXXXXX"
}

# vclass verify|apikey CLASS DESC ARGS...: `verify|apikey --explain` says
# "REJECTED (<reason>; class CLASS)" and with --json "class": CLASS.
vclass() {
	local cmd=$1 cls=$2 desc=$3 pid
	shift 3
	ka vtext "$cmd" --config "$CONF" --explain "$@" &
	pid=$!
	ka vjson "$cmd" --config "$CONF" --json "$@"
	wait "$pid"
	ka_load vtext
	like "$KA_OUT" "REJECTED \([a-z-]+; class $cls\)" "$cmd --explain names class $cls, as diagnose does ($desc)"
	ka_load vjson
	jget "$KA_OUT" 'd["class"]'
	is "$PY_OUT" "$cls" "$cmd --json has \"class\": \"$cls\", as diagnose does ($desc)"
}

# mint VAR JSON: VAR = a token signed by the fake's current key (options
# as for POST /__fake__/mint).
mint() {
	py mint "$FK_SRC" "$FK_DIR" "$FK_ISSUER" "$2" || diag "$PY_OUT"
	printf -v "$1" '%s' "$PY_OUT"
}
utc() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S UTC'; }
rnd() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
shown() { printf '%s\\.\\.\\.%s' "${1:0:7}" "${1: -4}"; }	# as a regex

# API keys: random, so that a leak is unambiguous.
apikey_add() {	# apikey_add KEY JSON-MEMBERS
	fk_ctl POST apikeys "{\"api_key\":\"$1\"${2:+,$2}}" >/dev/null ||
		echo "# registering an API key failed"
}
KEY_GOOD=k_live_$(rnd 16)
KEY_REVOKED=k_live_$(rnd 16)
KEY_INACTIVE=k_live_$(rnd 16)
KEY_UNKNOWN=k_live_$(rnd 16)
KEY_NOSCOPE=k_live_$(rnd 16)
KEY_ORG=k_live_$(rnd 16)
KEY_ODD=sk_test_$(rnd 16)
apikey_add "$KEY_GOOD" '"scopes":["ssh:login"]'
apikey_add "$KEY_REVOKED" '"status":"revoked","scopes":["ssh:login"]'
apikey_add "$KEY_INACTIVE" '"status":"inactive","scopes":["ssh:login"]'
apikey_add "$KEY_NOSCOPE" '"scopes":["read:things","write:things"]'
apikey_add "$KEY_ORG" '"scopes":["ssh:login"],"org_code":"org_other"'
apikey_add "$KEY_ODD" '"scopes":["ssh:login"]'
for k in "$KEY_GOOD" "$KEY_REVOKED" "$KEY_INACTIVE" "$KEY_UNKNOWN" "$KEY_NOSCOPE" "$KEY_ORG" "$KEY_ODD"; do
	SECRETS+=("$k" "${k:7:${#k}-11}")	# the key, and its hidden middle
done

NOW=$(date +%s)
mint GOOD '{"sub":"kp_healthy","scp":["openid","ssh:login"],"org":"org_a"}'
mint EXPIRED '{"sub":"kp_expired","scp":["openid","ssh:login"],"ttl":-11520}'
mint NBF "{\"scp\":[\"openid\",\"ssh:login\"],\"nbf\":$((NOW + 1800))}"
mint IAT "{\"scp\":[\"openid\",\"ssh:login\"],\"iat\":$((NOW + 1800)),\"ttl\":7200}"
mint NOSCOPE '{"sub":"kp_noscope","scp":["openid","profile"]}'
mint ORGX '{"sub":"kp_orgx","scp":["openid","ssh:login"],"org":"org_x"}'
mint NOORG '{"sub":"kp_noorg","scp":["openid","ssh:login"],"unset":["org_code"]}'
mint LONG '{"scp":["openid","ssh:login"],"pad_to":1100}'
for t in "$GOOD" "$EXPIRED" "$NBF" "$IAT" "$NOSCOPE" "$ORGX" "$NOORG" "$LONG"; do
	SECRETS+=("$t" "${t##*.}")	# the token, and its signature
done
[ -n "$GOOD" ] && [ -n "$LONG" ] || { echo "Bail out! minting tokens failed"; exit 99; }

# ------------------------------------------------------------ healthy --

D --token "$GOOD" --api-key "$KEY_GOOD"
is "$KA_RC" 0 "healthy config, good token and API key: exit 0"
unlike "$KA_OUT" "$CROSS" "healthy: no failure mark in the report"
like "$KA_OUT" 'No problem found\.' "healthy: says no problem found"
like "$KA_OUT" "$CHECK token-signature +RS256 signature valid" "healthy: the token's signature is checked"
like "$KA_OUT" "$CHECK api-key-key +valid and active" "healthy: the API key is verified with the issuer"
like "$KA_OUT" "$CHECK m2m +client $FK_CLIENT_ID: token issued and validated" "healthy: the M2M credentials are tried"
like "$KA_OUT" "$CHECK clock-skew +([0-9]s in step with|[0-9]s (behind|ahead of)) the issuer" \
	"healthy: the clock skew is measured"
like "$KA_OUT" "$CHECK api-key-prefix +$(shown "$KEY_GOOD") " \
	"healthy: the API key is shown as its first 7 and last 4 characters"
unlike "$KA_OUT" $'\033' "healthy: no colour escapes when stdout is not a terminal"
unlike "$KA_OUT$KA_ERR" "${GOOD##*.}" "healthy: the token is not printed"
unlike "$KA_OUT$KA_ERR" "${KEY_GOOD:7:${#KEY_GOOD}-11}" "healthy: the API key is not printed"

# --json; the token from stdin; an API key with a prefix unlike Kinde's.
D --json --token - --api-key "$KEY_ODD" <<<"$GOOD"
is "$KA_RC" 0 "healthy --json (token from stdin, an sk_test_ key): exit 0"
jget "$KA_OUT" '[d["ok"], d["problems"], d["issuer_reachable"]]'
is "$PY_OUT" '[true, 0, true]' \
	"healthy --json: ok true, problems 0, issuer_reachable true"
jget "$KA_OUT" '[c["check"] for c in d["checks"] if c["ok"] is False]'
is "$PY_OUT" '[]' \
	"healthy --json: no check has ok false"
jget "$KA_OUT" 'sorted(set(k for c in d["checks"] for k in ("code","check","ok","value") if k not in c))'
is "$PY_OUT" '[]' \
	"healthy --json: every check has code, check, ok and value"
dcheck note json invalid-api-key 'check=^api-key-prefix$' "value=^$(shown "$KEY_ODD")\$" \
	'cause=does not look like a Kinde key'
ok $? "an API key with another prefix: noted (not a failure), shown as first 7 + last 4 only"

if command -v script >/dev/null; then
	env -u NO_COLOR TERM=xterm script -qec "$(printf '%q ' "$KA_REAL" diagnose --config "$CONF" \
		--pam-dir "$PAMD" --service nosuch --sshd-config "$SSHD_OK")" \
		/dev/null >"$T/tty_outputs" 2>&1 </dev/null
	like "$(cat "$T/tty_outputs")" $'\033\\[32m'"$CHECK" "on a terminal (script -qc): a pass is green"
	like "$(cat "$T/tty_outputs")" $'\033\\[31m'"$CROSS" "on a terminal (script -qc): a failure is red"
else
	skip "on a terminal: a pass is green" "script(1) is not installed"
	skip "on a terminal: a failure is red" "script(1) is not installed"
fi

# ----------------------------------- 3 malformed + 1 invalid-api-key --

run2 "'Bearer Bearer <token>' and a quoted API key" 1 --token "Bearer Bearer $GOOD" --api-key "\"$KEY_GOOD\""
finding "'Bearer Bearer <token>'" malformed 'check=^copy-bearer$' 'value=twice' 'cause=twice' \
	'fix=after "Bearer "'
finding "API key in quotes" invalid-api-key 'check=^copy-quotes$' 'cause=quotes' 'fix=remove the quotes'
dcheck pass json '*' 'check=^token-signature$'
ok $? "'Bearer Bearer <token>': the token without them is then validated"
dcheck pass json '*' 'check=^api-key-key$'
ok $? "API key in quotes: the key without them is then verified"
like "$KA_OUT" "$(shown "$KEY_GOOD")" "API key in quotes: shown as the first 7 and last 4 characters of the key"
vclass verify malformed "'Bearer Bearer <token>'" "Bearer Bearer $GOOD"

run2 "'Bearer <token>' and 'Bearer <key>'" 1 --token "Bearer $GOOD" --api-key "Bearer $KEY_GOOD"
finding "'Bearer <token>'" malformed 'check=^copy-bearer$' 'value!=twice' 'cause=Authorization header'
finding "API key with a pasted 'Bearer ' prefix" invalid-api-key 'check=^copy-bearer$' 'cause=Bearer'

run2 "token with a line break, unknown API key" 1 --token "${GOOD:0:300}"$'\n'"${GOOD:300}" --api-key "$KEY_UNKNOWN"
finding "token with a line break inside" malformed 'check=^copy-whitespace$' 'value=offset 300' \
	'cause=line break' 'fix=one line'
finding "unknown API key (another environment's)" invalid-api-key 'check=^api-key$' \
	"value=^$(shown "$KEY_UNKNOWN"): " 'cause=does not know' 'cause=environment' 'fix=.'

run2 "token of two segments, truncated API key" 1 --token "${GOOD%.*}" --api-key "${KEY_GOOD:0:20}"
finding "not a JWT: two segments" malformed 'check=^token-decode$' 'value=segment|part|dot|compact' \
	'cause=not a JWT'
finding "truncated API key" invalid-api-key 'check=^api-key$' 'cause=truncated'

run2 "expired token, revoked API key" 1 --token "$EXPIRED" --api-key "$KEY_REVOKED"
py seg "$EXPIRED" 1 'd["exp"]'
EXP_AT=$(utc "$PY_OUT")
finding "expired token" token-invalid 'check=^token-exp$' "value=token expired 3h12m ago at $EXP_AT" \
	'cause=lifetime|expired' 'fix=new token|log in again'
finding "revoked API key" invalid-api-key 'check=^api-key$' "value=^$(shown "$KEY_REVOKED"): " \
	'value=revoked' 'cause=revoked' 'fix=new API key|reactivate'
vclass verify token-invalid "expired" "$EXPIRED"
vclass apikey invalid-api-key "revoked key" "$KEY_REVOKED"

run2 "token not yet valid, inactive API key" 1 --token "$NBF" --api-key "$KEY_INACTIVE"
finding "token not yet valid (nbf)" token-invalid 'check=^token-nbf$' 'value=not valid until' \
	'value=in (2[89]m[0-9]+s|30m0s)'
# The clocks were measured in step: the cause must not blame this host's.
dcheck fail json token-invalid 'check=^token-nbf$' "cause!=this host's clock is behind"
ok $? "token not yet valid, clocks measured in step: the cause does not blame this host's clock"
finding "inactive API key" invalid-api-key 'check=^api-key$' 'value=inactive' 'cause=inactive|deactivated'

# ---------------------------------------- 4 insufficient-scope, 5 org --

run2 "token and API key without the required scope" 1 --token "$NOSCOPE" --api-key "$KEY_NOSCOPE"
finding "token without the required scope" insufficient-scope 'check=^token-scope$' \
	'value=missing scope ssh:login; token has openid, profile' 'cause=scope' 'fix=scope'
finding "API key without the required scope" insufficient-scope 'check=^api-key-scope$' \
	'value=missing scope ssh:login; key has read:things, write:things' 'fix=API key'
dcheck fail json insufficient-scope 'check=^api-key-scope$' 'cause=key'
ok $? "API key without the scope: the cause speaks of the key, not of a token"
vclass verify insufficient-scope "token missing a scope" "$NOSCOPE"
vclass apikey insufficient-scope "key missing a scope" "$KEY_NOSCOPE"

run2 "token and API key of organizations not allowed" 1 -o allowed_orgs=org_a,org_b --token "$ORGX" \
	--api-key "$KEY_ORG"
finding "token of an organization not allowed" org-denied 'check=^token-org$' 'value=org_x' \
	'value=org_a, org_b' 'cause=allowed_orgs' 'fix=allowed_orgs'
finding "API key of an organization not allowed" org-denied 'check=^api-key-org$' 'value=org_other' \
	'value=org_a, org_b' 'cause=organization'
vclass verify org-denied "org not allowed" -o allowed_orgs=org_a,org_b "$ORGX"

run2 "token without org_code, allowed_orgs set" 1 -o allowed_orgs=org_a --token "$NOORG"
finding "token without org_code" org-denied 'check=^token-org$' 'value=org_a' 'cause=not organization-scoped'

# ----------------------------- more malformed tokens + host-side codes --

run2 "token not base64url, transport plugin missing" 1 --token "${GOOD:0:10}+${GOOD:11}" \
	-o "net_module=$T/no-such-net.so"
finding "not a JWT: not base64url" malformed 'check=^token-decode$' 'value=base64url'
finding "transport plugin missing" transport 'check=^transport$' 'value=no-such-net\.so' 'fix=net_module|reinstall'

NOTJSON="$(printf 'not json' | base64 | tr '+/' '-_' | tr -d '=\n').${GOOD#*.}"
run2 "header not JSON, PAM service file without pam_kinde.so" 1 --token "$NOTJSON" --service no-kinde
finding "not a JWT: the header is not JSON" malformed 'check=^token-decode$' 'value=JSON'
finding "PAM service file without pam_kinde.so" pam-service 'check=^pam-service$' 'value=no pam_kinde\.so' \
	'fix=auth required pam_kinde\.so'

run2 "token issued in the future, PAM service file missing" 1 --token "$IAT" --service nosuch
finding "token issued in the future (iat)" token-invalid 'check=^token-iat$' 'value=issued in the future' \
	'fix=.'
finding "PAM service file missing" pam-service 'check=^pam-service$' "value=$PAMD/nosuch" \
	'cause=does not exist' 'fix=pam_kinde\.so'

printf 'kp_someone demo\n' >"$T/usermap666"
chmod 666 "$T/usermap666"
is "${#LONG}" 1100 "the fake mints a 1100-byte token (pad_to)"
run2 "1100-byte token, user map file 0666" 1 --token "$LONG" -o "user_map_file=$T/usermap666"
finding "1100-byte token" malformed 'check=^token-length$' 'value=1100 bytes' 'value=1023' \
	'cause=OpenSSH' 'fix=API key'
dcheck pass json '*' 'check=^token-signature$'
ok $? "1100-byte token: still validated (a good token, only too long for SSH)"
finding "user map file writable by others" file-permissions 'check=^user-map-file$' 'value=usermap666' \
	'value=0666' 'fix=chmod 644'

cp "$FK_SECRET_FILE" "$T/secret644"
chmod 644 "$T/secret644"
mkdir "$T/cache777"
chmod 777 "$T/cache777"
run2 "token cut at 1023 bytes; secret file 0644; cache dir 0777" 1 --token "${LONG:0:1023}" \
	-o "client_secret_file=$T/secret644" -o "cache_dir=$T/cache777"
finding "token cut at 1023 bytes by an SSH client" malformed 'value=.' 'cause=1023' 'cause=SSH' \
	'cause=cut|truncat'
finding "client secret file mode 0644" file-permissions 'check=^secret-file$' 'value=secret644' \
	'value=0644' 'cause=secret' 'fix=chmod 600'
finding "cache dir mode 0777" cache-dir 'check=^cache-dir$' 'value=cache777' 'value=0777' 'fix=-m 700'

# (A cache_dir of the test's own: without a config the host's default
# would be checked, and created.)
run2 "missing config file" 1 --config "$T/none.conf" -o "cache_dir=$(fresh_cache)"
finding "missing config file" config 'check=^config$' "value=none\\.conf: No such file" \
	'cause=no configuration file' 'fix=domain'

cp "$CONF" "$T/open.conf"
chmod 666 "$T/open.conf"
run2 "config writable by others" 1 --config "$T/open.conf" -o "cache_dir=$(fresh_cache)"
finding "config writable by others" file-permissions 'check=^config$' 'value=open\.conf' 'fix=chmod'
# The refused file names no cache_dir: the default one (the host's) is
# neither checked nor created.
jget "$KA_OUT" '[c["value"] for c in d["checks"] if c["check"] == "cache-dir"]'
is "$PY_OUT" '["(not checked)"]' "config writable by others: the host's default cache dir is not checked (nor created)"

# ---------------------------------- M2M credentials, 7 invalid-scope --

printf 'wrong-secret-%s\n' "$(rnd 8)" >"$T/wrongsecret"
chmod 600 "$T/wrongsecret"
run2 "wrong client secret; require_scopes not in scopes_supported" 1 \
	-o "client_secret_file=$T/wrongsecret" -o require_scopes=ssh:logon -o "cache_dir=$(fresh_cache)"
finding "M2M: wrong client secret (invalid_client)" m2m-credentials 'check=^m2m$' 'value=invalid_client' \
	'cause=secret'
finding "require_scopes names a scope the issuer does not support" invalid-scope 'check=^scope-known$' \
	'value=ssh:logon \(require_scopes\) is not in the issuer.s scopes_supported' 'fix=spelling'

cp "$CONF" "$T/typo.conf"
echo "require_scope = ssh:login" >>"$T/typo.conf"
UC_SECRET=uc-secret-$(rnd 12)
SECRETS+=("$UC_SECRET")
fk_ctl POST clients "{\"client_id\":\"uc_client\",\"client_secret\":\"$UC_SECRET\",\"scopes\":[\"read:api_keys\"],\"grants\":[\"urn:ietf:params:oauth:grant-type:device_code\"]}" >/dev/null
printf '%s\n' "$UC_SECRET" >"$T/ucsecret"
chmod 600 "$T/ucsecret"
run2 "client not allowed client credentials" 1 \
	-o client_id=uc_client -o "client_secret_file=$T/ucsecret" -o "cache_dir=$(fresh_cache)"
finding "M2M: unauthorized_client" m2m-credentials 'check=^m2m$' 'value=unauthorized_client' \
	'cause=not authorized'
# A misspelt key is a configuration error (the module refuses every
# login), named with its line and the closest known key.
run2 "misspelt config key" 1 --config "$T/typo.conf"
finding "misspelt config key" config 'check=^config-keys$' 'value=typo\.conf:[0-9]+: unknown option "require_scope"' \
	'value=did you mean "require_scopes"' 'symptom=PAM_SERVICE_ERR' 'cause=unknown|misspelt'
dcheck nofail json config 'check=^issuer$'
ok $? "misspelt config key: the issuer is not reported missing (the domain is set)"
run2 "misspelt -o key" 1 -o allowed_org=org_a
finding "misspelt -o key" config 'check=^config-keys$' 'value=did you mean "allowed_orgs"'

# ------------------------------------ permissive policies (issue 9) --

# No audience, no required scope or permission: the module refuses the
# configuration; with allow_any_token = yes it accepts it, and diagnose
# still flags it.
grep -v '^require_scopes' "$CONF" >"$T/open.conf"
chmod 600 "$T/open.conf"
run2 "no audience, scope or permission" 1 --config "$T/open.conf"
finding "permissive policy refused" config 'check=^policy$' 'value=allow_any_token' \
	'symptom=PAM_SERVICE_ERR' 'fix=audience|require_scopes'
run2 "allow_any_token = yes" 1 --config "$T/open.conf" -o allow_any_token=yes
finding "allow_any_token = yes" config 'check=^policy$' 'value=allow_any_token' \
	'symptom=any access token' 'fix=audience or require_scopes'
D --json
dcheck pass json config 'check=^policy$' 'value=require_scopes'
ok $? "main config (require_scopes): the policy check passes, naming it"

# Files the configuration trusts: the CA (not writable by others) and the
# client secret (not readable by others) make every login fail.
cp "$FK_CA" "$T/ca664.pem"
chmod 664 "$T/ca664.pem"
run2 "ca_file writable by the group" 1 -o "ca_file=$T/ca664.pem"
finding "ca_file writable by the group" file-permissions 'check=^ca-file$' 'value=ca664\.pem' \
	'value=0664' 'symptom=PAM_SERVICE_ERR' 'fix=chmod 644'

printf 'sub kp_revoked\n' >"$T/deny666"
chmod 666 "$T/deny666"
run2 "deny_file writable by others" 1 -o "deny_file=$T/deny666"
finding "deny_file writable by others" file-permissions 'check=^deny-file$' 'value=deny666' \
	'value=0666' 'symptom=PAM_SERVICE_ERR' 'fix=chmod 644'
printf 'sub kp_revoked\nuser kp_x\n' >"$T/denybad"
chmod 644 "$T/denybad"
run2 "deny_file with a bad line" 1 -o "deny_file=$T/denybad"
finding "deny_file with a bad line" config 'check=^config$' 'value=denybad:2: "user" is not sub'

run2 "m2m_scope unknown to the issuer" 1 -o m2m_scope=nosuch:scope -o "cache_dir=$(fresh_cache)"
finding "m2m_scope unknown to the issuer (scopes_supported)" invalid-scope 'check=^scope-known$' \
	'value=nosuch:scope \(m2m_scope\)'
finding "m2m_scope unknown to the issuer: invalid_scope from the token endpoint" invalid-scope 'check=^m2m$' \
	'value=invalid_scope' 'value=nosuch:scope'

fk_ctl POST scopes_supported '{"scopes":["openid","profile","email","offline","ssh:login","read:api_keys","write:things"]}' >/dev/null
run2 "m2m_scope not granted to the client" 1 -o m2m_scope=write:things -o "cache_dir=$(fresh_cache)"
finding "m2m_scope not granted: invalid_scope from the token endpoint" invalid-scope 'check=^m2m$' \
	'value=invalid_scope' 'value=write:things' 'cause=m2m_scope'
dcheck pass json invalid-scope 'check=^scope-known$' 'value=write:things'
ok $? "m2m_scope not granted: the scope is in scopes_supported (the finding is the token endpoint's)"
fk_ctl POST scopes_supported '{"scopes":["openid","profile","email","offline","ssh:login","read:api_keys"]}' >/dev/null

# -------------------------------------------------- 6 rate-limited --

RL_CACHE=$(fresh_cache)
fk_fault '{"path":"/.well-known/openid-configuration","kind":"429","reset_after":600}'
RL_T0=$(date +%s)
D -o "cache_dir=$RL_CACHE"
is "$KA_RC" 1 "429 on discovery: exit 1 (a problem; the issuer did answer)"
dcheck fail text rate-limited 'value=until [0-9-]+ [0-9:]+ UTC' 'value=\((600|59[0-9])s from now\)' \
	'fix=wait'
ok $? "429 on discovery: rate-limited, with the reset time from RateLimit-Reset (600 s)"
RL_UNTIL=$(sed -n 's/.*until \([0-9-]* [0-9:]*\) UTC.*/\1/p' "$T/last.text" | head -1)
RL_UNTIL=$(date -u -d "$RL_UNTIL" +%s 2>/dev/null || echo 0)
cmp_num "$((RL_UNTIL - RL_T0))" -ge 598 "429 on discovery: the reset time is now + RateLimit-Reset (>= 598 s)"
cmp_num "$((RL_UNTIL - RL_T0))" -le 615 "429 on discovery: the reset time is now + RateLimit-Reset (<= 615 s)"
dcheck none text '*' 'value=not rate-limited'
ok $? "429 on discovery: the report does not also say this host is not rate-limited"
fk_reset_counts
D --json -o "cache_dir=$RL_CACHE"
is "$KA_RC" 1 "rate-limited, second run: exit 1"
dcheck fail json rate-limited 'check=^rate-limit$' 'value=limited until [0-9-]+ [0-9:]+ UTC' \
	'value=\((600|5[0-9][0-9])s from now\)' 'cause=429|RateLimit-Reset' 'fix=wait'
ok $? "rate-limited, second run: the host's limiter state (from the cache) names the reset"
is "$(fk_total)" 0 "rate-limited, second run: no request reached the issuer (counters)"
run1 verify --config "$CONF" -o "cache_dir=$RL_CACHE" --json "$GOOD"
jget "$KA_OUT" 'd["class"]'
is "$KA_RC/$PY_OUT" "3/rate-limited" \
	"verify --json under the same limit: exit 3, \"class\": \"rate-limited\", as diagnose"
fk_clear_faults

# ---------------------------------------------- 2 token-invalid: clock --

fk_ctl POST config '{"clock_offset":600}' >/dev/null
run2 "the issuer's clock 10 minutes ahead" 1 -o "cache_dir=$(fresh_cache)"
finding "clock skew: this host behind" token-invalid 'check=^clock-skew$' \
	'value=(9m5[0-9]s|10m[0-9]s) behind the issuer' 'cause=clock' 'fix=synchroni[sz]e|ntp|chrony'
dcheck nofail json issuer-unreachable
ok $? "clock skew: the issuer answered, so no finding says issuer-unreachable"
fk_ctl POST config '{"clock_offset":-600}' >/dev/null
D --json -o "cache_dir=$(fresh_cache)"
dcheck fail json token-invalid 'check=^clock-skew$' 'value=(9m5[0-9]s|10m[0-9]s) ahead of the issuer'
ok $? "clock skew: this host 10 minutes ahead is named too"
fk_ctl POST config '{"clock_offset":0}' >/dev/null

# ------------------------------------ issuer unreachable: exit 3 --

run2 "DNS failure" 3 -o domain=https://nonexistent.invalid
finding "DNS failure" issuer-unreachable 'check=^dns$' 'value=nonexistent\.invalid' 'cause=resolve' \
	'fix=DNS'
jget "$KA_OUT" 'd["issuer_reachable"]'
is "$PY_OUT" false "DNS failure: --json issuer_reachable false"

# A port nothing listens on: bind one, note it, close it.
DEAD_PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run2 "connection refused" 3 -o "domain=https://127.0.0.1:$DEAD_PORT" -o "cache_dir=$(fresh_cache)"
finding "connection refused" issuer-unreachable 'check=^connect$' "value=127\\.0\\.0\\.1:$DEAD_PORT" \
	'value=connect' 'fix=443|proxy'

# No way in while the issuer is down (issue 16): pam_kinde required with
# nothing before it that can let a login in, and no key set cached.
run2 "issuer down, key-set cache cold, pam_kinde the only way in" 3 \
	-o "domain=https://127.0.0.1:$DEAD_PORT" -o "cache_dir=$(fresh_cache)"
finding "no way in while the issuer is down" pam-service 'check=^pam-lockout$' \
	'value=no way in' 'value=cold' 'symptom=root' 'fix=break-glass' 'fix=root shell'
printf 'auth [success=done default=ignore] pam_succeed_if.so user ingroup kinde-breakglass\nauth required pam_kinde.so\naccount required pam_kinde.so\n' >"$PAMD/breakglass"
printf 'auth [success=ok authinfo_unavail=ignore default=die] pam_kinde.so\nauth required pam_unix.so\n' >"$PAMD/factor"
for svc in breakglass factor; do
	D --json --service "$svc" -o "domain=https://127.0.0.1:$DEAD_PORT" -o "cache_dir=$(fresh_cache)"
	dcheck nofail json pam-service 'check=^pam-lockout$'
	ok $? "issuer down, cold cache, service '$svc': a way in remains, no lockout warning"
	dcheck note json pam-service 'check=^pam-lockout$' 'value=a way in remains'
	ok $? "  service '$svc': noted that a way in remains"
done
D --json -o "cache_dir=$(fresh_cache)"
dcheck none json pam-service 'check=^pam-lockout$'
ok $? "issuer reachable: no lockout finding"

run2 "TLS failure (wrong ca_file), with a good token and key" 3 -o "ca_file=$FK_DIR/wrong-ca.pem" \
	--token "$GOOD" --api-key "$KEY_GOOD"
finding "TLS failure (wrong ca_file)" issuer-unreachable 'check=^tls$' 'value=certificate' 'cause=TLS' \
	'fix=ca_file'
dcheck nofail json token-invalid
ok $? "TLS failure: the good token is not blamed (no token-invalid while the key set cannot be had)"

# --------------------------------------- 2 token-invalid: rotated key --

mint OLD '{"sub":"kp_old","scp":["openid","ssh:login"]}'
SECRETS+=("$OLD")
py seg "$OLD" 0 'd["kid"]'
OLD_KID=$PY_OUT
fk_ctl POST rotate '{"keep_old": false}' >/dev/null
ROT_CACHE=$(fresh_cache)
run2 "kid not in the key set after a rotation" 1 --token "$OLD" -o "cache_dir=$ROT_CACHE"
finding "kid not in the key set (rotated, keep_old false)" token-invalid 'check=^token-kid$' \
	"value=$OLD_KID" 'cause=rotated' 'fix=new token'
fk_reset_counts
D --json --token "$OLD" -o "cache_dir=$ROT_CACHE" -o jwks_refetch_cooldown=3600
dcheck fail json token-invalid 'check=^token-kid$' "value=$OLD_KID"
ok $? "rotated kid, again within the refetch cooldown: still token-invalid (kid)"
is "$(fk_count /.well-known/jwks)" 1 \
	"rotated kid within the refetch cooldown: one key-set request (the check), no refetch for the kid"
run1 verify --config "$CONF" -o "cache_dir=$ROT_CACHE" --json "$OLD"
jget "$KA_OUT" 'd["class"]'
is "$PY_OUT" token-invalid "verify --json: rotated kid is class token-invalid, as diagnose"
mint NEW '{"sub":"kp_new","scp":["openid","ssh:login"]}'
SECRETS+=("$NEW")
D --token "$NEW" -o "cache_dir=$ROT_CACHE"
is "$KA_RC" 0 "after the rotation a token of the new key passes (exit 0)"

# --------------------------------------------------- sshd-config --

SSHD_MODE=
if [ ! -x /usr/sbin/sshd ] || [ -z "$HAVE_KEYGEN" ]; then
	SSHD_MODE=absent
elif [ -d /run/sshd ]; then
	SSHD_MODE=direct
elif unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir /run/sshd' 2>/dev/null; then
	# sshd -T wants /run/sshd: a private mount namespace with its own /run
	# leaves the host untouched.
	SSHD_MODE=namespace
	cat >"$T/ka-ns" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -m 0755 /run/sshd && exec "\$@"' sh "$KA_REAL" "\$@"
EOF
	chmod 755 "$T/ka-ns"
elif [ "$(id -u)" -eq 0 ] && mkdir -m 0755 /run/sshd 2>/dev/null; then
	SSHD_MODE=direct
	MADE_RUN_SSHD=1
else
	SSHD_MODE=skipped
fi
diag "sshd -T: $SSHD_MODE"

SSHD_BAD=$T/sshd_bad
sshd_conf "$SSHD_BAD" "UsePAM no" "KbdInteractiveAuthentication no" \
	"AuthenticationMethods publickey" "LoginGraceTime 10"
case $SSHD_MODE in
absent)
	skip "sshd_config checks" "sshd or ssh-keygen is not installed"
	;;
skipped)
	D --json --sshd-config "$SSHD_BAD"
	dcheck note json sshd-config 'check=^sshd$' 'value=sshd -T failed' 'cause=needs root and the host keys'
	ok $? "sshd -T cannot run here (no /run/sshd, not root): the skip is documented"
	;;
*)
	[ "$SSHD_MODE" = namespace ] && KINDE_AUTH=$T/ka-ns
	D --json
	dcheck pass json sshd-config 'check=^sshd-usepam$' 'value=usepam yes'
	ok $? "healthy sshd_config: sshd -T ran, UsePAM yes passes"
	dcheck nofail json sshd-config
	ok $? "healthy sshd_config: no sshd finding fails"
	run2 "sshd_config with four problems" 1 --sshd-config "$SSHD_BAD"
	finding "sshd_config with UsePAM no" sshd-config 'check=^sshd-usepam$' 'value=usepam no' \
		'fix=UsePAM yes'
	finding "sshd_config with KbdInteractiveAuthentication no" sshd-config 'check=^sshd-kbdinteractive$' \
		'value=kbdinteractiveauthentication no' 'fix=KbdInteractiveAuthentication yes'
	finding "sshd_config with AuthenticationMethods publickey" sshd-config 'check=^sshd-authmethods$' \
		'value=authenticationmethods publickey' 'fix=keyboard-interactive'
	finding "sshd_config with LoginGraceTime 10" sshd-config 'check=^sshd-logingracetime$' \
		'value=logingracetime 10s; the module may need up to [0-9]+s' 'fix=LoginGraceTime'
	# A device login waits for the approval while LoginGraceTime runs.
	SSHD_GRACE=$T/sshd_grace
	sshd_conf "$SSHD_GRACE" "LoginGraceTime 60"
	run2 "device_timeout 90 and LoginGraceTime 60" 1 --sshd-config "$SSHD_GRACE" \
		-o device_client_id=dev_app
	finding "device_timeout not below LoginGraceTime" sshd-config 'check=^sshd-device-timeout$' \
		'value=device_timeout 90s; logingracetime 60s' 'fix=device_timeout' \
		'symptom=cut off by sshd'
	D --json -o device_client_id=dev_app
	dcheck pass json sshd-config 'check=^sshd-device-timeout$' 'value=device_timeout 90s; logingracetime 120s'
	ok $? "device_timeout 90 under LoginGraceTime 120: passes"
	D --json
	dcheck none json sshd-config 'check=^sshd-device-timeout$'
	ok $? "no device_client_id: no device_timeout check"
	# An sshd that cannot start is a finding (issue 16), not a skipped
	# check followed by "No problem found.".
	SSHD_NOSTART=$T/sshd_nostart
	sshd_conf "$SSHD_NOSTART" "AuthenticationMethods keyboard-interactive" \
		"KbdInteractiveAuthentication no"
	run2 "sshd_config sshd refuses (keyboard-interactive required, disabled)" 1 \
		--sshd-config "$SSHD_NOSTART"
	finding "sshd refuses its configuration" sshd-config 'check=^sshd$' \
		'value=sshd -T failed: .*keyboard-interactive' 'symptom=start' \
		'fix=KbdInteractiveAuthentication yes'
	unlike "$(cat "$T/last.text")" 'No problem found' \
		"sshd refuses its configuration: the report does not say no problem found"
	# Public keys that let a login in without Kinde: a note, not a failure.
	D --json
	is "$KA_RC" 0 "AuthenticationMethods unset, PubkeyAuthentication yes: still exit 0 (a note)"
	dcheck note json sshd-config 'check=^sshd-publickey$' 'value=any' \
		'cause=removing someone in Kinde does not cut their key logins'
	ok $? "AuthenticationMethods unset: public-key logins bypassing Kinde are noted"
	SSHD_PK=$T/sshd_pk
	sshd_conf "$SSHD_PK" "AuthenticationMethods publickey keyboard-interactive"
	D --json --sshd-config "$SSHD_PK"
	dcheck note json sshd-config 'check=^sshd-publickey$' 'value=publickey keyboard-interactive'
	ok $? "AuthenticationMethods 'publickey keyboard-interactive': public key alone is noted"
	sshd_conf "$SSHD_PK" "AuthenticationMethods publickey,keyboard-interactive"
	D --json --sshd-config "$SSHD_PK"
	dcheck none json sshd-config 'check=^sshd-publickey$'
	ok $? "AuthenticationMethods publickey,keyboard-interactive: no public-key note (Kinde is always asked)"
	D --json -o account_requires_auth=yes
	dcheck pass json sshd-config 'check=^sshd-publickey$' 'value=account_requires_auth'
	ok $? "account_requires_auth = yes with 'account required pam_kinde.so': key-only logins are refused, no note"
	KINDE_AUTH=$KA_REAL
	if [ -n "$MADE_RUN_SSHD" ]; then
		rmdir /run/sshd 2>/dev/null
		MADE_RUN_SSHD=
	fi
	;;
esac

# ----------------------------- no way in, but a key set is cached --

WARM=$(fresh_cache)
D --json -o "cache_dir=$WARM"
fk_stop
D --json -o "cache_dir=$WARM"
is "$KA_RC" 3 "issuer stopped: exit 3"
dcheck nofail json pam-service 'check=^pam-lockout$'
ok $? "issuer stopped, key set cached: no lockout warning (tokens still log in)"
dcheck note json pam-service 'check=^pam-lockout$' 'value=a key set is cached'
ok $? "  noted that pam_kinde is the only way in and a key set is cached"

# --------------------------------------------------------- secrets --

printf '%s\n' "${SECRETS[@]}" | grep -E '.{8}' >"$T/secrets"
leaks=$(cat "$T/all_outputs" "$T/tty_outputs" 2>/dev/null | grep -oF -f "$T/secrets" |
	cut -c1-7 | sort -u | tr '\n' ' ')
is "$leaks" "" "no token, API key, key middle or client secret in any output of this test"
unlike "$(cat "$T/all_outputs")" $'\033' "no escape sequence in any output that was not to a terminal"

diag "runtime: $(elapsed "$T0")s"
tap_done
exit $?
