/*
 * fuzz_config.c - libFuzzer target: the input is a pam_kinde.conf file.
 *
 * config_parse_buffer on it, then kinde_config_finish (on every outcome:
 * finish must cope with a half-parsed config) and the policy rule
 * (kinde_config_check_policy).  When both succeed, a fixed
 * RS256 token and a fixed EdDSA token are validated in explain mode under
 * the fuzzed policy, so the option values reach the claim and policy
 * checks.
 *
 * Properties: a failure leaves an error message; a finished config has an
 * https issuer and domain, a non-empty algorithm and token-type set, every
 * integer option inside its bounds, every N/SECONDS limit off or within
 * its bounds, every URL option https with no space
 * or control character, every path option absolute.
 */
#include "kinde-build.h"

#include "fixtures.h"
#include "fuzz.h"

#include "kinde.h"
#include "alg.h"
#include "config.h"
#include "url.h"

#include <string.h>

const char fuzz_target_name[] = "config";

static const char *const tokens[] = {
	FIXED_TOKEN_RS256,
	FIXED_TOKEN_EDDSA,
};

/* The fixtures' key set: built on the first call, never changed. */
static const kinde_keyset_t *
fixture(void)
{
	static kinde_keyset_t *ks;
	char err[256];

	if (ks == NULL &&
	    kinde_keyset_parse(NULL, fixed_jwks, strlen(fixed_jwks), &ks, err,
			       sizeof(err)) != KINDE_OK)
		setup_fail(err);
	return ks;
}

static bool
https_clean(const char *s)
{
	if (!is_https_url(s, false) || s[8] == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void
check_finished(const kinde_config_t *cfg)
{
	const struct kinde_option *opts, *o;
	const void *field;
	const char *s;
	size_t i, n;
	long l;

	FUZZ_ASSERT(cfg->issuer != NULL && cfg->domain != NULL);
	FUZZ_ASSERT(cfg->algorithms != 0 &&
		    cfg->algorithms < ALG_BIT(ALG__COUNT));
	FUZZ_ASSERT(cfg->token_types != 0 &&
		    (cfg->token_types &
		     ~(unsigned)(KINDE_TOKEN_USER | KINDE_TOKEN_M2M)) == 0);
	FUZZ_ASSERT(!(cfg->use_first_pass && cfg->try_first_pass));
	FUZZ_ASSERT(cfg->mode >= KINDE_MODE_AUTO && cfg->mode <= KINDE_MODE_DEVICE);
	FUZZ_ASSERT(cfg->audit == KINDE_AUDIT_TEXT || cfg->audit == KINDE_AUDIT_JSON);
	opts = kinde_config_options(&n);
	for (i = 0; i < n; i++) {
		o = &opts[i];
		field = (const char *)cfg + o->offset;
		switch (o->type) {
		case OT_INT:
			l = *(const long *)field;
			FUZZ_ASSERT(l >= o->min && l <= o->max);
			break;
		case OT_URL:
			s = *(const char *const *)field;
			FUZZ_ASSERT(s == NULL || https_clean(s));
			break;
		case OT_PATH:
			s = *(const char *const *)field;
			FUZZ_ASSERT(s == NULL || s[0] == '/');
			break;
		case OT_RATE: {
			const struct limit_rule *r = field;

			/* off, or N and SECONDS within bounds */
			FUZZ_ASSERT((r->n == 0 && r->seconds == 0) ||
				    (r->n >= o->min && r->n <= o->max &&
				     r->seconds >= 1 && r->seconds <= 604800));
			break;
		}
		case OT_LIST: {
			const struct strlist *sl = field;
			size_t k;

			for (k = 0; k < sl->n; k++)
				FUZZ_ASSERT(sl->v[k][0] != '\0' &&
					    strlen(sl->v[k]) < 512);
			break;
		}
		default:
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kinde_keyset_t *ks = fixture();
	kinde_validator_t *val;
	kinde_verdict_t *v;
	kinde_config_t *cfg;
	kinde_err_t rc, frc;
	size_t i;

	if ((cfg = kinde_config_new()) == NULL)
		abort();
	kinde_config_set_log(cfg, log_sink, NULL);
	rc = config_parse_buffer(cfg, "fuzz.conf", (const char *)data, size);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_CONFIG);
	if (rc != KINDE_OK)
		FUZZ_ASSERT(kinde_config_error(cfg)[0] != '\0');
	frc = kinde_config_finish(cfg);
	/* UNSAFE: a ca_file or client_secret_file of this host that others
	 * may change or read (a directory, /tmp/...). */
	FUZZ_ASSERT(frc == KINDE_OK || frc == KINDE_E_CONFIG ||
		    frc == KINDE_E_UNSAFE);
	if (frc != KINDE_OK)
		FUZZ_ASSERT(kinde_config_error(cfg)[0] != '\0');
	if (rc != KINDE_OK || frc != KINDE_OK)
		goto out;
	check_finished(cfg);
	/* The policy rule: refused exactly when nothing restricts tokens. */
	frc = kinde_config_check_policy(cfg);
	FUZZ_ASSERT(frc == KINDE_OK || frc == KINDE_E_CONFIG);
	FUZZ_ASSERT((frc == KINDE_OK) ==
		    (cfg->allow_any_token || cfg->require_scopes.n > 0 ||
		     cfg->require_permissions.n > 0 ||
		     (cfg->audience.n > 0 && cfg->mode != KINDE_MODE_APIKEY &&
		      (cfg->mode != KINDE_MODE_AUTO || cfg->client_id == NULL))));

	if (kinde_validator_new(cfg, ks, &val) != KINDE_OK ||
	    (v = kinde_verdict_new(true)) == NULL)
		abort();
	kinde_validator_set_now(val, FIXED_NOW);
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		rc = kinde_validator_check(val, tokens[i], strlen(tokens[i]), v);
		FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED);
		FUZZ_ASSERT((rc == KINDE_OK) ==
			    (kinde_verdict_reason(v) == KINDE_R_NONE));
	}
	kinde_verdict_free(v);
	kinde_validator_free(val);
out:
	kinde_config_free(cfg);
	return 0;
}
