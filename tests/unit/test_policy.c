/*
 * test_policy.c - authorization (lib/policy.c): all-of and any-of checks
 * with their exact messages, which claim grants scopes, token types, and
 * the whole token policy in plain and explain mode.
 */
#include "kinde-build.h"

#include "policy.h"
#include "config.h"
#include "verdict.h"
#include "tap.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A string list from words ("a b, c"); "" gives an empty list. */
static struct strlist
sl(const char *words)
{
	struct strlist l = { 0 };

	if (strlist_add_words(&l, words) != 0)
		abort();
	return l;
}

/* A list holding exactly the given strings (NULL-terminated), no
 * splitting. */
static struct strlist
sl_exact(const char *first, ...)
{
	struct strlist l = { 0 };
	va_list ap;
	const char *s;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		strlist_add(&l, s);
	va_end(ap);
	return l;
}

static json_t *
J(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);

	if (j == NULL) {
		fprintf(stderr, "bad test JSON %s: %s\n", text, err.text);
		abort();
	}
	return j;
}

/* ------------------------------------------------------------------ */

static void
require_all(void)
{
	kinde_verdict_t *v = kinde_verdict_new(true);
	struct strlist req, got;
	struct kinde_check c;
	int rc;

	req = sl("ssh:login");
	got = sl("openid profile");
	rc = policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
				"token");
	ok(rc == -1 && kinde_verdict_reason(v) == KINDE_R_SCOPE,
	   "one required scope missing: reason scope");
	is_str(kinde_verdict_detail(v),
	       "missing scope ssh:login; token has openid, profile",
	       "  exact detail");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(strcmp(c.name, "scope") == 0 && c.status == 0 &&
		   strcmp(c.detail, kinde_verdict_detail(v)) == 0,
		   "  explain record: scope failed, same detail");
	} else {
		ok(0, "  one explain record");
	}
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_reset(v);
	req = sl("a b c");
	got = sl("b");
	policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got, "token");
	is_str(kinde_verdict_detail(v), "missing scope a, c; token has b",
	       "two missing: both named, in order");
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_reset(v);
	req = sl("ssh:login");
	got = sl("");
	rc = policy_require_all(v, "permission", KINDE_R_PERMISSION, &req,
				&got, "token");
	ok(rc == -1 && kinde_verdict_reason(v) == KINDE_R_PERMISSION,
	   "nothing granted: reason permission");
	is_str(kinde_verdict_detail(v),
	       "missing permission ssh:login; token has none",
	       "  detail says none");
	strlist_clear(&req);

	kinde_verdict_reset(v);
	req = sl("read:keys");
	got = sl("write:keys");
	policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got, "API key");
	is_str(kinde_verdict_detail(v),
	       "missing scope read:keys; API key has write:keys",
	       "the holder is named as given");
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_reset(v);
	req = sl("a b");
	got = sl("c b a");
	rc = policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
				"token");
	ok(rc == 0 && kinde_verdict_reason(v) == KINDE_R_NONE,
	   "all required granted (any order, extras fine)");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(c.status == 1 && strcmp(c.detail, "has a, b") == 0,
		   "  explain: passed, \"has a, b\"");
	} else {
		ok(0, "  one explain record");
	}
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_reset(v);
	req = sl("");
	got = sl("");
	rc = policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
				"token");
	ok(rc == 0 && kinde_verdict_reason(v) == KINDE_R_NONE,
	   "nothing required: passes with nothing granted");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(c.status == -1 && strcmp(c.detail, "none required") == 0,
		   "  explain: skipped, none required");
	} else {
		ok(0, "  one explain record");
	}

	kinde_verdict_reset(v);
	req = sl("Read");
	got = sl("read READ");
	ok(policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
			      "token") == -1, "scopes compare case-sensitively");
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_reset(v);
	req = sl("ssh:login");
	got = sl("ssh:login:admin ssh ssh:logi");
	ok(policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
			      "token") == -1,
	   "no prefix or superstring matches");
	strlist_clear(&req);
	strlist_clear(&got);

	/* many missing: the detail is cut, not overflowed */
	kinde_verdict_reset(v);
	req = sl("");
	{
		char w[32];
		int i;

		for (i = 0; i < 40; i++) {
			snprintf(w, sizeof(w), "scope-number-%02d", i);
			strlist_add(&req, w);
		}
	}
	got = sl("x");
	rc = policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got,
				"token");
	ok(rc == -1 && strstr(kinde_verdict_detail(v), "...") != NULL &&
	   strlen(kinde_verdict_detail(v)) < 512,
	   "40 missing scopes: detail truncated with ...");
	ok(strncmp(kinde_verdict_detail(v), "missing scope scope-number-00, ",
		   31) == 0, "  starts with the first missing");
	strlist_clear(&req);
	strlist_clear(&got);

	/* granted values come from the token: escaped for the log */
	kinde_verdict_reset(v);
	req = sl("ssh:login");
	got = sl_exact("openid", "evil\nFAKE: accepted", NULL);
	policy_require_all(v, "scope", KINDE_R_SCOPE, &req, &got, "token");
	ok(!tap_has_ctl(kinde_verdict_detail(v)),
	   "granted values are escaped in the detail (got \"%s\")",
	   tap_vis(kinde_verdict_detail(v)));
	strlist_clear(&req);
	strlist_clear(&got);

	kinde_verdict_free(v);
}

