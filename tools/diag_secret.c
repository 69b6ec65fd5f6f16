/*
 * diag_secret.c - diagnose's checks of a token or an API key as the user
 * gave it: how it was copied (an Authorization header, quotes, line
 * breaks, SSH's 1023-byte cut), what it is, and every check of the
 * validator or the issuer's verdict, each turned into a symptom, a cause
 * and a fix.
 */
#include "kinde-build.h"

#include "diag.h"
#include "config.h"
#include "timefmt.h"
#include "usermap.h"

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

/* Symptom, cause and fix for a failed validator check. */
static void
explain_failure(struct diag *d, const struct kinde_check *c,
		const kinde_verdict_t *v, const char **code,
		const char **symptom, const char **cause, const char **fix)
{
	const char *n = c->name;

	*code = DC_TOKEN_INVALID;
	*symptom = "the login is refused (PAM_AUTH_ERR); an API would answer 401";
	*fix = "get a new access token from the configured issuer";
	if (strcmp(n, "format") == 0 || strcmp(n, "payload") == 0 ||
	    strcmp(n, "header") == 0) {
		*code = DC_MALFORMED;
		*cause = "this is not a well-formed access token";
		*fix = "copy the whole access token: three base64url parts separated by dots";
	} else if (strcmp(n, "alg") == 0) {
		*cause = "the token is signed with an algorithm this host does not accept";
		*fix = "Kinde signs RS256; check algorithms in the config, or where the token came from";
	} else if (strcmp(n, "kid") == 0) {
		*cause = "its key id is not in the issuer's current key set: the keys were rotated, or the token comes from another Kinde environment";
		*fix = "get a new token; compare its iss with the configured issuer";
	} else if (strcmp(n, "signature") == 0) {
		*cause = "the signature does not verify: the token was altered, or signed by someone else";
		*fix = "get a new token from the configured issuer; never edit a token";
	} else if (strcmp(n, "keys") == 0) {
		*code = DC_UNREACHABLE;
		*symptom = "logins fail with PAM_AUTHINFO_UNAVAIL";
		*cause = "no key set to verify with: the issuer cannot be reached";
		*fix = "see the issuer checks above";
	} else if (strcmp(n, "iss") == 0) {
		*cause = "the token was issued by another Kinde business or environment";
		*fix = "use a token of the configured issuer, or correct issuer/domain";
	} else if (strcmp(n, "aud") == 0) {
		*cause = "the token was requested for another API (audience)";
		*fix = "request the token with the API's audience, or add that audience to `audience`";
	} else if (strcmp(n, "exp") == 0) {
		*cause = d->skew_known && d->skew < -d->cfg->leeway ?
			 "this host's clock is ahead of the issuer's" :
			 "its lifetime is over: Kinde access tokens are short-lived";
		*fix = "log in again (or refresh) for a new token";
	} else if (strcmp(n, "nbf") == 0 || strcmp(n, "iat") == 0) {
		if (d->skew_known && llabs((long long)d->skew) <= d->cfg->leeway) {
			*cause = "this host's clock agrees with the issuer's, so the token's own times are in the future: it was made with a wrong clock";
			*fix = "get a token from the configured issuer; check the clock of whatever minted this one";
		} else {
			*cause = "this host's clock is behind the issuer's (clock skew)";
			*fix = "synchronise the clock (timedatectl set-ntp true, chrony)";
		}
	} else if (strcmp(n, "token-type") == 0) {
		*cause = "user and M2M tokens are told apart by gty; this type is not in token_types";
		*fix = "use the other kind of token, or change token_types";
	} else if (strcmp(n, "client") == 0) {
		*cause = "the token was issued to an application (azp) not in allowed_client_ids";
		*fix = "get the token through an allowed application, or extend allowed_client_ids";
	} else if (strcmp(n, "scope") == 0 || strcmp(n, "permission") == 0) {
		*code = DC_SCOPE;
		*symptom = "the login is refused (PAM_AUTH_ERR); an API would answer 403 insufficient scope";
		*cause = strcmp(n, "scope") == 0 ?
			 "the token was not granted every required scope" :
			 "the user lacks a required permission";
		*fix = strcmp(n, "scope") == 0 ?
		       "in Kinde, enable the scope on the API and request it when getting the token (scope=...), or change require_scopes" :
		       "in Kinde, give the user a role with the permission, or change require_permissions";
	} else if (strcmp(n, "role") == 0) {
		bool no_claim = kinde_verdict_claim_string(v, "key_id") == NULL &&
				json_object_get(kinde_verdict_claims(v),
						"roles") == NULL;

		*code = DC_SCOPE;
		*symptom = "the login is refused (PAM_AUTH_ERR): require_roles / allowed_roles not met";
		*cause = no_claim ?
			 "the token has no roles claim: Kinde adds it only when the API's token customization includes roles" :
			 "the user does not hold the roles require_roles / allowed_roles ask for";
		*fix = no_claim ?
		       "in Kinde, open Settings > APIs > (this API) > Token customization and turn on Roles (or the application's access token customization), then get a new token" :
		       "in Kinde, give the user the role in its organization, or change require_roles / allowed_roles";
	} else if (strcmp(n, "org") == 0) {
		*code = DC_ORG;
		*symptom = "the login is refused (PAM_AUTH_ERR): organization access denied";
		*cause = kinde_verdict_claim_string(v, "org_code") == NULL ?
			 "the token is not organization-scoped (no org_code): an organization token is required" :
			 "the token's organization is not among allowed_orgs";
		*fix = "sign in to an allowed organization (org_code=... in the login request), or extend allowed_orgs";
	} else {
		*cause = "the token fails this check";
	}
}

