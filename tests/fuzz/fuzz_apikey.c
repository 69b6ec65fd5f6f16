/*
 * fuzz_apikey.c - libFuzzer target: the input is the reply to
 * POST /api/v1/api_keys/verify (lib/apikey.c), read through the real
 * client (netfuzz.h): the M2M token it needs comes from the fixed token
 * endpoint.
 *
 * This is the pattern of a target for one endpoint's reply: set
 * nf.fuzz_path, split the input with nf_reply, run the public call that
 * reads that reply, check what an accepted result implies.
 *
 * Properties:
 *  - a key is accepted only when the reply (read here independently) is
 *    an object with is_valid true, status "active" and the scope the
 *    policy requires (ssh:login);
 *  - the result codes are the documented ones.
 */
#include "kinde-build.h"

#include "netfuzz.h"

const char fuzz_target_name[] = "apikey";

static bool
reply_admits(void)
{
	size_t len, i;
	char *body = nf_expand(nf.body, nf.body_len, &len);
	json_t *doc = json_loadb(body, len, 0, NULL), *s;
	bool ok = nf.status == 200 && json_is_object(doc) &&
		  json_is_true(json_object_get(doc, "is_valid")) &&
		  json_is_string(json_object_get(doc, "status")) &&
		  strcmp(json_string_value(json_object_get(doc, "status")),
			 "active") == 0, scope = false;

	json_array_foreach(json_object_get(doc, "scopes"), i, s)
		scope |= json_is_string(s) &&
			 strcmp(json_string_value(s), "ssh:login") == 0;
	json_decref(doc);
	free(body);
	return ok && scope;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kinde_config_t *cfg = nf_setup(NULL);
	kinde_verdict_t *v = kinde_verdict_new(false);
	kinde_client_t *c;
	kinde_err_t rc;

	if (v == NULL)
		abort();
	nf.fuzz_path = NF_APIKEY;
	nf_reply(data, size);
	c = nf_client(cfg);
	rc = kinde_client_verify_apikey(c, "k_live_fuzz0123456789", v);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED ||
		    rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_CONFIG ||
		    rc == KINDE_E_RATELIMITED || rc == KINDE_E_NOMEM);
	if (rc == KINDE_OK) {
		FUZZ_ASSERT(nf.hits == 1);
		FUZZ_ASSERT(reply_admits());
		FUZZ_ASSERT(kinde_verdict_reason(v) == KINDE_R_NONE);
	}
	if (rc == KINDE_E_REJECTED)
		FUZZ_ASSERT(kinde_verdict_reason(v) != KINDE_R_NONE);
	kinde_verdict_free(v);
	kinde_client_free(c);
	return 0;
}