static void
allow_any(void)
{
	kinde_verdict_t *v = kinde_verdict_new(true);
	struct strlist allowed = sl("");
	struct kinde_check c;

	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, NULL, "token") ==
	   0 && kinde_verdict_reason(v) == KINDE_R_NONE,
	   "nothing configured: anything (even nothing) allowed");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(c.status == -1 && strcmp(c.detail, "any allowed") == 0,
		   "  explain: skipped, any allowed");
	} else {
		ok(0, "  one explain record");
	}

	allowed = sl("org_a org_c");
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, NULL, "token") ==
	   -1 && kinde_verdict_reason(v) == KINDE_R_ORG, "value missing: org");
	is_str(kinde_verdict_detail(v),
	       "token has no org; allowed: org_a, org_c", "  detail");
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, "org_b",
			    "token") == -1, "value not allowed");
	is_str(kinde_verdict_detail(v),
	       "org org_b is not allowed; allowed: org_a, org_c", "  detail");
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, "org_c",
			    "token") == 0 &&
	   kinde_verdict_reason(v) == KINDE_R_NONE, "second allowed value");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(c.status == 1 && strcmp(c.detail, "org_c (allowed)") == 0,
		   "  explain: \"org_c (allowed)\"");
	} else {
		ok(0, "  one explain record");
	}
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, "ORG_A",
			    "token") == -1, "case-sensitive");
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "org", KINDE_R_ORG, &allowed, "", "token") ==
	   -1, "empty value not allowed");
	kinde_verdict_reset(v);
	policy_allow_any(v, "org", KINDE_R_ORG, &allowed, "org_a\nx", "token");
	is_str(kinde_verdict_detail(v),
	       "org org_a\\x0ax is not allowed; allowed: org_a, org_c",
	       "value escaped in the detail");
	strlist_clear(&allowed);

	allowed = sl("c2");
	kinde_verdict_reset(v);
	ok(policy_allow_any(v, "client", KINDE_R_CLIENT, &allowed, "c1",
			    "token") == -1 &&
	   kinde_verdict_reason(v) == KINDE_R_CLIENT, "client: reason client");
	is_str(kinde_verdict_detail(v), "client c1 is not allowed; allowed: c2",
	       "  detail");
	strlist_clear(&allowed);
	kinde_verdict_free(v);
}

/* policy_token_scopes on JSON text; want "a|b|c" or NULL for -1 */
static void
scopes(const char *claims, const char *want, const char *what)
{
	json_t *c = J(claims);
	struct strlist l = { 0 };
	char got[256] = "";
	int rc = policy_token_scopes(c, &l);

	strlist_join((const char *const *)l.v, l.n, "|", got, sizeof(got));
	if (want == NULL) {
		is_int(rc, -1, "scopes: %s => error", what);
	} else {
		is_int(rc, 0, "scopes: %s", what);
		is_str(got, want, "  granted = [%s]", want);
	}
	strlist_clear(&l);
	json_decref(c);
}

