/*
 * policy.c - all-of and any-of checks over claims.
 */
#include "kinde-build.h"

#include "policy.h"
#include "config.h"
#include "roles.h"
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

enum policy_step {
	STEP_CLIENT, STEP_SCOPE, STEP_PERMISSION, STEP_ORG, STEP_ROLE
};

/*
 * What the host's policy is applied to: a token's claims or an API key's
 * verify reply, as policy_apply reads them.
 */
struct policy_facts {
	const char *what;	/* "token" or "key", in the messages */
	/* What cannot carry a client id or permissions: an API key.  Its
	 * policy checks refuse rather than skip, named after none_what. */
	bool keyless_client_perms;
	const char *none_what;
	const char *azp, *org;
	bool azp_bad, org_bad;	/* present but not a string */
	const struct strlist *scopes, *perms;
	bool scopes_bad, perms_bad;	/* present but of the wrong type */
	/* Role keys (NULL: a token without a roles claim). */
	const struct strlist *roles;
	bool roles_bad;
	const enum policy_step *steps;	/* which checks, in which order */
	size_t nsteps;
};

/*
 * The order each kind has always been judged in: with several failures it
 * decides which reason a refusal names.  A key's own scopes come first,
 * then what a key cannot carry (its user's roles are the Management
 * API's: apikey.c asks them through the account check).  A member of an
 * organization (the Management API's answer, account.c) is judged by its
 * roles, then (unless only roles are asked) its permissions.
 */
static const enum policy_step token_steps[] = {
	STEP_CLIENT, STEP_SCOPE, STEP_PERMISSION, STEP_ORG, STEP_ROLE
};
static const enum policy_step key_steps[] = {
	STEP_SCOPE, STEP_PERMISSION, STEP_CLIENT, STEP_ORG
};
static const enum policy_step member_steps[] = {
	STEP_ROLE, STEP_PERMISSION
};

/* An any-of check of a value the subject may carry with the wrong type:
 * the type error is a failure of its own, and (explain) the check is
 * still shown, on no value. */
static int
allow_step(kinde_verdict_t *v, const char *claim, bool bad,
	   const char *check, kinde_reason_t r, const struct strlist *allowed,
	   const char *value, const char *what)
{
	int rc = 0;

	if (bad) {
		verdict_fail(v, claim, KINDE_R_CLAIMS, "%s is not a string",
			     claim);
		rc = -1;
		if (!v->explain)
			return rc;
	}
	return rc | policy_allow_any(v, check, r, allowed, value, what);
}

/* require_roles / allowed_roles: recorded only when one is set, so a
 * trace of a host without role rules stays as it was. */
static int
role_step(const kinde_config_t *cfg, const struct policy_facts *f,
	  kinde_verdict_t *v)
{
	char detail[512];
	int rc;

	if (!roles_wanted(cfg))
		return 0;
	if (f->roles_bad) {
		verdict_fail(v, "role", KINDE_R_CLAIMS,
			     "roles is not an array of {id, key, name} objects");
		return -1;
	}
	if (f->roles == NULL) {
		verdict_fail(v, "role", KINDE_R_ROLE,
			     "the token has no roles claim, so require_roles / allowed_roles cannot hold: %s",
			     ROLES_CLAIM_ADVICE);
		return -1;
	}
	rc = roles_eval(&cfg->require_roles, &cfg->allowed_roles, f->roles,
			f->what, detail, sizeof(detail));
	if (rc == 0)
		verdict_pass(v, "role", "%s", detail);
	else
		verdict_fail(v, "role", KINDE_R_ROLE, "%s", detail);
	return rc;
}

static int
apply_step(const kinde_config_t *cfg, const struct policy_facts *f,
	   enum policy_step step, kinde_verdict_t *v)
{
	static const struct strlist none = { 0 };
	int rc = 0;

	switch (step) {
	case STEP_CLIENT:
		rc = allow_step(v, "azp", f->azp_bad, "client", KINDE_R_CLIENT,
				&cfg->allowed_client_ids, f->azp,
				f->keyless_client_perms ? f->none_what :
				f->what);
		break;
	case STEP_SCOPE:
		if (f->scopes_bad) {
			verdict_fail(v, "scope", KINDE_R_CLAIMS,
				     "scope is not a string or scp not an array of strings");
			rc = -1;
		} else {
			rc = policy_require_all(v, "scope", KINDE_R_SCOPE,
						&cfg->require_scopes,
						f->scopes, f->what);
		}
		break;
	case STEP_PERMISSION:
		if (f->perms_bad) {
			verdict_fail(v, "permission", KINDE_R_CLAIMS,
				     "permissions is not an array of strings");
			rc = -1;
		} else if (f->keyless_client_perms) {
			rc = policy_require_all(v, "permission",
						KINDE_R_PERMISSION,
						&cfg->require_permissions,
						&none, f->none_what);
		} else {
			rc = policy_require_all(v, "permission",
						KINDE_R_PERMISSION,
						&cfg->require_permissions,
						f->perms, f->what);
		}
		break;
	case STEP_ORG:
		rc = allow_step(v, "org_code", f->org_bad, "org", KINDE_R_ORG,
				&cfg->allowed_orgs, f->org, f->what);
		break;
	case STEP_ROLE:
		rc = role_step(cfg, f, v);
		break;
	}
	return rc;
}

