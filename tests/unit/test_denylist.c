/*
 * test_denylist.c - deny_file (lib/denylist.c): the line syntax, errors
 * naming file:line, lookups, loading only a trusted file, and the token
 * and API-key checks with their reason.
 */
#include "kinde-build.h"

#include "config.h"
#include "denylist.h"
#include "tap.h"
#include "testerr.h"
#include "testkeys.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static kinde_err_t
parse(const char *text, struct denylist *dl, char *err, size_t errlen)
{
	memset(dl, 0, sizeof(*dl));
	err[0] = '\0';
	return t_denylist_parse(dl, "deny", text, strlen(text), err, errlen);
}

static void
test_syntax(void)
{
	struct denylist dl;
	char err[512];

	is_int(parse("# revoked 2026-12-02\n\nsub kp_123\n"
		     "key_id\tkid_abc  \n  jti j-1\r\nkid 6d:12:ab\n", &dl, err,
		     sizeof(err)), KINDE_OK, "comments, blank lines, tabs, CRLF parse");
	ok(denylist_has(&dl, "sub", "kp_123"), "  sub listed");
	ok(denylist_has(&dl, "key_id", "kid_abc"), "  key_id listed (trailing blanks dropped)");
	ok(denylist_has(&dl, "jti", "j-1"), "  jti listed (CR dropped)");
	ok(denylist_has(&dl, "kid", "6d:12:ab"), "  kid listed");
	ok(!denylist_has(&dl, "sub", "kp_1234"), "  compared whole, not as a prefix");
	ok(!denylist_has(&dl, "sub", "KP_123"), "  compared byte for byte");
	ok(!denylist_has(&dl, "jti", "kp_123"), "  a value is listed for its kind only");
	ok(!denylist_has(NULL, "sub", "kp_123"), "  no list names nothing");
	ok(!denylist_has(&dl, "sub", NULL), "  an absent claim is not listed");
	denylist_clear(&dl);

	is_int(parse("sub kp_1\nuser kp_2\n", &dl, err, sizeof(err)),
	       KINDE_E_CONFIG, "an unknown kind is an error");
	is_str(err, "deny:2: \"user\" is not sub, key_id, jti or kid",
	       "  naming file:line and the kind");
	denylist_clear(&dl);
	is_int(parse("sub\n", &dl, err, sizeof(err)), KINDE_E_CONFIG,
	       "a kind without a value is an error");
	ok(strncmp(err, "deny:1: ", 8) == 0, "  naming file:line (%s)", err);
	denylist_clear(&dl);
	is_int(parse("sub kp_1 kp_2\n", &dl, err, sizeof(err)), KINDE_E_CONFIG,
	       "two values on a line are an error");
	denylist_clear(&dl);
	is_int(parse("sub kp_1 # old\n", &dl, err, sizeof(err)), KINDE_E_CONFIG,
	       "a trailing comment is an error (a value may hold '#')");
	denylist_clear(&dl);
	is_int(parse("sub kp_1\nsub kp\x01x\n", &dl, err, sizeof(err)),
	       KINDE_E_CONFIG, "a control character is an error");
	ok(strncmp(err, "deny:2: ", 8) == 0, "  on its line (%s)", err);
	denylist_clear(&dl);
	memset(&dl, 0, sizeof(dl));
	is_int(t_denylist_parse(&dl, "deny", "sub kp\0x\n", 9, err,
				sizeof(err)),
	       KINDE_E_CONFIG, "a NUL byte is an error");
	denylist_clear(&dl);
	{
		char big[DENYLIST_MAX_LINE + 32];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "sub ", 4);
		is_int(parse(big, &dl, err, sizeof(err)), KINDE_E_CONFIG,
		       "an overlong line is an error");
		denylist_clear(&dl);
	}
	is_int(parse("sub kp_9", &dl, err, sizeof(err)), KINDE_OK,
	       "a last line without a newline counts");
	ok(denylist_has(&dl, "sub", "kp_9"), "  and is listed");
	denylist_clear(&dl);
}