static void
token_scopes(void)
{
	scopes("{\"scope\":\"a b  c\"}", "a|b|c", "scope string");
	scopes("{\"scope\":\"a\",\"scp\":[\"b\",\"c\"]}", "a",
	       "scope string wins over scp");
	scopes("{\"scp\":[\"x\",\"y\"]}", "x|y", "scp array");
	scopes("{\"scp\":[]}", "", "scp empty");
	scopes("{\"scp\":null}", "", "scp null");
	scopes("{}", "", "neither");
	scopes("{\"scope\":\"\",\"scp\":[\"x\"]}", "",
	       "empty scope string still wins over scp");
	scopes("{\"scp\":[\"a b\"]}", "a b", "an scp element is one scope");
	scopes("{\"scope\":5}", NULL, "scope a number");
	scopes("{\"scope\":null,\"scp\":[\"x\"]}", NULL, "scope null");
	scopes("{\"scope\":[\"a\"]}", NULL, "scope an array");
	/* Entra ID issues scp as one space-delimited string, like scope. */
	scopes("{\"scp\":\"User.Read Files.Read\"}", "User.Read|Files.Read",
	       "scp a string is split on spaces");
	scopes("{\"scp\":\" a  b \"}", "a|b", "scp string, extra spaces");
	scopes("{\"scp\":\"\"}", "", "scp an empty string");
	scopes("{\"scp\":5}", NULL, "scp a number");
	scopes("{\"scp\":[\"a\",1]}", NULL, "scp with a number");
	scopes("{\"scp\":{}}", NULL, "scp an object");
	/* RFC 6749 §3.3: scope is a list of space-delimited scope tokens, and
	 * ',' is a legal character inside a token. */
	scopes("{\"scope\":\"openid,ssh:login\"}", "openid,ssh:login",
	       "a comma does not split a scope token");
}

static void
types(void)
{
	static const struct {
		const char *claims;
		unsigned want;
		const char *what;
	} v[] = {
		{ "{}", KINDE_TOKEN_USER, "no gty" },
		{ "{\"gty\":[\"client_credentials\"]}", KINDE_TOKEN_M2M,
		  "gty [client_credentials]" },
		{ "{\"gty\":\"client_credentials\"}", KINDE_TOKEN_M2M,
		  "gty string client_credentials" },
		{ "{\"gty\":[\"refresh_token\",\"client_credentials\"]}",
		  KINDE_TOKEN_M2M, "client_credentials second in gty" },
		{ "{\"gty\":[\"authorization_code\"]}", KINDE_TOKEN_USER,
		  "gty [authorization_code]" },
		{ "{\"gty\":\"password\"}", KINDE_TOKEN_USER, "gty password" },
		{ "{\"gty\":[]}", KINDE_TOKEN_USER, "gty []" },
		{ "{\"gty\":null}", KINDE_TOKEN_USER, "gty null" },
		{ "{\"gty\":[1]}", KINDE_TOKEN_USER, "gty [1]" },
		{ "{\"gty\":\"CLIENT_CREDENTIALS\"}", KINDE_TOKEN_USER,
		  "gty compares exactly" },
		{ "{\"gty\":[\"client_credentials \"]}", KINDE_TOKEN_USER,
		  "gty with a trailing space" },
		{ "{\"grant_type\":\"client_credentials\"}", KINDE_TOKEN_USER,
		  "grant_type is not gty" },
		/* RFC 9068 §2.2: a client-credentials token's sub is the
		 * client's own id; some issuers spell the grant with '-'. */
		{ "{\"gty\":\"client-credentials\"}", KINDE_TOKEN_M2M,
		  "gty string client-credentials" },
		{ "{\"gty\":[\"client-credentials\"]}", KINDE_TOKEN_M2M,
		  "gty [client-credentials]" },
		{ "{\"sub\":\"c1\",\"client_id\":\"c1\"}", KINDE_TOKEN_M2M,
		  "sub == client_id (RFC 9068 client credentials)" },
		{ "{\"sub\":\"kp_1\",\"client_id\":\"c1\"}", KINDE_TOKEN_USER,
		  "sub != client_id" },
		{ "{\"sub\":\"c1\",\"azp\":\"c1\"}", KINDE_TOKEN_USER,
		  "sub == azp only: client_id counts" },
		{ "{\"sub\":\"\",\"client_id\":\"\"}", KINDE_TOKEN_USER,
		  "sub and client_id both empty" },
		{ "{\"sub\":1,\"client_id\":1}", KINDE_TOKEN_USER,
		  "sub and client_id numbers" },
		{ "{\"client_id\":\"c1\"}", KINDE_TOKEN_USER,
		  "client_id without sub" },
	};
	size_t i;
	json_t *c;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c = J(v[i].claims);
		is_int(policy_token_type(c), v[i].want, "token type: %s",
		       v[i].what);
		json_decref(c);
	}
}

