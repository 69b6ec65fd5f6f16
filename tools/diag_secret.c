/*
 * diag_secret.c - diagnose's checks of a token or an API key as the user
 * gave it: how it was copied (an Authorization header, quotes, line
 * breaks, SSH's 1023-byte cut), what it is, and every check of the
 * validator or the issuer's verdict, each turned into a symptom, a cause
 * and a fix.
 */
#include "kinde-build.h"

#include "diag.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SSH_ANSWER_MAX 1023

/*
 * Strips what copying adds around a secret ("Authorization: ", "Bearer ",
 * quotes), reporting each under code.  Returns a new string without them
 * and without inner whitespace; *dirty says something was removed.
 */
static char *
clean_copy(struct diag *d, const char *raw, const char *code,
	   const char *what, bool *dirty)
{
	const char *p = raw, *symptom = strcmp(code, DC_MALFORMED) == 0 ?
		"the token is refused as malformed (PAM_AUTH_ERR)" :
		"the key is refused as invalid (HTTP 401 \"Authentication failed\")";
	char *out, *o;
	size_t len, bearer = 0, ws_at = 0;
	bool ws = false;

	*dirty = false;
	if (strncasecmp(p, "Authorization:", 14) == 0) {
		p += 14;
		p += strspn(p, " \t");
	}
	while (strncasecmp(p, "Bearer", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
		bearer++;
		p += 7;
		p += strspn(p, " \t");
	}
	if (bearer > 0) {
		*dirty = true;
		diag_add(d, code, "copy-bearer", DIAG_FAIL, symptom,
			 bearer > 1 ? "the value carries \"Bearer \" twice: a header value was pasted into another header" :
			 "an Authorization header value was pasted: \"Bearer \" is not part of the secret",
			 "give only the part after \"Bearer \"",
			 "%s starts with \"Bearer \"%s", what,
			 bearer > 1 ? " twice" : "");
	}
	len = strlen(p);
	if (len >= 2 && (p[0] == '"' || p[0] == '\'') && p[len - 1] == p[0]) {
		*dirty = true;
		diag_add(d, code, "copy-quotes", DIAG_FAIL, symptom,
			 "the quotes around it were copied too",
			 "remove the quotes", "%s is quoted", what);
		p++;
		len -= 2;
	}
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	for (o = out; len > 0; p++, len--) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
			if (!ws)
				ws_at = (size_t)(o - out);
			ws = true;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	if (ws) {
		*dirty = true;
		diag_add(d, code, "copy-whitespace", DIAG_FAIL, symptom,
			 "spaces or line breaks were copied into it (a wrapped terminal or e-mail)",
			 "copy it again as one line", "%s contains whitespace at offset %zu",
			 what, ws_at);
	}
	return out;
}

/* What a failed check means: symptom, cause and fix. */
struct advice {
	const char *code, *symptom, *cause, *fix;
};

#define TOKEN_REFUSED "the login is refused (PAM_AUTH_ERR); an API would answer 401"
#define NEW_TOKEN "get a new access token from the configured issuer"
#define NOT_A_TOKEN "this is not a well-formed access token"
#define COPY_WHOLE "copy the whole access token: three base64url parts separated by dots"
#define SCOPE_REFUSED "the login is refused (PAM_AUTH_ERR); an API would answer 403 insufficient scope"

/*
 * The advice for each reason a check fails with; the failure class (the
 * finding's code) is the core's for that reason.  A claim of the wrong
 * type (KINDE_R_CLAIMS) or a reason without a row (rate limited keys) is
 * explained by the row of the check that failed (check), as for its
 * usual reason.  NULL symptom or fix: TOKEN_REFUSED, NEW_TOKEN.  The
 * causes of exp, nbf/iat, org and role depend on what was measured
 * (advise()).
 */
static const struct advice_row {
	kinde_reason_t reason;
	const char *check;
	const char *symptom, *cause, *fix;
} advice_rows[] = {
	{ KINDE_R_MALFORMED, "format", NULL, NOT_A_TOKEN, COPY_WHOLE },
	{ KINDE_R_MALFORMED, "payload", NULL, NOT_A_TOKEN, COPY_WHOLE },
	{ KINDE_R_HEADER, "header", NULL, NOT_A_TOKEN, COPY_WHOLE },
	{ KINDE_R_ALG, "alg", NULL,
	  "the token is signed with an algorithm this host does not accept",
	  "Kinde signs RS256; check algorithms in the config, or where the token came from" },
	{ KINDE_R_KID, "kid", NULL,
	  "its key id is not in the issuer's current key set: the keys were rotated, or the token comes from another Kinde environment",
	  "get a new token; compare its iss with the configured issuer" },
	{ KINDE_R_SIGNATURE, "signature", NULL,
	  "the signature does not verify: the token was altered, or signed by someone else",
	  "get a new token from the configured issuer; never edit a token" },
	{ KINDE_R_UNAVAILABLE, "keys", "logins fail with PAM_AUTHINFO_UNAVAIL",
	  "no key set to verify with: the issuer cannot be reached",
	  "see the issuer checks above" },
	{ KINDE_R_ISSUER, "iss", NULL,
	  "the token was issued by another Kinde business or environment",
	  "use a token of the configured issuer, or correct issuer/domain" },
	{ KINDE_R_AUDIENCE, "aud", NULL,
	  "the token was requested for another API (audience)",
	  "request the token with the API's audience, or add that audience to `audience`" },
	{ KINDE_R_EXPIRED, "exp", NULL,
	  "its lifetime is over: Kinde access tokens are short-lived",
	  "log in again (or refresh) for a new token" },
	{ KINDE_R_NOT_YET_VALID, "nbf", NULL,
	  "this host's clock is behind the issuer's (clock skew)",
	  "synchronise the clock (timedatectl set-ntp true, chrony)" },
	{ KINDE_R_ISSUED_IN_FUTURE, "iat", NULL,
	  "this host's clock is behind the issuer's (clock skew)",
	  "synchronise the clock (timedatectl set-ntp true, chrony)" },
	{ KINDE_R_TOKEN_TYPE, "token-type", NULL,
	  "user and M2M tokens are told apart by gty; this type is not in token_types",
	  "use the other kind of token, or change token_types" },
	{ KINDE_R_CLIENT, "client", NULL,
	  "the token was issued to an application (azp) not in allowed_client_ids",
	  "get the token through an allowed application, or extend allowed_client_ids" },
	{ KINDE_R_SCOPE, "scope", SCOPE_REFUSED,
	  "the token was not granted every required scope",
	  "in Kinde, enable the scope on the API and request it when getting the token (scope=...), or change require_scopes" },
	{ KINDE_R_PERMISSION, "permission", SCOPE_REFUSED,
	  "the user lacks a required permission",
	  "in Kinde, give the user a role with the permission, or change require_permissions" },
	{ KINDE_R_ORG, "org",
	  "the login is refused (PAM_AUTH_ERR): organization access denied",
	  "the token's organization is not among allowed_orgs",
	  "sign in to an allowed organization (org_code=... in the login request), or extend allowed_orgs" },
	{ KINDE_R_ROLE, "role",
	  "the login is refused (PAM_AUTH_ERR): require_roles / allowed_roles not met",
	  "the user does not hold the roles require_roles / allowed_roles ask for",
	  "in Kinde, give the user the role in its organization, or change require_roles / allowed_roles" },
};

static const struct advice_row *
advice_for(const struct kinde_check *c)
{
	size_t i;

	if (c->reason != KINDE_R_CLAIMS)
		for (i = 0; i < KINDE_ARRAY_SIZE(advice_rows); i++)
			if (advice_rows[i].reason == c->reason)
				return &advice_rows[i];
	for (i = 0; i < KINDE_ARRAY_SIZE(advice_rows); i++)
		if (strcmp(advice_rows[i].check, c->name) == 0)
			return &advice_rows[i];
	return NULL;
}

/* Symptom, cause and fix for a failed check of a token or (is_apikey) of
 * an API key's verdict. */
static void
advise(const struct diag *d, const struct kinde_check *c,
       const kinde_verdict_t *v, bool is_apikey, struct advice *a)
{
	const struct advice_row *row = advice_for(c);
	bool no_org = kinde_verdict_claim_string(v, "org_code") == NULL;
	bool no_roles = !is_apikey &&
			json_object_get(kinde_verdict_claims(v), "roles") == NULL;

	a->code = DC_TOKEN_INVALID;
	a->symptom = TOKEN_REFUSED;
	a->cause = "the token fails this check";
	a->fix = NEW_TOKEN;
	if (row == NULL)
		return;
	a->code = kinde_reason_class(row->reason);
	a->symptom = row->symptom ? row->symptom : TOKEN_REFUSED;
	a->cause = row->cause;
	a->fix = row->fix ? row->fix : NEW_TOKEN;
	switch (row->reason) {
	case KINDE_R_EXPIRED:
		if (d->skew_known && d->skew < -d->cfg->leeway)
			a->cause = "this host's clock is ahead of the issuer's";
		break;
	case KINDE_R_NOT_YET_VALID:
	case KINDE_R_ISSUED_IN_FUTURE:
		if (d->skew_known && llabs((long long)d->skew) <=
		    d->cfg->leeway) {
			a->cause = "this host's clock agrees with the issuer's, so the token's own times are in the future: it was made with a wrong clock";
			a->fix = "get a token from the configured issuer; check the clock of whatever minted this one";
		}
		break;
	case KINDE_R_SCOPE:
		if (is_apikey) {
			a->cause = "the API key was not granted every required scope";
			a->fix = "in Kinde, give the API key the scope, or change require_scopes";
		}
		break;
	case KINDE_R_ORG:
		if (is_apikey) {
			a->cause = no_org ? "the key belongs to no organization; an organization key is required" :
				   "the key's organization is not among allowed_orgs";
			a->fix = "use a key of an allowed organization, or extend allowed_orgs";
		} else if (no_org) {
			a->cause = "the token is not organization-scoped (no org_code): an organization token is required";
		}
		break;
	case KINDE_R_ROLE:
		if (no_roles) {
			a->cause = "the token has no roles claim: Kinde adds it only when the API's token customization includes roles";
			a->fix = "in Kinde, open Settings > APIs > (this API) > Token customization and turn on Roles (or the application's access token customization), then get a new token";
		}
		break;
	default:
		break;
	}
}

/*
 * Without a key set (the issuer unreachable and nothing cached), kid and
 * signature cannot be judged: report them as not checked, not as the
 * token's fault.
 */
static bool keys_missing;

/* Every check of v as a finding named prefix-check ("token-exp",
 * "api-key-scope"). */
static void
report_checks(struct diag *d, const kinde_verdict_t *v, const char *prefix,
	      bool is_apikey)
{
	struct kinde_check c;
	struct advice a;
	char name[48];
	size_t i;

	for (i = 0; i < kinde_verdict_check_count(v); i++) {
		kinde_verdict_check(v, i, &c);
		/* "token-type" stays itself, not "token-token-type". */
		if (strncmp(c.name, prefix, strlen(prefix)) == 0)
			kinde_fmt(name, sizeof(name), "%s", c.name);
		else
			kinde_fmt(name, sizeof(name), "%s-%s", prefix, c.name);
		if (c.status > 0) {
			diag_add(d, kinde_reason_class(KINDE_R_NONE), name,
				 DIAG_PASS, NULL, NULL, NULL, "%s", c.detail);
		} else if (c.status < 0) {
			diag_add(d, "ok", name, DIAG_SKIP, NULL, NULL, NULL, "%s",
				 c.detail);
		} else if (keys_missing && (strcmp(c.name, "kid") == 0 ||
					    strcmp(c.name, "signature") == 0)) {
			diag_add(d, "ok", name, DIAG_SKIP, NULL,
				 "no key set: the issuer cannot be reached and nothing is cached",
				 NULL, "not checked");
		} else {
			advise(d, &c, v, is_apikey, &a);
			diag_add(d, a.code, name, DIAG_FAIL, a.symptom, a.cause,
				 a.fix, "%s", c.detail);
		}
	}
}

static void
check_user(struct diag *d, const kinde_verdict_t *v, bool is_apikey)
{
	char why[512];
	int r;

	if (d->user == NULL)
		return;
	r = usermap_check(d->cfg, v, is_apikey, d->user, why, sizeof(why));
	if (r == 0)
		diag_add(d, DC_USER, "user-mapping", DIAG_PASS, NULL, NULL, NULL,
			 "maps to local user %s", d->user);
	else
		diag_add(d, r == -2 ? DC_FILES : DC_USER, "user-mapping",
			 DIAG_FAIL, "the login is refused (PAM_AUTH_ERR, reason user)",
			 r == -2 ? "the user map file cannot be used" :
			 "the identity is not mapped to this local user",
			 "add '<identity> <user>' to user_map_file, or log in as the user the identity names",
			 "%s", why);
}

void
diag_token(struct diag *d, const char *raw)
{
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = NULL;
	json_t *header = NULL, *claims = NULL;
	char *tok;
	bool dirty;
	size_t len;
	kinde_err_t rc;

	tok = clean_copy(d, raw, DC_MALFORMED, "the token", &dirty);
	if (tok == NULL)
		return;
	len = strlen(tok);
	if (len > SSH_ANSWER_MAX)
		diag_add(d, DC_MALFORMED, "token-length", DIAG_FAIL,
			 "SSH logins with it fail: the module receives a truncated token",
			 "the OpenSSH client cuts keyboard-interactive answers at 1023 bytes",
			 "use an API key for SSH logins, or make the token smaller (fewer roles, permissions, claims)",
			 "%zu bytes (SSH keyboard-interactive carries at most 1023)",
			 len);
	else
		diag_add(d, DC_MALFORMED, "token-length", DIAG_PASS, NULL, NULL,
			 NULL, "%zu bytes", len);
	v = kinde_verdict_new(true);
	if (v == NULL)
		goto out;
	if (kinde_token_decode(tok, len, (struct json_t **)&header,
			       (struct json_t **)&claims, v) != KINDE_OK) {
		diag_add(d, DC_MALFORMED, "token-decode", DIAG_FAIL,
			 "the login is refused as malformed (PAM_AUTH_ERR)",
			 len == SSH_ANSWER_MAX ?
			 "exactly 1023 bytes: an SSH client cut a longer token" :
			 "this is not a JWT access token",
			 "copy the whole access token: three base64url parts separated by dots",
			 "%s", kinde_verdict_detail(v));
		goto out;
	}
	{
		const char *sub = json_string_value(json_object_get(claims, "sub"));
		const char *iss = json_string_value(json_object_get(claims, "iss"));

		diag_add(d, DC_MALFORMED, "token-decode", DIAG_PASS, NULL, NULL,
			 NULL, "JWT, alg %s, sub %s, iss %s",
			 json_string_value(json_object_get(header, "alg")) ?: "?",
			 sub ? sub : "-", iss ? iss : "-");
	}
	if (kinde_validator_new(d->cfg, NULL, &val) != KINDE_OK)
		goto out;
	/* The key set may still come from the cache when the issuer is
	 * down; without one, the claims are explained unverified. */
	rc = d->client ? kinde_client_verify_token(d->client, val, tok, len, v) :
	     KINDE_E_UNAVAILABLE;
	keys_missing = rc != KINDE_OK && rc != KINDE_E_REJECTED;
	if (keys_missing) {
		diag_add(d, DC_UNREACHABLE, "token-keys", DIAG_FAIL,
			 "token logins fail with PAM_AUTHINFO_UNAVAIL",
			 "no key set to verify the token with: the issuer cannot be reached and nothing usable is cached",
			 "see the issuer checks above",
			 "%s", d->client ? kinde_client_error(d->client) :
			 "no issuer configured");
		rc = kinde_validator_check(val, tok, len, v);
	}
	report_checks(d, v, "token", false);
	if (rc != KINDE_OK && len == SSH_ANSWER_MAX)
		diag_add(d, DC_MALFORMED, "token-ssh-cut", DIAG_FAIL,
			 "the SSH login is refused",
			 "the token is exactly 1023 bytes: the OpenSSH client truncated a longer one",
			 "use an API key or the device login for SSH", "%zu bytes",
			 len);
	if (rc == KINDE_OK || kinde_verdict_claims(v) != NULL)
		check_user(d, v, false);
	if (dirty)
		diag_add(d, DC_MALFORMED, "token-cleaned", DIAG_SKIP, NULL,
			 "the checks above ran on the token without what copying added",
			 NULL, "see the copy-* findings");
out:
	json_decref(header);
	json_decref(claims);
	kinde_verdict_free(v);
	kinde_validator_free(val);
	kinde_free_secret(tok);
}

/* Whether the issuer can be asked about a key at all (M2M credentials,
 * reachable); a finding says why not. */
static bool
can_verify_key(struct diag *d, const char *shown)
{
	if (d->client == NULL || d->cfg->client_id == NULL) {
		diag_add(d, DC_M2M, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_SERVICE_ERR",
			 "API keys are verified by the issuer with an M2M token; no client_id/client_secret_file is configured",
			 "create an M2M application authorized for the Kinde Management API with read:api_keys; set client_id and client_secret_file",
			 "%s: not verified", shown);
		return false;
	}
	if (d->unreachable) {
		diag_add(d, DC_UNREACHABLE, "api-key", DIAG_SKIP, NULL,
			 "the issuer cannot be reached", NULL, "%s: not verified",
			 shown);
		return false;
	}
	return true;
}

/* The issuer's answer for key: true when it judged the key (v holds the
 * verdict), false after a finding saying why it could not. */
static bool
verify_key(struct diag *d, const char *key, kinde_verdict_t *v)
{
	switch (kinde_client_verify_apikey(d->client, key, v)) {
	case KINDE_OK:
	case KINDE_E_REJECTED:
		return true;
	case KINDE_E_RATELIMITED:
		diag_add(d, DC_RATE_LIMITED, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL (HTTP 429)",
			 "the issuer rate-limited this host",
			 "wait for the reset; results are cached apikey_cache_ttl seconds",
			 "%s", kinde_client_error(d->client));
		return false;
	case KINDE_E_UNAVAILABLE:
		d->unreachable = true;
		diag_add(d, DC_UNREACHABLE, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL",
			 "the issuer could not be asked", "see the error",
			 "%s", kinde_client_error(d->client));
		return false;
	default:
		diag_add(d, DC_M2M, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_SERVICE_ERR",
			 "the M2M application cannot verify keys",
			 "the error names the fix (Kinde Management API access, read:api_keys)",
			 "%s", kinde_client_error(d->client));
		return false;
	}
}

/* A key the issuer does not know or has deactivated: one finding, and
 * true.  False for any other verdict. */
static bool
key_refused(struct diag *d, const kinde_verdict_t *v, const char *shown)
{
	kinde_reason_t r = kinde_verdict_reason(v);
	bool inactive = r == KINDE_R_KEY_INACTIVE;

	if (r != KINDE_R_KEY_INVALID && !inactive && r != KINDE_R_MALFORMED)
		return false;
	diag_add(d, DC_INVALID_API_KEY, "api-key", DIAG_FAIL,
		 "the login is refused (PAM_AUTH_ERR); an API would answer 401 \"Authentication failed\"",
		 inactive ? "the key was revoked or deactivated in Kinde" :
		 "the issuer does not know this key: copied wrong or truncated, deleted, or created in another Kinde environment",
		 inactive ? "create a new API key (or reactivate this one) in Kinde" :
		 "copy the key again, whole, from the Kinde environment this host uses",
		 "%s: %s", shown, kinde_verdict_detail(v));
	return true;
}

void
diag_apikey(struct diag *d, const char *raw)
{
	kinde_verdict_t *v = NULL;
	char shown[64], *key;
	bool dirty;

	key = clean_copy(d, raw, DC_INVALID_API_KEY, "the API key", &dirty);
	if (key == NULL)
		return;
	kinde_redact(key, shown, sizeof(shown));
	if (strncmp(key, "k_", 2) != 0)
		diag_add(d, DC_INVALID_API_KEY, "api-key-prefix", DIAG_SKIP, NULL,
			 "it does not look like a Kinde key (k_live_... is the usual form); other prefixes exist, so this alone is not a failure",
			 NULL, "%s", shown);
	else
		diag_add(d, DC_INVALID_API_KEY, "api-key-prefix", DIAG_PASS,
			 NULL, NULL, NULL, "%s (%zu characters)", shown,
			 strlen(key));
	if (!can_verify_key(d, shown))
		goto out;
	v = kinde_verdict_new(true);
	if (v == NULL || !verify_key(d, key, v) || key_refused(d, v, shown))
		goto out;
	report_checks(d, v, "api-key", true);
	check_user(d, v, true);
out:
	kinde_verdict_free(v);
	kinde_free_secret(key);
}
