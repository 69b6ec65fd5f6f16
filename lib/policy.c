/*
 * policy.c - all-of and any-of checks over claims.
 */
#include "kinde-build.h"

#include "policy.h"
#include "config.h"
#include "verdict.h"

#include <string.h>

int
policy_require_all(kinde_verdict_t *v, const char *check, kinde_reason_t r,
		   const struct strlist *required,
		   const struct strlist *granted, const char *what)
{
	const char *missing[32];
	char miss[256], have[256];
	size_t i, n = 0;

	if (required->n == 0) {
		verdict_skip(v, check, "none required");
		return 0;
	}
	for (i = 0; i < required->n; i++)
		if (!strlist_has(granted, required->v[i]) &&
		    n < KINDE_ARRAY_SIZE(missing))
			missing[n++] = required->v[i];
	if (n == 0) {
		strlist_join_escaped((const char *const *)required->v,
				     required->n, ", ", have, sizeof(have));
		verdict_pass(v, check, "has %s", have);
		return 0;
	}
	strlist_join_escaped(missing, n, ", ", miss, sizeof(miss));
	if (granted->n == 0)
		kinde_fmt(have, sizeof(have), "none");
	else
		strlist_join_escaped((const char *const *)granted->v,
				     granted->n, ", ", have, sizeof(have));
	verdict_fail(v, check, r, "missing %s %s; %s has %s", check, miss,
		     what, have);
	return -1;
}

int
policy_allow_any(kinde_verdict_t *v, const char *check, kinde_reason_t r,
		 const struct strlist *allowed, const char *value,
		 const char *what)
{
	char list[256], esc[128];

	if (allowed->n == 0) {
		verdict_skip(v, check, "any allowed");
		return 0;
	}
	strlist_join_escaped((const char *const *)allowed->v, allowed->n, ", ",
			     list, sizeof(list));
	if (value == NULL) {
		verdict_fail(v, check, r, "%s has no %s; allowed: %s", what,
			     check, list);
		return -1;
	}
	kinde_escape(value, esc, sizeof(esc));
	if (!strlist_has(allowed, value)) {
		verdict_fail(v, check, r, "%s %s is not allowed; allowed: %s",
			     check, esc, list);
		return -1;
	}
	verdict_pass(v, check, "%s (allowed)", esc);
	return 0;
}

static int
add_string_array(const json_t *arr, struct strlist *out)
{
	const json_t *s;
	size_t i;

	json_array_foreach(arr, i, s) {
		if (!json_is_string(s))
			return -1;
		if (strlist_add(out, json_string_value(s)) != 0)
			return -1;
	}
	return 0;
}

/* RFC 6749 §3.3: space-delimited; a comma belongs to a name. */
static int
add_scope_words(const char *p, struct strlist *out)
{
	const char *sp;
	char word[512];
	size_t n;

	for (; *p != '\0'; p = sp) {
		sp = strchr(p, ' ');
		if (sp == NULL)
			sp = p + strlen(p);
		n = (size_t)(sp - p);
		if (n >= sizeof(word))
			return -1;
		if (n > 0) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (strlist_add(out, word) != 0)
				return -1;
		}
		if (*sp == ' ')
			sp++;
	}
	return 0;
}

int
policy_token_scopes(const json_t *claims, struct strlist *out)
{
	const json_t *scope = json_object_get(claims, "scope");
	const json_t *scp = json_object_get(claims, "scp");

	if (scope != NULL)
		return json_is_string(scope) ?
		       add_scope_words(json_string_value(scope), out) : -1;
	if (scp == NULL || json_is_null(scp))
		return 0;
	/* Entra ID (and others) send scp as one string, like scope. */
	if (json_is_string(scp))
		return add_scope_words(json_string_value(scp), out);
	if (!json_is_array(scp))
		return -1;
	return add_string_array(scp, out);
}

/* Kinde's "client_credentials", and the '-' spelling some issuers use. */
static bool
is_cc_grant(const json_t *g)
{
	return json_is_string(g) &&
	       (strcmp(json_string_value(g), "client_credentials") == 0 ||
		strcmp(json_string_value(g), "client-credentials") == 0);
}