/* ------------------------------------------------------------------ */
/* policy_check_token */

static kinde_config_t *
mkcfg(const char *key, const char *value, ...)
{
	kinde_config_t *cfg = kinde_config_new();
	va_list ap;
	const char *k = key, *val = value;

	va_start(ap, value);
	while (k != NULL) {
		if (kinde_config_set(cfg, k, val) != KINDE_OK)
			abort();
		k = va_arg(ap, const char *);
		if (k != NULL)
			val = va_arg(ap, const char *);
	}
	va_end(ap);
	return cfg;
}

static const char *const USER_TOK =
	"{\"azp\":\"cli1\",\"org_code\":\"org_a\",\"scp\":[\"openid\",\"ssh:login\"],\"permissions\":[\"p1\"]}";
static const char *const M2M_TOK =
	"{\"azp\":\"m2m1\",\"gty\":[\"client_credentials\"],\"scope\":\"read ssh:login\",\"scp\":[\"read\"],\"permissions\":null}";

static void
pol(const kinde_config_t *cfg, const char *claims, kinde_reason_t want,
    const char *want_detail, const char *what)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	kinde_verdict_t *ve = kinde_verdict_new(true);
	json_t *c = J(claims);
	int rc = policy_check_token(cfg, c, v);
	int rce = policy_check_token(cfg, c, ve);

	if (!ok(rc == (want == KINDE_R_NONE ? 0 : -1) && rce == rc &&
		kinde_verdict_reason(v) == want &&
		kinde_verdict_reason(ve) == want, "policy: %s => %s", what,
		kinde_reason_name(want)))
		diag("  got %s / explain %s: %s",
		     kinde_reason_name(kinde_verdict_reason(v)),
		     kinde_reason_name(kinde_verdict_reason(ve)),
		     tap_vis(kinde_verdict_detail(v)));
	if (want_detail != NULL)
		is_str(kinde_verdict_detail(v), want_detail, "  detail of %s",
		       what);
	json_decref(c);
	kinde_verdict_free(v);
	kinde_verdict_free(ve);
}

