/*
 * fuzz_mgmt.c - libFuzzer target: the Management API reply parsers of
 * lib/mgmt.c, called directly (they are pure functions of the bytes).
 * The first byte picks the parser, the rest is the reply:
 *   0 mgmt_parse_user (GET /api/v1/user)
 *   1 mgmt_parse_page "organization_users"/"id"
 *   2 mgmt_parse_page "roles"/"key"
 *   3 mgmt_parse_page "permissions"/"key"
 *   4 mgmt_parse_error
 * (fuzz_account.c reads the same replies through the whole account check.)
 *
 * Properties:
 *  - a parsed user has an id fit for a URL path, org codes fit for one,
 *    at most MGMT_ITEMS_MAX of them, and is_suspended exactly as the
 *    reply says (read here independently: absent never means "no");
 *  - a parsed page has at most MGMT_ITEMS_MAX printable items of 1 to
 *    MGMT_ID_MAX bytes and a next_token of at most MGMT_TOKEN_MAX bytes;
 *  - an error's code and message are escaped (printable ASCII);
 *  - a refusal always says why.
 */
#include "kinde-build.h"

#include "fuzz.h"

#include "errrec.h"
#include "mgmt.h"

#include <jansson.h>
#include <stdbool.h>

const char fuzz_target_name[] = "mgmt";

static void
check_key(const char *s, bool url_path)
{
	size_t n = strlen(s), i;

	FUZZ_ASSERT(n >= 1 && n <= MGMT_ID_MAX);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	FUZZ_ASSERT(!url_path || mgmt_id_ok(s));
}

static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		FUZZ_ASSERT(*s >= 0x20 && *s < 0x7f);
}

/* is_suspended as the reply says it, read without the parser. */
static int
suspended_in(const char *buf, size_t len)
{
	json_t *doc = json_loadb(buf, len, 0, NULL);
	const json_t *s = json_object_get(doc, "is_suspended");
	int r = json_is_true(s) ? 1 : json_is_false(s) ? 0 : -1;

	json_decref(doc);
	return r;
}

static void
fuzz_user(const char *buf, size_t len)
{
	struct mgmt_user u;
	struct errrec err = { "" };
	size_t i;

	if (mgmt_parse_user(buf, len, &u, &err) == 0) {
		check_key(u.id, true);
		FUZZ_ASSERT(u.orgs.n <= MGMT_ITEMS_MAX);
		FUZZ_ASSERT(u.has_orgs || u.orgs.n == 0);
		for (i = 0; i < u.orgs.n; i++)
			check_key(u.orgs.v[i], true);
		FUZZ_ASSERT(suspended_in(buf, len) == (u.is_suspended ? 1 : 0));
	} else {
		FUZZ_ASSERT(errrec_msg(&err)[0] != '\0');
	}
	mgmt_user_clear(&u);
}

static void
fuzz_page(const char *buf, size_t len, const char *array, const char *field)
{
	struct mgmt_page p;
	struct errrec err = { "" };
	size_t i;

	if (mgmt_parse_page(buf, len, array, field, &p, &err) == 0) {
		FUZZ_ASSERT(p.items.n <= MGMT_ITEMS_MAX);
		for (i = 0; i < p.items.n; i++)
			check_key(p.items.v[i], false);
		FUZZ_ASSERT(strlen(p.next_token) <= MGMT_TOKEN_MAX);
	} else {
		FUZZ_ASSERT(errrec_msg(&err)[0] != '\0');
	}
	mgmt_page_clear(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = size > 0 ? (const char *)data + 1 : "";
	size_t len = size > 0 ? size - 1 : 0;
	char code[64], msg[256];

	switch (size > 0 ? data[0] % 5 : 0) {
	case 0:
		fuzz_user(buf, len);
		break;
	case 1:
		fuzz_page(buf, len, "organization_users", "id");
		break;
	case 2:
		fuzz_page(buf, len, "roles", "key");
		break;
	case 3:
		fuzz_page(buf, len, "permissions", "key");
		break;
	default:
		if (mgmt_parse_error(buf, len, code, sizeof(code), msg,
				     sizeof(msg)) == 0)
			check_printable(code);
		else
			FUZZ_ASSERT(code[0] == '\0' && msg[0] == '\0');
		check_printable(msg);
		break;
	}
	return 0;
}
