/*
 * fuzz_discovery.c - libFuzzer target: the input is the issuer's reply to
 * GET /.well-known/openid-configuration (lib/discovery.c), read through
 * the real client (netfuzz.h); then the key set is fetched from where the
 * document points.
 *
 * Properties:
 *  - a document the client keeps is an object naming the configured
 *    issuer, and every endpoint it keeps is an https URL string;
 *  - a key set obtained is the issuer's (one key);
 *  - the result codes are the documented ones.
 */
#include "kinde-build.h"

#include "netfuzz.h"

const char fuzz_target_name[] = "discovery";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const eps[] = { "jwks_uri", "token_endpoint",
					   "device_authorization_endpoint" };
	const kinde_config_t *cfg = nf_setup(NULL);
	const kinde_keyset_t *ks = NULL;
	const json_t *doc, *ep;
	kinde_client_t *c;
	kinde_err_t rc;
	size_t i;

	nf.fuzz_path = NF_DISCOVERY;
	nf_reply(data, size);
	c = nf_client(cfg);
	doc = kinde_client_discovery(c);
	if (doc != NULL) {
		FUZZ_ASSERT(json_is_object(doc));
		FUZZ_ASSERT(json_is_string(json_object_get(doc, "issuer")));
		FUZZ_ASSERT(strcmp(json_string_value(json_object_get(doc,
			"issuer")), NF_DOMAIN) == 0);
		for (i = 0; i < KINDE_ARRAY_SIZE(eps); i++) {
			ep = json_object_get(doc, eps[i]);
			FUZZ_ASSERT(ep == NULL || (json_is_string(ep) &&
				    strncmp(json_string_value(ep), "https://",
					    8) == 0));
		}
	}
	rc = kinde_client_keyset(c, &ks);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_UNAVAILABLE ||
		    rc == KINDE_E_CONFIG);
	if (rc == KINDE_OK)
		FUZZ_ASSERT(ks != NULL && kinde_keyset_count(ks) >= 1);
	kinde_client_free(c);
	return 0;
}