static void
check_token(void)
{
	kinde_config_t *none = kinde_config_new();
	kinde_config_t *user = mkcfg("token_types", "user", NULL);
	kinde_config_t *m2m = mkcfg("token_types", "m2m", NULL);
	kinde_config_t *cli = mkcfg("allowed_client_ids", "cli1 cli2", NULL);
	kinde_config_t *scope = mkcfg("require_scopes", "ssh:login", NULL);
	kinde_config_t *perm = mkcfg("require_permissions", "p1", NULL);
	kinde_config_t *org = mkcfg("allowed_orgs", "org_a", NULL);
	kinde_config_t *all = mkcfg("allowed_client_ids", "cli1",
				    "require_scopes", "openid ssh:login",
				    "require_permissions", "p1",
				    "allowed_orgs", "org_a", "token_types",
				    "user", NULL);

	pol(none, USER_TOK, KINDE_R_NONE, "", "no policy, user token");
	pol(none, M2M_TOK, KINDE_R_NONE, "", "no policy, M2M token");
	pol(none, "{}", KINDE_R_NONE, "", "no policy, empty claims");
	pol(all, USER_TOK, KINDE_R_NONE, "", "every policy met");

	pol(user, M2M_TOK, KINDE_R_TOKEN_TYPE,
	    "m2m (client credentials) tokens are not accepted (token_types)",
	    "M2M token, users only");
	pol(m2m, USER_TOK, KINDE_R_TOKEN_TYPE,
	    "user tokens are not accepted (token_types)",
	    "user token, M2M only");
	pol(m2m, M2M_TOK, KINDE_R_NONE, NULL, "M2M token, M2M only");

	pol(cli, USER_TOK, KINDE_R_NONE, NULL, "azp allowed");
	pol(cli, M2M_TOK, KINDE_R_CLIENT,
	    "client m2m1 is not allowed; allowed: cli1, cli2",
	    "azp not allowed");
	pol(cli, "{}", KINDE_R_CLIENT, "token has no client; allowed: cli1, cli2",
	    "azp missing");
	pol(cli, "{\"azp\":null}", KINDE_R_CLIENT, NULL, "azp null");
	pol(cli, "{\"azp\":5}", KINDE_R_CLAIMS, "azp is not a string",
	    "azp a number");
	pol(none, "{\"azp\":5}", KINDE_R_CLAIMS, NULL,
	    "azp a number even when client ids are not restricted");

	pol(scope, USER_TOK, KINDE_R_NONE, NULL, "scp holds the scope");
	pol(scope, M2M_TOK, KINDE_R_NONE, NULL,
	    "M2M: granted scope string holds it");
	pol(scope, "{\"gty\":[\"client_credentials\"],\"scope\":\"read\",\"scp\":[\"ssh:login\"]}",
	    KINDE_R_SCOPE, "missing scope ssh:login; token has read",
	    "M2M: only the requested scp holds it");
	pol(scope, "{\"scp\":null}", KINDE_R_SCOPE,
	    "missing scope ssh:login; token has none", "scp null");
	pol(scope, "{\"scope\":[\"ssh:login\"]}", KINDE_R_CLAIMS,
	    "scope is not a string or scp not an array of strings",
	    "scope an array");
	pol(none, "{\"scp\":\"User.Read Files.Read\"}", KINDE_R_NONE, NULL,
	    "scp a string when no scope is required");
	pol(scope, "{\"scp\":\"openid ssh:login\"}", KINDE_R_NONE, NULL,
	    "scp a string holding the scope");
	pol(scope, "{\"scp\":\"openid ssh:loginx\"}", KINDE_R_SCOPE,
	    "missing scope ssh:login; token has openid, ssh:loginx",
	    "scp a string without the scope");

	pol(perm, USER_TOK, KINDE_R_NONE, NULL, "permission held");
	pol(perm, M2M_TOK, KINDE_R_PERMISSION,
	    "missing permission p1; token has none", "permissions null");
	pol(perm, "{}", KINDE_R_PERMISSION, NULL, "permissions missing");
	pol(perm, "{\"permissions\":[\"p2\",\"P1\"]}", KINDE_R_PERMISSION,
	    "missing permission p1; token has p2, P1", "other permissions");
	pol(perm, "{\"permissions\":\"p1\"}", KINDE_R_CLAIMS,
	    "permissions is not an array of strings", "permissions a string");
	pol(perm, "{\"permissions\":[\"p1\",{}]}", KINDE_R_CLAIMS, NULL,
	    "permissions holding an object");
	pol(perm, "{\"permissions\":[\"p0\",\"x\\ny\"]}", KINDE_R_PERMISSION,
	    NULL, "permission with a newline");
	{
		kinde_verdict_t *v = kinde_verdict_new(false);
		json_t *c = J("{\"permissions\":[\"p0\",\"x\\ny\"]}");

		policy_check_token(perm, c, v);
		ok(!tap_has_ctl(kinde_verdict_detail(v)),
		   "permission values are escaped in the detail (got \"%s\")",
		   tap_vis(kinde_verdict_detail(v)));
		json_decref(c);
		kinde_verdict_free(v);
	}

	pol(org, USER_TOK, KINDE_R_NONE, NULL, "org allowed");
	pol(org, M2M_TOK, KINDE_R_ORG, "token has no org; allowed: org_a",
	    "org_code missing");
	pol(org, "{\"org_code\":\"org_b\"}", KINDE_R_ORG,
	    "org org_b is not allowed; allowed: org_a", "org_code other");
	pol(org, "{\"org_code\":null}", KINDE_R_ORG, NULL, "org_code null");
	pol(org, "{\"org_code\":[\"org_a\"]}", KINDE_R_CLAIMS,
	    "org_code is not a string", "org_code an array");

	/* order: token type, client, scope, permission, org */
	pol(all, "{\"gty\":\"client_credentials\"}", KINDE_R_TOKEN_TYPE, NULL,
	    "everything wrong: token type first");
	pol(all, "{\"azp\":\"x\"}", KINDE_R_CLIENT, NULL,
	    "all but the type wrong: client");
	pol(all, "{\"azp\":\"cli1\"}", KINDE_R_SCOPE, NULL,
	    "scope, permission and org wrong: scope");
	pol(all, "{\"azp\":\"cli1\",\"scp\":[\"openid\",\"ssh:login\"]}",
	    KINDE_R_PERMISSION, NULL, "permission and org wrong: permission");
	pol(all, "{\"azp\":\"cli1\",\"scp\":[\"openid\",\"ssh:login\"],\"permissions\":[\"p1\"]}",
	    KINDE_R_ORG, NULL, "only org wrong: org");

	/* explain: every check recorded in order */
	{
		static const struct {
			const char *name;
			int status;
		} want[] = {
			{ "token-type", 0 }, { "azp", 0 }, { "client", 0 },
			{ "scope", 0 }, { "permission", 0 }, { "org", 0 },
		}, pass[] = {
			{ "token-type", 1 }, { "client", -1 }, { "scope", -1 },
			{ "permission", -1 }, { "org", -1 },
		};
		kinde_verdict_t *v = kinde_verdict_new(true);
		json_t *c = J("{\"gty\":[\"client_credentials\"],\"azp\":1,\"scope\":\"x\",\"org_code\":\"o\"}");
		struct kinde_check chk;
		size_t i, n;
		int same = 1;

		policy_check_token(all, c, v);
		n = kinde_verdict_check_count(v);
		is_int(n, 6, "explain: 6 records when everything fails");
		for (i = 0; i < n && i < 6; i++) {
			kinde_verdict_check(v, i, &chk);
			if (strcmp(chk.name, want[i].name) != 0 ||
			    chk.status != want[i].status) {
				same = 0;
				diag("  %zu: %s/%d", i, chk.name, chk.status);
			}
		}
		ok(same, "  token-type, azp, client, scope, permission, org");
		is_int(kinde_verdict_reason(v), KINDE_R_TOKEN_TYPE,
		       "  the reason is still the first failure");
		json_decref(c);

		kinde_verdict_reset(v);
		c = J(USER_TOK);
		policy_check_token(none, c, v);
		n = kinde_verdict_check_count(v);
		is_int(n, 5, "explain: 5 records with no policy");
		for (i = 0, same = 1; i < n && i < 5; i++) {
			kinde_verdict_check(v, i, &chk);
			if (strcmp(chk.name, pass[i].name) != 0 ||
			    chk.status != pass[i].status)
				same = 0;
		}
		ok(same, "  token-type passed, the rest skipped");
		json_decref(c);
		kinde_verdict_free(v);
	}

	kinde_config_free(none);
	kinde_config_free(user);
	kinde_config_free(m2m);
	kinde_config_free(cli);
	kinde_config_free(scope);
	kinde_config_free(perm);
	kinde_config_free(org);
	kinde_config_free(all);
}

