/*
 * test_mgmt.c - the strict parsers of the Management API's replies
 * (lib/mgmt.c) and the role rules (lib/roles.c): types checked,
 * duplicate keys and oversized input refused, paging tokens kept.
 */
#include "kinde-build.h"

#include "mgmt.h"
#include "roles.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* mgmt_parse_user of len bytes of json, its message copied into err
 * (a fresh recorder each call: a recorder keeps its first message). */
static int
user_n(const char *json, size_t len, struct mgmt_user *u, char *err,
       size_t errlen)
{
	struct errrec e = { "" };
	int rc = mgmt_parse_user(json, len, u, &e);

	errrec_copy(&e, err, errlen);
	return rc;
}

static int
user(const char *json, struct mgmt_user *u, char *err, size_t errlen)
{
	return user_n(json, strlen(json), u, err, errlen);
}

static void
test_user(void)
{
	struct mgmt_user u;
	char err[256];

	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":false,\"organizations\":[\"org_a\",\"org_b\"],\"preferred_email\":null}",
		    &u, err, sizeof(err)), 0, "a user with its organizations");
	is_str(u.id, "kp_1", "  id");
	ok(!u.is_suspended && u.has_orgs && u.orgs.n == 2 &&
	   strcmp(u.orgs.v[1], "org_b") == 0, "  not suspended, two orgs");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":true}", &u, err,
		    sizeof(err)), 0, "a user without organizations");
	ok(u.is_suspended && !u.has_orgs, "  suspended, organizations not listed");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\"}", &u, err, sizeof(err)), -1,
	       "no is_suspended: refused (not read as false)");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":0}", &u, err,
		    sizeof(err)), -1, "is_suspended 0 (not a boolean): refused");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":true,\"is_suspended\":false}",
		    &u, err, sizeof(err)), -1, "a duplicate key: refused");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1/../x\",\"is_suspended\":false}", &u, err,
		    sizeof(err)), -1, "an id unfit for a URL: refused");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":false,\"organizations\":[\"org a\"]}",
		    &u, err, sizeof(err)), -1, "an org code with a space: refused");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":\"kp_1\",\"is_suspended\":false,\"organizations\":\"org_a\"}",
		    &u, err, sizeof(err)), -1, "organizations not an array: refused");
	mgmt_user_clear(&u);
	is_int(user("[]", &u, err, sizeof(err)), -1, "not an object: refused");
	mgmt_user_clear(&u);
	is_int(user("{\"id\":", &u, err, sizeof(err)), -1, "cut JSON: refused");
	ok(strstr(err, "not JSON") != NULL, "  and says so");
	mgmt_user_clear(&u);
	is_int(user_n("{\"id\":\"kp_1\",\"is_suspended\":false}", 4, &u,
		      err, sizeof(err)), -1,
	       "the length is honoured (no NUL needed)");
	mgmt_user_clear(&u);
	{
		size_t n = MGMT_REPLY_MAX + 1;
		char *big = malloc(n);

		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		is_int(user_n(big, n, &u, err, sizeof(err)), -1,
		       "a reply over MGMT_REPLY_MAX: refused");
		mgmt_user_clear(&u);
		free(big);
	}
}

static int
page(const char *json, const char *array, const char *field,
     struct mgmt_page *p)
{
	struct errrec err = { "" };

	return mgmt_parse_page(json, strlen(json), array, field, p, &err);
}