/*
 * The one routine that applies cfg's client, scope, permission, org and
 * role policy, to a token (policy_check_token), an API key
 * (policy_check_key) and an organization member (policy_check_member):
 * the steps of f, in order.  0 when all pass; without explain it stops at
 * the first failure (the verdict keeps the first reason either way).
 */
static int
policy_apply(const kinde_config_t *cfg, const struct policy_facts *f,
	     kinde_verdict_t *v)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < f->nsteps && (rc == 0 || v->explain); i++)
		rc |= apply_step(cfg, f, f->steps[i], v);
	return rc ? -1 : 0;
}

/* A string claim: 0 with *out (NULL when absent or null), -1 when it is
 * of another type. */
static int
string_claim(const json_t *claims, const char *name, const char **out)
{
	const json_t *j = json_object_get(claims, name);

	*out = NULL;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return -1;
	*out = json_string_value(j);
	return 0;
}

/* The token type: an OIDC ID token, or a type token_types does not take,
 * is refused.  0 when accepted. */
static int
check_token_type(const kinde_config_t *cfg, const json_t *claims,
		 kinde_verdict_t *v)
{
	unsigned type = policy_token_type(claims);
	const char *idc = policy_id_token_claim(claims);

	if (idc != NULL) {
		verdict_fail(v, "token-type", KINDE_R_TOKEN_TYPE,
			     "an OIDC ID token (has %s), not an access token",
			     idc);
		return -1;
	}
	if (!(cfg->token_types & type)) {
		verdict_fail(v, "token-type", KINDE_R_TOKEN_TYPE,
			     "%s tokens are not accepted (token_types)",
			     type == KINDE_TOKEN_M2M ? "m2m (client credentials)" :
			     "user");
		return -1;
	}
	verdict_pass(v, "token-type", "%s",
		     type == KINDE_TOKEN_M2M ? "m2m" : "user");
	return 0;
}

int
policy_check_token(const kinde_config_t *cfg, const json_t *claims,
		   kinde_verdict_t *v)
{
	struct strlist scopes = { 0 }, perms = { 0 }, roles = { 0 };
	struct policy_facts f = { .what = "token", .scopes = &scopes,
				  .perms = &perms, .steps = token_steps,
				  .nsteps = KINDE_ARRAY_SIZE(token_steps) };
	const json_t *pj = json_object_get(claims, "permissions");
	int rc, has_roles;

	rc = check_token_type(cfg, claims, v);
	if (rc != 0 && !v->explain)
		goto out;
	f.azp_bad = string_claim(claims, "azp", &f.azp) != 0;
	f.org_bad = string_claim(claims, "org_code", &f.org) != 0;
	f.scopes_bad = policy_token_scopes(claims, &scopes) != 0;
	f.perms_bad = pj != NULL && !json_is_null(pj) &&
		      (!json_is_array(pj) || add_string_array(pj, &perms) != 0);
	has_roles = roles_from_claims(claims, &roles);
	f.roles = has_roles == 1 ? &roles : NULL;
	f.roles_bad = has_roles < 0;
	rc |= policy_apply(cfg, &f, v);
out:
	strlist_clear(&scopes);
	strlist_clear(&perms);
	strlist_clear(&roles);
	return rc ? -1 : 0;
}

int
policy_check_key(const kinde_config_t *cfg, const struct strlist *scopes,
		 const char *org, kinde_verdict_t *v)
{
	struct policy_facts f = { .what = "key", .keyless_client_perms = true,
				  .none_what = "an API key", .org = org,
				  .scopes = scopes, .steps = key_steps,
				  .nsteps = KINDE_ARRAY_SIZE(key_steps) };

	return policy_apply(cfg, &f, v);
}

int
policy_check_member(const kinde_config_t *cfg, const struct strlist *roles,
		    const struct strlist *perms, const char *what,
		    kinde_verdict_t *v)
{
	struct policy_facts f = { .what = what, .roles = roles,
				  .perms = perms, .steps = member_steps,
				  .nsteps = perms != NULL ?
					    KINDE_ARRAY_SIZE(member_steps) :
					    1 };

	return policy_apply(cfg, &f, v);
}