/* Random bytes and mutations of a good file: never a crash or a leak. */
static void
test_random(void)
{
	static const char seed[] = "sub kp_1\nkey_id k\n#c\njti j\nkid a:b\n";
	struct denylist dl;
	char buf[256], err[256];
	unsigned i, k, bad = 0;

	srand(1);
	for (i = 0; i < 20000; i++) {
		size_t n = (size_t)rand() % sizeof(buf);

		if (i % 2) {
			for (k = 0; k < n; k++)
				buf[k] = (char)(rand() % 256);
		} else {
			n = sizeof(seed) - 1;
			memcpy(buf, seed, n);
			buf[rand() % n] = (char)(rand() % 256);
		}
		memset(&dl, 0, sizeof(dl));
		if (t_denylist_parse(&dl, "r", buf, n, err, sizeof(err)) !=
		    KINDE_OK && strncmp(err, "r:", 2) != 0)
			bad++;
		denylist_clear(&dl);
	}
	is_int(bad, 0, "20000 random files: every error names file:line");
}

static void
test_load(void)
{
	char dir[] = "/tmp/test_denylist_XXXXXX", path[256], err[512];
	struct denylist *dl = NULL;
	kinde_config_t *cfg;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/deny", dir);
	f = fopen(path, "w");
	fputs("sub kp_bad\nbogus line\n", f);
	fclose(f);
	chmod(path, 0644);
	is_int(t_denylist_load(path, &dl, err, sizeof(err)), KINDE_E_CONFIG,
	       "load: a bad line is a config error");
	ok(strstr(err, "/deny:2: ") != NULL, "  naming file:line (%s)", err);
	f = fopen(path, "w");
	fputs("sub kp_bad\n", f);
	fclose(f);
	is_int(t_denylist_load(path, &dl, err, sizeof(err)), KINDE_OK,
	       "load: a good file");
	ok(dl != NULL && denylist_has(dl, "sub", "kp_bad"), "  is read");
	denylist_free(dl);
	dl = NULL;
	chmod(path, 0666);
	is_int(t_denylist_load(path, &dl, err, sizeof(err)), KINDE_E_UNSAFE,
	       "load: a file others can write is refused");
	ok(dl == NULL, "  and nothing is loaded");
	chmod(path, 0644);

	/* Through the configuration: judged and read at finish. */
	cfg = kinde_config_new();
	ok(cfg && kinde_config_set(cfg, "domain", "https://x.kinde.com") == 0 &&
	   kinde_config_set(cfg, "deny_file", path) == 0 &&
	   kinde_config_finish(cfg) == KINDE_OK && cfg->deny != NULL &&
	   denylist_has(cfg->deny, "sub", "kp_bad"),
	   "config: deny_file is read at finish");
	kinde_config_free(cfg);
	chmod(path, 0620);
	cfg = kinde_config_new();
	kinde_config_set(cfg, "domain", "https://x.kinde.com");
	kinde_config_set(cfg, "deny_file", path);
	is_int(kinde_config_finish(cfg), KINDE_E_UNSAFE,
	       "config: a group-writable deny_file is refused at load");
	ok(strstr(kinde_config_error(cfg), "deny_file") != NULL,
	   "  the message names deny_file (%s)", kinde_config_error(cfg));
	kinde_config_free(cfg);
	unlink(path);
	cfg = kinde_config_new();
	kinde_config_set(cfg, "domain", "https://x.kinde.com");
	kinde_config_set(cfg, "deny_file", path);
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "config: a missing deny_file is an error (fail closed)");
	kinde_config_free(cfg);
	rmdir(dir);
}

