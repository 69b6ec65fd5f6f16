/*
 * fuzz_token_reply.c - libFuzzer target: the input is the token
 * endpoint's reply to a client-credentials request (lib/m2m.c), read
 * through the real client (netfuzz.h).
 *
 * Properties:
 *  - an M2M token the client hands out is exactly the issuer's signed
 *    token (a reply's token is validated before use: no other string
 *    passes);
 *  - the result codes are the documented ones, each with a message.
 */
#include "kinde-build.h"

#include "netfuzz.h"

const char fuzz_target_name[] = "token_reply";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kinde_config_t *cfg = nf_setup(NULL);
	char *tok = NULL;
	int64_t exp = 0;
	bool cached = false;
	kinde_client_t *c;
	kinde_err_t rc;

	nf.fuzz_path = NF_TOKEN;
	nf_reply(data, size);
	c = nf_client(cfg);
	rc = kinde_client_m2m_token(c, NULL, NULL, false, &tok, &exp, &cached);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_UNAVAILABLE ||
		    rc == KINDE_E_CONFIG || rc == KINDE_E_NOMEM);
	if (rc == KINDE_OK) {
		FUZZ_ASSERT(tok != NULL && strcmp(tok, nf.token) == 0);
		FUZZ_ASSERT(exp == NF_NOW + 3600);
	} else {
		FUZZ_ASSERT(tok == NULL);
		FUZZ_ASSERT(kinde_client_error(c)[0] != '\0');
	}
	kinde_free_secret(tok);
	kinde_client_free(c);
	return 0;
}