static void
test_page(void)
{
	struct mgmt_page p;

	is_int(page("{\"code\":\"OK\",\"roles\":[{\"id\":\"r1\",\"key\":\"admin\",\"name\":\"Admin\"},{\"id\":\"r2\",\"key\":\"ssh:login\"}],\"next_token\":\"nt.Mg\"}",
		    "roles", "key", &p), 0, "a page of roles");
	ok(p.items.n == 2 && strcmp(p.items.v[1], "ssh:login") == 0,
	   "  the keys, a colon allowed");
	is_str(p.next_token, "nt.Mg", "  next_token kept");
	mgmt_page_clear(&p);
	is_int(page("{\"organization_users\":[{\"id\":\"kp_1\"}],\"next_token\":null}",
		    "organization_users", "id", &p), 0, "last page: next_token null");
	is_str(p.next_token, "", "  no next page");
	mgmt_page_clear(&p);
	is_int(page("{\"code\":\"OK\"}", "roles", "key", &p), 0,
	       "no array: an empty page");
	ok(p.items.n == 0, "  empty");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[{\"id\":\"r1\"}]}", "roles", "key", &p), -1,
	       "an element without the field: refused");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[{\"key\":1}]}", "roles", "key", &p), -1,
	       "a field of the wrong type: refused");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[{\"key\":\"a\\u0000b\"}]}", "roles", "key", &p),
	       -1, "a key with a NUL: refused");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[\"admin\"]}", "roles", "key", &p), -1,
	       "an element that is not an object: refused");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[],\"next_token\":5}", "roles", "key", &p), -1,
	       "next_token a number: refused");
	mgmt_page_clear(&p);
	is_int(page("{\"roles\":[],\"roles\":[{\"key\":\"admin\"}]}", "roles",
		    "key", &p), -1, "duplicate arrays: refused");
	mgmt_page_clear(&p);
}

static void
test_error(void)
{
	char code[64], msg[128];
	const char *e = "{\"errors\":[{\"code\":\"FORBIDDEN\",\"message\":\"Missing\\nscope\"}]}";

	is_int(mgmt_parse_error(e, strlen(e), code, sizeof(code), msg,
				sizeof(msg)), 0, "the errors shape");
	is_str(code, "FORBIDDEN", "  code");
	ok(strchr(msg, '\n') == NULL && strstr(msg, "scope"),
	   "  message, control characters escaped");
	is_int(mgmt_parse_error("{\"error\":\"x\"}", 13, code, sizeof(code),
				msg, sizeof(msg)), -1, "another shape: -1");
	is_str(code, "", "  code empty");
}

static void
test_roles(void)
{
	struct strlist req = { 0 }, any = { 0 }, has = { 0 };
	char d[256];
	json_t *claims;

	strlist_add(&req, "admin");
	strlist_add(&any, "ops");
	strlist_add(&any, "dev");
	strlist_add(&has, "admin");
	is_int(roles_eval(&req, &any, &has, "token", d, sizeof(d)), -1,
	       "all of met, none of any-of: refused");
	ok(strstr(d, "none of ops, dev") != NULL, "  says which");
	strlist_add(&has, "dev");
	is_int(roles_eval(&req, &any, &has, "token", d, sizeof(d)), 0,
	       "both met");
	strlist_clear(&has);
	is_int(roles_eval(&req, &any, &has, "token", d, sizeof(d)), -1,
	       "nothing held: refused");
	ok(strstr(d, "missing admin") != NULL, "  names what is missing");

	claims = json_loads("{\"roles\":[{\"id\":\"1\",\"key\":\"a\",\"name\":\"A\"}]}", 0, NULL);
	is_int(roles_from_claims(claims, &has), 1, "a roles claim");
	ok(has.n == 1 && strcmp(has.v[0], "a") == 0, "  its keys");
	json_decref(claims);
	strlist_clear(&has);
	claims = json_loads("{\"sub\":\"x\"}", 0, NULL);
	is_int(roles_from_claims(claims, &has), 0, "no roles claim: 0");
	json_decref(claims);
	claims = json_loads("{\"roles\":[\"a\"]}", 0, NULL);
	is_int(roles_from_claims(claims, &has), -1, "roles of strings: -1");
	json_decref(claims);
	strlist_clear(&has);
	strlist_clear(&req);
	strlist_clear(&any);
}

int
main(void)
{
	test_user();
	test_page();
	test_error();
	test_roles();
	ok(mgmt_id_ok("kp_0a1b") && !mgmt_id_ok("") && !mgmt_id_ok("a?b") &&
	   !mgmt_id_ok("a/b"), "mgmt_id_ok: only what may stand in a path");
	return done_testing();
}