static void
test_checks(void)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_verdict_t *v = kinde_verdict_new(true);
	struct denylist *dl = calloc(1, sizeof(*dl));
	json_t *claims, *facts;
	char why[256];

	snprintf(dl->name, sizeof(dl->name), "/etc/deny");
	strlist_add(&dl->sub, "kp_bad");
	strlist_add(&dl->jti, "jti-bad");
	strlist_add(&dl->kid, "kid-bad");
	strlist_add(&dl->key_id, "key-bad");
	ok(denylist_check_token(cfg, "k1", NULL, v) == 0 &&
	   !verdict_failed(v), "no deny_file: nothing refused");
	cfg->deny = dl;
	claims = json_pack("{s:s, s:s}", "sub", "kp_ok", "jti", "j1");
	kinde_verdict_reset(v);
	ok(denylist_check_token(cfg, "k1", claims, v) == 0 && !verdict_failed(v),
	   "a token nothing lists passes");
	kinde_verdict_reset(v);
	is_int(denylist_check_token(cfg, "kid-bad", claims, v), -1,
	       "a listed kid refuses");
	is_str(kinde_reason_name(v->reason), "denied", "  reason denied");
	ok(strstr(kinde_verdict_detail(v), "kid") != NULL,
	   "  detail names the kid (%s)", kinde_verdict_detail(v));
	json_object_set_new(claims, "sub", json_string("kp_bad"));
	kinde_verdict_reset(v);
	is_int(denylist_check_token(cfg, "k1", claims, v), -1, "a listed sub refuses");
	json_object_set_new(claims, "sub", json_string("kp_ok"));
	json_object_set_new(claims, "jti", json_string("jti-bad"));
	kinde_verdict_reset(v);
	is_int(denylist_check_token(cfg, "k1", claims, v), -1, "a listed jti refuses");
	json_object_set_new(claims, "jti", json_integer(5));
	kinde_verdict_reset(v);
	is_int(denylist_check_token(cfg, "k1", claims, v), 0,
	       "a non-string jti is not a match (the claims check judges its type)");
	json_decref(claims);

	facts = json_pack("{s:s, s:s}", "key_id", "key-bad", "user_id", "kp_ok");
	ok(denylist_match_key(cfg, facts, why, sizeof(why)) &&
	   strstr(why, "key_id") != NULL, "an API key: a listed key_id (%s)", why);
	json_object_set_new(facts, "key_id", json_string("key-ok"));
	ok(!denylist_match_key(cfg, facts, why, sizeof(why)), "  another key_id passes");
	json_object_set_new(facts, "user_id", json_string("kp_bad"));
	ok(denylist_match_key(cfg, facts, why, sizeof(why)),
	   "  a key of a listed user (sub) is refused");
	json_decref(facts);
	kinde_verdict_free(v);
	kinde_config_free(cfg);
}

/* The early check decodes only: a listed kid or sub refuses a token whose
 * signature nobody checked, and an unlisted one is left to the validator. */
static void
test_precheck(void)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_verdict_t *v = kinde_verdict_new(false);
	struct denylist *dl = calloc(1, sizeof(*dl));
	/* {"alg":"RS256","kid":"kid-bad"} . {"sub":"kp_x"} . "sig" */
	const char *tok =
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImtpZC1iYWQifQ.eyJzdWIiOiJrcF94In0.c2ln";

	strlist_add(&dl->sub, "kp_y");
	cfg->deny = dl;
	is_int(denylist_precheck_token(cfg, tok, strlen(tok), v), 0,
	       "precheck: nothing listed, nothing decided");
	ok(!verdict_failed(v), "  the verdict is untouched");
	strlist_add(&dl->kid, "kid-bad");
	is_int(denylist_precheck_token(cfg, tok, strlen(tok), v), -1,
	       "precheck: a listed kid refuses before any key is fetched");
	is_str(kinde_reason_name(v->reason), "denied", "  reason denied");
	strlist_clear(&dl->kid);
	strlist_add(&dl->sub, "kp_x");
	kinde_verdict_reset(v);
	is_int(denylist_precheck_token(cfg, tok, strlen(tok), v), -1,
	       "precheck: a listed (unverified) sub refuses");
	kinde_verdict_reset(v);
	is_int(denylist_precheck_token(cfg, "garbage", 7, v), 0,
	       "precheck: an unparsable token is left to the validator");
	ok(!verdict_failed(v), "  without a verdict");
	kinde_verdict_free(v);
	kinde_config_free(cfg);
}

int
main(void)
{
	test_syntax();
	test_random();
	test_load();
	test_checks();
	test_precheck();
	return done_testing();
}
