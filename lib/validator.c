/*
 * validator.c - the order of the checks: format and header, key choice,
 * signature, then (only then) the payload's claims, deny_file and the
 * policy.
 */
#include "kinde-build.h"

#include "claims.h"
#include "config.h"
#include "denylist.h"
#include "jwks.h"
#include "jws.h"
#include "policy.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct kinde_validator {
	const kinde_config_t *cfg;
	const kinde_keyset_t *ks;
	int64_t now;
};

kinde_err_t
kinde_validator_new(const kinde_config_t *cfg, const kinde_keyset_t *ks,
		    kinde_validator_t **out)
{
	kinde_validator_t *val;

	*out = NULL;
	if (cfg->issuer == NULL)
		return KINDE_E_CONFIG;
	val = calloc(1, sizeof(*val));
	if (val == NULL)
		return KINDE_E_NOMEM;
	val->cfg = cfg;
	val->ks = ks;
	*out = val;
	return KINDE_OK;
}

void
kinde_validator_free(kinde_validator_t *val)
{
	free(val);
}

void
kinde_validator_set_keyset(kinde_validator_t *val, const kinde_keyset_t *ks)
{
	val->ks = ks;
}

void
kinde_validator_set_now(kinde_validator_t *val, int64_t now)
{
	val->now = now;
}

/* Decodes the payload into a JSON object, or fails the verdict. */
static json_t *
parse_payload(const struct jws *j, kinde_verdict_t *v)
{
	json_error_t jerr;
	json_t *claims;

	claims = jws_json_load(j->payload, j->payload_len, &jerr);
	if (claims == NULL) {
		verdict_fail(v, "payload", KINDE_R_MALFORMED,
			     "payload is not valid JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(claims)) {
		verdict_fail(v, "payload", KINDE_R_MALFORMED,
			     "payload is not a JSON object");
		json_decref(claims);
		return NULL;
	}
	return claims;
}

kinde_err_t
kinde_validator_check(const kinde_validator_t *val, const char *token,
		      size_t len, kinde_verdict_t *v)
{
	const kinde_config_t *cfg = val->cfg;
	const struct jwk *key = NULL;
	json_t *claims = NULL;
	struct jws j;
	int64_t now = val->now ? val->now : (int64_t)time(NULL);

	kinde_verdict_reset(v);
	memset(&j, 0, sizeof(j));
	/* An empty allowlist allows nothing (and must never reach jws_parse,
	 * for which 0 means "decode only"). */
	if (cfg->algorithms == 0) {
		verdict_fail(v, "alg", KINDE_R_ALG, "no algorithm is allowed");
		goto out;
	}
	if (jws_parse(&j, token, len, cfg->algorithms, v) != 0)
		goto out;
	if (j.kid != NULL)
		verdict_set_kid(v, j.kid);
	if (val->ks == NULL)
		verdict_fail(v, "kid", KINDE_R_KID, "no key set loaded");
	else
		key = keyset_select(val->ks, j.kid, j.alg, v);
	if (key != NULL)
		jws_verify(&j, key, v);
	else
		verdict_skip(v, "signature", "not checked: no key");
	/*
	 * An unverified payload is only read to explain what else is wrong
	 * with the token; its claims can never accept it.
	 */
	if (verdict_failed(v) && !v->explain)
		goto out;
	if (verdict_failed(v))
		verdict_skip(v, "payload",
			     "the claims below are from an UNVERIFIED payload");
	claims = parse_payload(&j, v);
	if (claims == NULL)
		goto out;
	verdict_set_claims(v, claims);
	/* deny_file: on the verified claims (the client checked the
	 * unverified ones already, before fetching keys, to refuse early). */
	if (denylist_check_token(cfg, j.kid, claims, v) != 0 && !v->explain)
		goto out;
	if (claims_check(cfg, claims, now, v) != 0 && !v->explain)
		goto out;
	policy_check_token(cfg, claims, v);
out:
	json_decref(claims);
	jws_release(&j);
	return verdict_failed(v) ? KINDE_E_REJECTED : KINDE_OK;
}