unsigned
policy_token_type(const json_t *claims)
{
	const json_t *gty = json_object_get(claims, "gty"), *g;
	const json_t *sub = json_object_get(claims, "sub");
	const json_t *cid = json_object_get(claims, "client_id");
	size_t i;

	if (is_cc_grant(gty))
		return KINDE_TOKEN_M2M;
	json_array_foreach(gty, i, g)
		if (is_cc_grant(g))
			return KINDE_TOKEN_M2M;
	/* RFC 9068 §2.2: with no resource owner (client credentials) the
	 * subject is the client itself. */
	if (json_is_string(sub) && json_is_string(cid) &&
	    json_string_length(sub) > 0 && json_equal(sub, cid))
		return KINDE_TOKEN_M2M;
	return KINDE_TOKEN_USER;
}

const char *
policy_id_token_claim(const json_t *claims)
{
	/* OpenID Connect Core 1.0 §2 and §3.3.2.11: claims only an ID token
	 * carries.  An ID token's aud is the client id, so an audience
	 * check alone does not tell it from an access token. */
	static const char *const id_only[] = { "nonce", "at_hash", "c_hash" };
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(id_only); i++)
		if (json_object_get(claims, id_only[i]) != NULL)
			return id_only[i];
	return NULL;
}

static int
string_claim(const json_t *claims, const char *name, const char **out,
	     kinde_verdict_t *v)
{
	const json_t *j = json_object_get(claims, name);

	*out = NULL;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_string(j)) {
		verdict_fail(v, name, KINDE_R_CLAIMS, "%s is not a string",
			     name);
		return -1;
	}
	*out = json_string_value(j);
	return 0;
}

int
policy_check_token(const kinde_config_t *cfg, const json_t *claims,
		   kinde_verdict_t *v)
{
	struct strlist scopes = { 0 }, perms = { 0 };
	const json_t *pj;
	const char *azp, *org, *idc;
	unsigned type = policy_token_type(claims);
	int rc = 0;

#define STEP(x) do { rc |= (x); if (rc && !v->explain) goto out; } while (0)
	if ((idc = policy_id_token_claim(claims)) != NULL) {
		verdict_fail(v, "token-type", KINDE_R_TOKEN_TYPE,
			     "an OIDC ID token (has %s), not an access token",
			     idc);
		STEP(-1);
	} else if (!(cfg->token_types & type)) {
		verdict_fail(v, "token-type", KINDE_R_TOKEN_TYPE,
			     "%s tokens are not accepted (token_types)",
			     type == KINDE_TOKEN_M2M ? "m2m (client credentials)" :
			     "user");
		STEP(-1);
	} else {
		verdict_pass(v, "token-type", "%s",
			     type == KINDE_TOKEN_M2M ? "m2m" : "user");
	}
	STEP(string_claim(claims, "azp", &azp, v));
	STEP(policy_allow_any(v, "client", KINDE_R_CLIENT,
			      &cfg->allowed_client_ids, azp, "token"));

	if (policy_token_scopes(claims, &scopes) != 0) {
		verdict_fail(v, "scope", KINDE_R_CLAIMS,
			     "scope is not a string or scp not an array of strings");
		STEP(-1);
	} else {
		STEP(policy_require_all(v, "scope", KINDE_R_SCOPE,
					&cfg->require_scopes, &scopes,
					"token"));
	}

	pj = json_object_get(claims, "permissions");
	if (pj != NULL && !json_is_null(pj) &&
	    (!json_is_array(pj) || add_string_array(pj, &perms) != 0)) {
		verdict_fail(v, "permission", KINDE_R_CLAIMS,
			     "permissions is not an array of strings");
		STEP(-1);
	} else {
		STEP(policy_require_all(v, "permission", KINDE_R_PERMISSION,
					&cfg->require_permissions, &perms,
					"token"));
	}

	STEP(string_claim(claims, "org_code", &org, v));
	STEP(policy_allow_any(v, "org", KINDE_R_ORG, &cfg->allowed_orgs, org,
			      "token"));
#undef STEP
out:
	strlist_clear(&scopes);
	strlist_clear(&perms);
	return rc ? -1 : 0;
}