/* OIDC ID tokens: refused whatever the policy, with a stable reason. */
static void
id_tokens(void)
{
	static const struct {
		const char *claims, *idc;
	} v[] = {
		{ "{\"scp\":[\"openid\"],\"nonce\":\"n-0S6\"}", "nonce" },
		{ "{\"scp\":[\"openid\"],\"at_hash\":\"77QmUPt\"}", "at_hash" },
		{ "{\"scp\":[\"openid\"],\"c_hash\":\"LDktKdo\"}", "c_hash" },
		{ "{\"nonce\":null}", "nonce" },
	};
	kinde_config_t *any = mkcfg("allow_any_token", "yes", NULL);
	kinde_config_t *scope = mkcfg("require_scopes", "openid", NULL);
	char want[128];
	json_t *c;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c = J(v[i].claims);
		is_str(policy_id_token_claim(c), v[i].idc,
		       "ID-token claim found: %s", v[i].idc);
		json_decref(c);
		snprintf(want, sizeof(want),
			 "an OIDC ID token (has %s), not an access token",
			 v[i].idc);
		pol(any, v[i].claims, KINDE_R_TOKEN_TYPE, want,
		    "ID token, allow_any_token");
		pol(scope, v[i].claims, KINDE_R_TOKEN_TYPE, want,
		    "ID token with the required scope");
	}
	c = J(USER_TOK);
	ok(policy_id_token_claim(c) == NULL, "an access token has none");
	json_decref(c);
	pol(any, USER_TOK, KINDE_R_NONE, NULL, "an access token still passes");
	kinde_config_free(any);
	kinde_config_free(scope);
}

int
main(void)
{
	require_all();
	allow_any();
	token_scopes();
	types();
	check_token();
	id_tokens();
	return done_testing();
}