/*
 * Without a key set (the issuer unreachable and nothing cached), kid and
 * signature cannot be judged: report them as not checked, not as the
 * token's fault.
 */
static bool keys_missing;

static void
report_checks(struct diag *d, const kinde_verdict_t *v, const char *prefix)
{
	const char *code, *symptom, *cause, *fix;
	struct kinde_check c;
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
			explain_failure(d, &c, v, &code, &symptom, &cause, &fix);
			diag_add(d, code, name, DIAG_FAIL, symptom, cause, fix,
				 "%s", c.detail);
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
	report_checks(d, v, "token");
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

void
diag_apikey(struct diag *d, const char *raw)
{
	kinde_verdict_t *v = NULL;
	char shown[64], *key;
	const char *code, *cause, *fix;
	bool dirty;
	kinde_err_t rc;

	kinde_redact(raw, shown, sizeof(shown));
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
	if (d->client == NULL || d->cfg->client_id == NULL) {
		diag_add(d, DC_M2M, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_SERVICE_ERR",
			 "API keys are verified by the issuer with an M2M token; no client_id/client_secret_file is configured",
			 "create an M2M application authorized for the Kinde Management API with read:api_keys; set client_id and client_secret_file",
			 "%s: not verified", shown);
		goto out;
	}
	if (d->unreachable) {
		diag_add(d, DC_UNREACHABLE, "api-key", DIAG_SKIP, NULL,
			 "the issuer cannot be reached", NULL, "%s: not verified",
			 shown);
		goto out;
	}
	v = kinde_verdict_new(true);
	if (v == NULL)
		goto out;
	rc = kinde_client_verify_apikey(d->client, key, v);
	switch (rc) {
	case KINDE_OK:
	case KINDE_E_REJECTED:
		break;
	case KINDE_E_RATELIMITED:
		diag_add(d, DC_RATE_LIMITED, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL (HTTP 429)",
			 "the issuer rate-limited this host",
			 "wait for the reset; results are cached apikey_cache_ttl seconds",
			 "%s", kinde_client_error(d->client));
		goto out;
	case KINDE_E_UNAVAILABLE:
		d->unreachable = true;
		diag_add(d, DC_UNREACHABLE, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL",
			 "the issuer could not be asked", "see the error",
			 "%s", kinde_client_error(d->client));
		goto out;
	default:
		diag_add(d, DC_M2M, "api-key", DIAG_FAIL,
			 "API-key logins fail with PAM_SERVICE_ERR",
			 "the M2M application cannot verify keys",
			 "the error names the fix (Kinde Management API access, read:api_keys)",
			 "%s", kinde_client_error(d->client));
		goto out;
	}
	if (kinde_verdict_reason(v) == KINDE_R_KEY_INVALID ||
	    kinde_verdict_reason(v) == KINDE_R_KEY_INACTIVE ||
	    kinde_verdict_reason(v) == KINDE_R_MALFORMED) {
		bool inactive = kinde_verdict_reason(v) == KINDE_R_KEY_INACTIVE;

		code = DC_INVALID_API_KEY;
		cause = inactive ? "the key was revoked or deactivated in Kinde" :
			"the issuer does not know this key: copied wrong or truncated, deleted, or created in another Kinde environment";
		fix = inactive ? "create a new API key (or reactivate this one) in Kinde" :
		      "copy the key again, whole, from the Kinde environment this host uses";
		diag_add(d, code, "api-key", DIAG_FAIL,
			 "the login is refused (PAM_AUTH_ERR); an API would answer 401 \"Authentication failed\"",
			 cause, fix, "%s: %s", shown, kinde_verdict_detail(v));
		goto out;
	}
	{
		const char *rcode, *symptom, *rcause, *rfix;
		struct kinde_check c;
		size_t i;
		char name[48];

		for (i = 0; i < kinde_verdict_check_count(v); i++) {
			kinde_verdict_check(v, i, &c);
			kinde_fmt(name, sizeof(name), "api-key-%s", c.name);
			if (c.status != 0) {
				diag_add(d, "ok", name,
					 c.status > 0 ? DIAG_PASS : DIAG_SKIP,
					 NULL, NULL, NULL, "%s", c.detail);
				continue;
			}
			explain_failure(d, &c, v, &rcode, &symptom, &rcause,
					&rfix);
			if (strcmp(c.name, "scope") == 0) {
				rcause = "the API key was not granted every required scope";
				rfix = "in Kinde, give the API key the scope, or change require_scopes";
			}
			else if (strcmp(c.name, "org") == 0) {
				rcause = kinde_verdict_claim_string(v, "org_code") == NULL ?
					 "the key belongs to no organization; an organization key is required" :
					 "the key's organization is not among allowed_orgs";
				rfix = "use a key of an allowed organization, or extend allowed_orgs";
			}
			diag_add(d, rcode, name, DIAG_FAIL, symptom, rcause,
				 rfix, "%s", c.detail);
		}
	}
	check_user(d, v, true);
out:
	kinde_verdict_free(v);
	kinde_free_secret(key);
}
