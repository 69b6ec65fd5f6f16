/*
 * fuzz_jwks.c - libFuzzer target: the input is a JWKS document.
 *
 * kinde_keyset_parse on it (warnings go through a log sink, so their
 * formatting runs too); when it gives a key set, every key is described
 * with kinde_keyset_key_info, and fixed tokens signed by the fixtures' keys
 * (one per key type, one without a kid) are validated with it, which runs
 * key selection and signature verification against whatever keys the
 * fuzzer made.
 *
 * Properties: a malformed document gives no key set and an error message;
 * every kept key is RSA of 2048..16384 bits, EC of 256 or 384 bits or
 * Ed25519 of 256 bits; no two kept keys share a kid; a fixed token is
 * accepted only if the key set holds a key of the token's type under the
 * token's kid.
 */
#include "kinde-build.h"

#include "fixtures.h"
#include "fuzz.h"

#include "kinde.h"
#include "config.h"

#include <string.h>

const char fuzz_target_name[] = "jwks";

static const struct {
	const char *token, *kid, *kty;
} tokens[] = {
	{ FIXED_TOKEN_RS256, "fuzz-rsa", "RSA" },
	{ FIXED_TOKEN_PS256_NOKID, NULL, "RSA" },
	{ FIXED_TOKEN_ES256, "fuzz-ec", "EC" },
	{ FIXED_TOKEN_EDDSA, "fuzz-ed", "OKP" },
};

/* Whether ks holds a key of type kty under kid (any kid when NULL). */
static bool
has_key(const kinde_keyset_t *ks, const char *kid, const char *kty)
{
	struct kinde_key_info ki;
	size_t i;

	for (i = 0; i < kinde_keyset_count(ks); i++) {
		kinde_keyset_key_info(ks, i, &ki);
		if (strcmp(ki.kty, kty) == 0 &&
		    (kid == NULL ||
		     (ki.kid != NULL && strcmp(ki.kid, kid) == 0)))
			return true;
	}
	return false;
}

/* Built on the first call and never changed afterwards. */
static const kinde_config_t *
fixture(void)
{
	static kinde_config_t *cfg;

	if (cfg != NULL)
		return cfg;
	if ((cfg = kinde_config_new()) == NULL)
		setup_fail("kinde_config_new");
	kinde_config_set_log(cfg, log_sink, NULL);
	if (kinde_config_set(cfg, "issuer", FIXED_ISSUER) != KINDE_OK ||
	    kinde_config_set(cfg, "algorithms", "RS256 RS384 RS512 PS256 "
			     "PS384 PS512 ES256 ES384 EdDSA") != KINDE_OK ||
	    kinde_config_set(cfg, "debug", NULL) != KINDE_OK ||
	    kinde_config_finish(cfg) != KINDE_OK)
		setup_fail(kinde_config_error(cfg));
	return cfg;
}

static bool
valid_info(const struct kinde_key_info *ki)
{
	if (ki->kty == NULL)
		return false;
	if (strcmp(ki->kty, "RSA") == 0)
		return ki->bits >= 2048 && ki->bits <= 16384;
	if (strcmp(ki->kty, "EC") == 0)
		return ki->bits == 256 || ki->bits == 384;
	if (strcmp(ki->kty, "OKP") == 0)
		return ki->bits == 256;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kinde_config_t *cfg = fixture();
	struct kinde_key_info ki, kj;
	kinde_keyset_t *ks = NULL;
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v;
	char err[256] = "";
	kinde_err_t rc;
	size_t i, j, n;

	rc = kinde_keyset_parse(cfg, (const char *)data, size, &ks, err,
				sizeof(err));
	if (rc != KINDE_OK) {
		FUZZ_ASSERT(rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_NOMEM);
		FUZZ_ASSERT(ks == NULL);
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(ks != NULL);
	n = kinde_keyset_count(ks);
	FUZZ_ASSERT(n <= 64);
	for (i = 0; i < n; i++) {
		kinde_keyset_key_info(ks, i, &ki);
		FUZZ_ASSERT(valid_info(&ki));
		if (ki.kid == NULL)
			continue;
		for (j = i + 1; j < n; j++) {
			kinde_keyset_key_info(ks, j, &kj);
			FUZZ_ASSERT(kj.kid == NULL || strcmp(ki.kid, kj.kid) != 0);
		}
	}

	if (n == 0)
		goto out;
	if (kinde_validator_new(cfg, ks, &val) != KINDE_OK ||
	    (v = kinde_verdict_new(false)) == NULL)
		abort();
	kinde_validator_set_now(val, FIXED_NOW);
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		rc = kinde_validator_check(val, tokens[i].token,
					   strlen(tokens[i].token), v);
		FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED);
		FUZZ_ASSERT((rc == KINDE_OK) ==
			    (kinde_verdict_reason(v) == KINDE_R_NONE));
		if (rc == KINDE_OK)
			FUZZ_ASSERT(has_key(ks, tokens[i].kid, tokens[i].kty));
	}
	kinde_verdict_free(v);
	kinde_validator_free(val);
out:
	kinde_keyset_free(ks);
	return 0;
}
