/*
 * fuzz_token.c - libFuzzer target: the input is a compact JWS access token.
 *
 * It goes through kinde_validator_check (without and with explain) under a
 * policy that uses every check (issuer, all algorithms, audience, scopes,
 * orgs) with a fixed clock and a fixed key set of one RSA-2048, one EC
 * P-256 and one Ed25519 public key, and through kinde_token_decode.  The
 * corpus (corpus/token) holds tokens signed by the private halves of these
 * keys (fixtures.h), which were thrown away after signing, so the fuzzer
 * starts past the signature and into the claims and policy code.
 *
 * Properties checked beyond "no crash, no leak, no UB":
 *  - the result is KINDE_OK exactly when the verdict has no reason;
 *  - explain mode reaches the same decision, reason and detail;
 *  - an accepted token has a valid signature record, the configured iss,
 *    an exp, and decodes with kinde_token_decode.
 */
#include "kinde-build.h"

#include "fixtures.h"
#include "fuzz.h"

#include "kinde.h"
#include "config.h"

#include <jansson.h>
#include <string.h>

const char fuzz_target_name[] = "token";

struct fixture {
	kinde_config_t *cfg;
	kinde_keyset_t *ks;
	kinde_validator_t *val;
};

/* Built on the first call and never changed afterwards. */
static const struct fixture *
fixture(void)
{
	static struct fixture fx;
	static const char *const opts[][2] = {
		{ "issuer", FIXED_ISSUER },
		{ "algorithms",
		  "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA" },
		{ "audience", FIXED_AUDIENCE },
		{ "audience", "https://other.example/api" },
		{ "require_scopes", "openid" },
		{ "allowed_orgs", "org_fuzz1, org_fuzz2" },
	};
	char err[256];
	size_t i;

	if (fx.val != NULL)
		return &fx;
	if ((fx.cfg = kinde_config_new()) == NULL)
		setup_fail("kinde_config_new");
	kinde_config_begin_source(fx.cfg, "fuzz");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (kinde_config_set(fx.cfg, opts[i][0], opts[i][1]) !=
		    KINDE_OK)
			setup_fail(kinde_config_error(fx.cfg));
	if (kinde_config_finish(fx.cfg) != KINDE_OK)
		setup_fail(kinde_config_error(fx.cfg));
	if (kinde_keyset_parse(fx.cfg, fixed_jwks, strlen(fixed_jwks), &fx.ks,
			       err, sizeof(err)) != KINDE_OK)
		setup_fail(err);
	if (kinde_keyset_count(fx.ks) != 3)
		setup_fail("the fixed key set does not hold 3 usable keys");
	if (kinde_validator_new(fx.cfg, fx.ks, &fx.val) != KINDE_OK)
		setup_fail("kinde_validator_new");
	kinde_validator_set_now(fx.val, FIXED_NOW);
	return &fx;
}

/* Walks the explain records; returns how many failed. */
static size_t
walk_checks(const kinde_verdict_t *v, bool *sig_ok)
{
	struct kinde_check c;
	size_t i, n = kinde_verdict_check_count(v), failed = 0;

	*sig_ok = false;
	for (i = 0; i < n; i++) {
		kinde_verdict_check(v, i, &c);
		FUZZ_ASSERT(c.name != NULL && c.detail != NULL);
		FUZZ_ASSERT(c.status >= -1 && c.status <= 1);
		failed += c.status == 0;
		if (strcmp(c.name, "signature") == 0 && c.status == 1)
			*sig_ok = true;
	}
	return failed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fixture *fx = fixture();
	const char *token = (const char *)data;
	kinde_verdict_t *quick, *explain;
	json_t *header = NULL, *claims = NULL;
	const json_t *iss;
	kinde_err_t rc1, rc2, rc3;
	size_t failed;
	bool sig_ok;

	quick = kinde_verdict_new(false);
	explain = kinde_verdict_new(true);
	if (quick == NULL || explain == NULL)
		abort();

	rc1 = kinde_validator_check(fx->val, token, size, quick);
	FUZZ_ASSERT(rc1 == KINDE_OK || rc1 == KINDE_E_REJECTED);
	FUZZ_ASSERT((rc1 == KINDE_OK) ==
		    (kinde_verdict_reason(quick) == KINDE_R_NONE));
	FUZZ_ASSERT(kinde_verdict_check_count(quick) == 0);
	FUZZ_ASSERT(kinde_reason_name(kinde_verdict_reason(quick)) != NULL);
	FUZZ_ASSERT(kinde_reason_class(kinde_verdict_reason(quick)) != NULL);

	rc2 = kinde_validator_check(fx->val, token, size, explain);
	FUZZ_ASSERT(rc2 == rc1);
	FUZZ_ASSERT(kinde_verdict_reason(explain) ==
		    kinde_verdict_reason(quick));
	FUZZ_ASSERT(strcmp(kinde_verdict_detail(explain),
			   kinde_verdict_detail(quick)) == 0);
	failed = walk_checks(explain, &sig_ok);
	FUZZ_ASSERT((failed == 0) == (rc2 == KINDE_OK));
	if (kinde_verdict_kid(explain) != NULL)
		FUZZ_ASSERT(strlen(kinde_verdict_kid(explain)) <= size);
	(void)kinde_verdict_claim_string(explain, "sub");

	if (rc1 == KINDE_OK) {
		/* Accepted: it must really be signed by us and be ours. */
		FUZZ_ASSERT(sig_ok);
		FUZZ_ASSERT(kinde_verdict_claims(quick) != NULL);
		iss = json_object_get((const json_t *)kinde_verdict_claims(quick),
				      "iss");
		FUZZ_ASSERT(json_is_string(iss) &&
			    json_string_length(iss) == strlen(FIXED_ISSUER) &&
			    memcmp(json_string_value(iss), FIXED_ISSUER,
				   strlen(FIXED_ISSUER)) == 0);
		FUZZ_ASSERT(json_object_get(
				    (const json_t *)kinde_verdict_claims(quick),
				    "exp") != NULL);
	}

	/* Decode only, reusing a verdict that holds claims and a trace. */
	rc3 = kinde_token_decode(token, size, &header, &claims, explain);
	FUZZ_ASSERT(rc3 == KINDE_OK || rc3 == KINDE_E_REJECTED);
	if (rc3 == KINDE_OK) {
		FUZZ_ASSERT(json_is_object(header) && json_is_object(claims));
		FUZZ_ASSERT(kinde_verdict_reason(explain) == KINDE_R_NONE);
	} else {
		FUZZ_ASSERT(header == NULL && claims == NULL);
		FUZZ_ASSERT(kinde_verdict_reason(explain) == KINDE_R_MALFORMED);
	}
	if (rc1 == KINDE_OK)
		FUZZ_ASSERT(rc3 == KINDE_OK);
	json_decref(header);
	json_decref(claims);

	kinde_verdict_free(quick);
	kinde_verdict_free(explain);
	return 0;
}
