#!/bin/bash
# test_conv.sh - an application whose conversation fails after the
# module's prompt.  sudo 1.9.13p3 (Debian 12) refuses an answer of 512
# bytes or more (measured; 511 pass), and a Kinde access token is ~850
# bytes: the login used to be logged as reason=user "could not read the
# token or API key", which sent the administrator to the user map.  It is
# reason=conv now, with a hint that the answer may have been too long and
# what fits instead (an API key, the device login).
#
# pam_harness --conv-limit 512 answers as sudo does: PAM_CONV_ERR instead
# of an answer of 512 bytes or more.
set -u
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:?}/tests/pam/lib.sh"
pk_require
pk_setup
fk_start || { echo "Bail out! fake Kinde server did not start"; exit 99; }

SUDO_LIMIT=512	# sudo 1.9.13p3: an answer of this many bytes is refused
pk_conf "$T/c.conf" "require_scopes = ssh:login"
pk_kinde_service sudo "$T/c.conf"
pk_conf "$T/j.conf" "require_scopes = ssh:login" "audit = json"
pk_kinde_service sudo-json "$T/j.conf"
: >"$T/secrets"
pk_mint_batch <<'EOF_MINT' || { echo "Bail out! minting failed"; exit 99; }
long   --sub alice --scp openid --scp ssh:login --pad-to 850
short  --sub alice --scp openid --scp ssh:login
EOF_MINT
cmp_num "${#TOK[long]}" -ge "$SUDO_LIMIT" "the token is $SUDO_LIMIT bytes or more (${#TOK[long]}), as Kinde's are"
# An RS256 signature alone is 342 characters: no token fits under 512.
cmp_num "${#TOK[short]}" -ge "$SUDO_LIMIT" "even a token with almost no claims is $SUDO_LIMIT bytes or more (${#TOK[short]})"

# ----------------------------------------- the conversation fails: conv --

fk_reset_counts
pk_login --conv-limit "$SUDO_LIMIT" sudo alice "${TOK[long]}"
auth_is PAM_CONV_ERR "an ${#TOK[long]}-byte token through sudo's limit: PAM_CONV_ERR"
reason_is conv "the decision line says reason=conv"
line=$(pk_decision)
is "$(pk_field "$line" result)" error "the decision line says result=error" || pk_context
like "$(pk_field "$line" hint)" 'may have been too long for the application' \
	"the hint says the answer may have been too long for the application" || pk_context
like "$(pk_field "$line" hint)" 'sudo.*512.*OpenSSH.*1023' \
	"the hint gives the measured limits (sudo 512, OpenSSH 1023)" || pk_context
like "$(pk_field "$line" hint)" 'API key.*device login' \
	"the hint recommends an API key or the device login" || pk_context
unlike "$(pk_field "$line" detail)" 'could not read the token' \
	"not the old detail that pointed nowhere" || pk_context
unlike "$line" 'reason=user' "not reason=user (the user map is not the problem)" || pk_context
acct_is "" "the account stage does not run"
no_kinde_env "no KINDE_* exported"
is "$(fk_total)" 0 "no request to the issuer: there was no answer to check"
unlike "$PK_LOG" "${TOK[long]:0:40}" "the token is not in the log" || pk_context

pk_login --conv-limit "$SUDO_LIMIT" sudo-json alice "${TOK[long]}"
auth_is PAM_CONV_ERR "audit=json: PAM_CONV_ERR"
like "$(pk_decision)" '"reason":"conv"' "audit=json: \"reason\":\"conv\"" || pk_context
like "$(pk_decision)" '"hint":"the answer may have been too long' "audit=json: the hint" || pk_context

# ------------------------------------------- what fits through the limit --

# 511 bytes pass the conversation: the module gets the answer and judges
# it (as an API key Kinde does not know), so the limit is where sudo's is.
pk_login --conv-limit "$SUDO_LIMIT" sudo alice "$(head -c $((SUDO_LIMIT - 1)) /dev/zero | tr '\0' x)"
auth_is PAM_AUTH_ERR "a 511-byte answer passes the conversation and is judged: PAM_AUTH_ERR"
reason_is key-invalid "  reason=key-invalid (judged by the issuer), not conv"

key="k_live_sudo$(pk_rand)"
printf '%s\n' "$key" >>"$T/secrets"
pk_apikey "$key" '"scopes":["ssh:login"],"user_id":"alice"'
pk_login --conv-limit "$SUDO_LIMIT" sudo alice "$key"
auth_is PAM_SUCCESS "an API key (${#key} bytes) through sudo's limit: PAM_SUCCESS (the recommended way)"
reason_is ok "  reason=ok"

pk_login sudo alice "${TOK[long]}"
auth_is PAM_SUCCESS "the long token without the limit: PAM_SUCCESS (the token itself is good)"

# ------------------------------------------ kinde-auth diagnose says so --

# answer_length: the answer-length finding of the last --json run.
answer_length() {
	json_get "$KA_OUT" 'next((c for c in d["checks"] if c["check"] == "answer-length"), None)'
}
DG=(diagnose --config "$T/c.conf" --pam-dir "$PK_PAMD" --sshd-config "$T/no-sshd-config")
kinde_auth "${DG[@]}" --service sudo --json
f=$(answer_length)
like "$f" '"code": "pam-service"' "diagnose --service sudo: an answer-length finding (code pam-service)" || _ka_context
like "$f" '"ok": null' "  a note, not a failure, without a token" || _ka_context
like "$f" 'sudo 1.9.13p3 refuses answers of 512 bytes or more' "  it gives sudo's measured limit" || _ka_context
like "$f" 'API keys fit' "  and what fits" || _ka_context
like "$f" 'does not fit through sudo.*reason=conv' "  and that a token does not (reason=conv)" || _ka_context

kinde_auth "${DG[@]}" --service sudo
like "$KA_OUT" $'answer-length[^\n]*512[^\n]*\n    note: ' "diagnose --service sudo (text): the finding with its note" || _ka_context

printf '%s\n' "${TOK[long]}" >"$T/long.tok"
kinde_auth "${DG[@]}" --service sudo --json --token - <"$T/long.tok"
f=$(answer_length)
like "$f" '"ok": false' "diagnose --service sudo --token (${#TOK[long]} bytes): a failure" || _ka_context
like "$f" "this token is ${#TOK[long]} bytes; sudo takes at most 511" "  naming the token's length" || _ka_context
like "$f" '"fix": "use an API key or the device login' "  with the fix" || _ka_context
cmp_num "$KA_RC" -ge 1 "  and a non-zero exit (rc $KA_RC)"

kinde_auth "${DG[@]}" --service sshd --json
is "$(answer_length)" null "diagnose --service sshd: no answer-length finding (sshd's cut is token-length)" || _ka_context

tap_done
