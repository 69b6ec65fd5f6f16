/*
 * fuzz_account.c - libFuzzer target: one reply of the Management API
 * read through the whole account check (kinde_client_account_check,
 * lib/account.c and lib/mgmt.c) and the real client (netfuzz.h).  The
 * first byte picks the endpoint whose reply is fuzzed (the others answer
 * that NF_USER_ID exists, is not suspended, is a member of NF_ORG and
 * holds role ssh and permission ssh:login there); the rest is that reply
 * (status byte, body; every page of a list gets the same reply):
 *   0 GET /api/v1/user
 *   1 GET /api/v1/organizations/O/users
 *   2 GET /api/v1/organizations/O/users/U/roles
 *   3 GET /api/v1/organizations/O/users/U/permissions
 * The policy: allowed_orgs NF_ORG, require_roles ssh, require_permissions
 * ssh:login; no decision cache.
 *
 * Properties:
 *  - the user is allowed only when the fuzzed reply (read here
 *    independently) is a 200 that says so: not suspended and the same
 *    id; a member of NF_ORG; the role; the permission;
 *  - a refusal has a reason; the result codes are the documented ones.
 */
#include "kinde-build.h"

#include "netfuzz.h"

const char fuzz_target_name[] = "account";

static const char *const nf_account_cfg[] = {
	"allowed_orgs", NF_ORG, "require_roles", "ssh",
	"require_permissions", "ssh:login", "account_cache_ttl", "0", NULL
};

/* Whether doc[array] holds an object whose field is value. */
static bool
lists(const json_t *doc, const char *array, const char *field,
      const char *value)
{
	const json_t *e, *f;
	size_t i;

	json_array_foreach(json_object_get(doc, array), i, e) {
		f = json_object_get(e, field);
		if (json_is_string(f) && strcmp(json_string_value(f), value) == 0)
			return true;
	}
	return false;
}

static bool
has_string(const json_t *arr, const char *value)
{
	const json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), value) == 0)
			return true;
	return false;
}

/* What the fuzzed reply of endpoint ep says, read without lib/mgmt.c. */
static bool
reply_allows(unsigned ep)
{
	size_t len;
	char *body = nf_expand(nf.body, nf.body_len, &len);
	json_t *doc = json_loadb(body, len, 0, NULL);
	const json_t *id = json_object_get(doc, "id"),
		     *orgs = json_object_get(doc, "organizations");
	bool ok = nf.status == 200 && json_is_object(doc);

	switch (ep) {
	case 0:
		ok = ok && json_is_false(json_object_get(doc, "is_suspended")) &&
		     json_is_string(id) &&
		     strcmp(json_string_value(id), NF_USER_ID) == 0 &&
		     (orgs == NULL || json_is_null(orgs) ||
		      has_string(orgs, NF_ORG));
		break;
	case 1:
		ok = ok && lists(doc, "organization_users", "id", NF_USER_ID);
		break;
	case 2:
		ok = ok && lists(doc, "roles", "key", "ssh");
		break;
	default:
		ok = ok && lists(doc, "permissions", "key", "ssh:login");
		break;
	}
	json_decref(doc);
	free(body);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { NF_MGMT_USER, NF_ORG_USERS,
					     NF_ROLES, NF_PERMS };
	const kinde_config_t *cfg = nf_setup(nf_account_cfg);
	kinde_verdict_t *v = kinde_verdict_new(false);
	struct kinde_account_info info;
	unsigned ep = size > 0 ? data[0] % 4 : 0;
	kinde_client_t *c;
	kinde_err_t rc;

	if (v == NULL)
		abort();
	nf.fuzz_path = paths[ep];
	nf_reply(size > 0 ? data + 1 : data, size > 0 ? size - 1 : 0);
	c = nf_client(cfg);
	memset(&info, 0, sizeof(info));
	rc = kinde_client_account_check(c, NF_USER_ID, NULL, 0, v, &info);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED ||
		    rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_CONFIG ||
		    rc == KINDE_E_RATELIMITED || rc == KINDE_E_NOMEM);
	if (rc == KINDE_OK) {
		FUZZ_ASSERT(nf.hits >= 1);
		FUZZ_ASSERT(reply_allows(ep));
		FUZZ_ASSERT(kinde_verdict_reason(v) == KINDE_R_NONE);
	}
	if (rc == KINDE_E_REJECTED)
		FUZZ_ASSERT(kinde_verdict_reason(v) != KINDE_R_NONE);
	kinde_verdict_free(v);
	kinde_client_free(c);
	return 0;
}
