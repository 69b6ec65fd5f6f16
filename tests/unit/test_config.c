/*
 * test_config.c - the option table (lib/config.c): every option type,
 * sources and list replacement, unknown keys, the config file reader and
 * its safety rules, and kinde_config_finish.
 */
#include "kinde-build.h"

#include "config.h"
#include "alg.h"
#include "tap.h"
#include "testlog.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static kinde_config_t *
fresh(void)
{
	kinde_config_t *cfg = kinde_config_new();

	if (cfg == NULL)
		abort();
	kinde_config_set_log(cfg, testlog_capture, NULL);
	return cfg;
}

static char *
joined(const struct strlist *l)
{
	static char buf[512];

	strlist_join((const char *const *)l->v, l->n, "|", buf, sizeof(buf));
	return buf;
}

/* Sets key=value on a fresh config; returns rc, error copied out. */
static kinde_err_t
set1(kinde_config_t *cfg, const char *key, const char *value, char *err,
     size_t errlen)
{
	kinde_err_t rc;

	errrec_clear(&cfg->err);
	rc = kinde_config_set(cfg, key, value);
	snprintf(err, errlen, "%s", kinde_config_error(cfg));
	return rc;
}

/* ------------------------------------------------------------------ */

static void
defaults(void)
{
	kinde_config_t *cfg = kinde_config_new();
	size_t n;

	ok(cfg != NULL, "kinde_config_new");
	is_int(cfg->algorithms, ALG_BIT(ALG_RS256), "default algorithms RS256");
	is_int(cfg->leeway, 60, "default leeway 60");
	is_int(cfg->token_types, KINDE_TOKEN_USER | KINDE_TOKEN_M2M,
	       "default token types: user and m2m");
	is_str(cfg->user_claim, "sub", "default user_claim sub");
	is_int(cfg->mode, KINDE_MODE_AUTO, "default mode auto");
	is_int(cfg->connect_timeout, 5, "default connect_timeout 5");
	is_int(cfg->timeout, 10, "default timeout 10");
	ok(cfg->issuer == NULL && cfg->domain == NULL, "no issuer by default");
	ok(cfg->audience.n == 0 && cfg->require_scopes.n == 0,
	   "no audience, no required scopes");
	ok(!cfg->debug && !cfg->use_first_pass, "booleans off");
	is_str(kinde_config_error(cfg), "", "no error");
	kinde_config_options(&n);
	ok(n >= 30, "option table has every option (%zu)", n);
	ok(kinde_config_option("domain") != NULL &&
	   kinde_config_option("nope") == NULL, "kinde_config_option lookup");
	kinde_config_free(cfg);
	kinde_config_free(NULL);
	ok(1, "kinde_config_free(NULL) is a no-op");
}

/*
 * The word-valued options take their words from the table alone: each
 * word sets its index (OT_ENUM) or its bit (OT_FLAGS), and the refusal
 * lists exactly the table's words.
 */
static void
table_words(void)
{
	const struct kinde_option *opts;
	kinde_config_t *cfg = kinde_config_new();
	char want[256], bad[300];
	size_t n, i, w, nworded = 0;
	bool good;

	opts = kinde_config_options(&n);
	for (i = 0; i < n; i++) {
		const struct kinde_option *o = &opts[i];
		const void *field = (const char *)cfg + o->offset;

		if (o->type != OT_ENUM && o->type != OT_FLAGS) {
			ok(o->words == NULL, "%s: no words (not a word option)",
			   o->name);
			continue;
		}
		nworded++;
		good = o->words != NULL && o->words[0] != NULL;
		want[0] = '\0';
		for (w = 0; good && o->words[w] != NULL; w++) {
			good = kinde_config_set(cfg, o->name, o->words[w]) ==
			       KINDE_OK &&
			       (o->type == OT_ENUM ?
				*(const int *)field == (int)w :
				*(const unsigned *)field == 1u << w);
			snprintf(want + strlen(want), sizeof(want) - strlen(want),
				 "%s%s", w ? ", " : "", o->words[w]);
		}
		ok(good, "%s: each of its words sets its %s", o->name,
		   o->type == OT_ENUM ? "index" : "bit");
		errrec_clear(&cfg->err);
		kinde_config_set(cfg, o->name, "nonsense");
		snprintf(bad, sizeof(bad), "%s: \"nonsense\" is not %s %s",
			 o->name, o->type == OT_ENUM ? "one of" : "a list of",
			 want);
		is_str(kinde_config_error(cfg), bad,
		       "%s: the refusal lists the table's words", o->name);
	}
	is_int(nworded, 4,
	       "four word options: mode, audit, token_types, account_check");
	kinde_config_free(cfg);
}

static void
booleans(void)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
					   "True", "ON" };
	static const char *const no[] = { "no", "false", "off", "0", "NO",
					  "False" };
	kinde_config_t *cfg = fresh();
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		cfg->debug = false;
		ok(set1(cfg, "debug", yes[i], err, sizeof(err)) == KINDE_OK &&
		   cfg->debug, "debug=%s is true", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		cfg->debug = true;
		ok(set1(cfg, "debug", no[i], err, sizeof(err)) == KINDE_OK &&
		   !cfg->debug, "debug=%s is false", no[i]);
	}
	cfg->debug = false;
	ok(set1(cfg, "debug", NULL, err, sizeof(err)) == KINDE_OK &&
	   cfg->debug, "bare debug (no value) is true");
	cfg->debug = true;
	is_int(set1(cfg, "debug", "maybe", err, sizeof(err)), KINDE_E_CONFIG,
	       "debug=maybe refused");
	is_str(err, "debug: \"maybe\" is not a boolean (yes/no)", "  message");
	ok(cfg->debug, "  value unchanged");
	is_int(set1(cfg, "debug", "", err, sizeof(err)), KINDE_E_CONFIG,
	       "debug= (empty) refused");
	is_int(set1(cfg, "debug", "yes ", err, sizeof(err)), KINDE_E_CONFIG,
	       "debug=\"yes \" refused");
	is_int(set1(cfg, "debug", "2", err, sizeof(err)), KINDE_E_CONFIG,
	       "debug=2 refused");
	ok(set1(cfg, "use_first_pass", "yes", err, sizeof(err)) == KINDE_OK &&
	   cfg->use_first_pass, "use_first_pass=yes");
	ok(set1(cfg, "account_requires_auth", NULL, err, sizeof(err)) ==
	   KINDE_OK && cfg->account_requires_auth,
	   "bare account_requires_auth");
	kinde_config_free(cfg);
}

static void
integers(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	ok(set1(cfg, "leeway", "0", err, sizeof(err)) == KINDE_OK &&
	   cfg->leeway == 0, "leeway=0 (minimum)");
	ok(set1(cfg, "leeway", "3600", err, sizeof(err)) == KINDE_OK &&
	   cfg->leeway == 3600, "leeway=3600 (maximum)");
	ok(set1(cfg, "leeway", "30", err, sizeof(err)) == KINDE_OK &&
	   cfg->leeway == 30, "leeway=30");
	is_int(set1(cfg, "leeway", "3601", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=3601 refused");
	is_str(err, "leeway: \"3601\" is not an integer in 0..3600",
	       "  message names the bounds");
	is_int(cfg->leeway, 30, "  value unchanged");
	is_int(set1(cfg, "leeway", "-1", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=-1 refused");
	is_int(set1(cfg, "leeway", "abc", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=abc refused");
	is_int(set1(cfg, "leeway", "", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway= (empty) refused");
	is_int(set1(cfg, "leeway", "10s", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=10s refused");
	is_int(set1(cfg, "leeway", " 5", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=\" 5\" refused");
	is_int(set1(cfg, "leeway", "+5", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=+5 refused");
	is_int(set1(cfg, "leeway", "0x10", err, sizeof(err)), KINDE_E_CONFIG,
	       "leeway=0x10 refused");
	is_int(set1(cfg, "leeway", "99999999999999999999", err, sizeof(err)),
	       KINDE_E_CONFIG, "leeway out of long range refused");
	is_int(set1(cfg, "leeway", NULL, err, sizeof(err)), KINDE_E_CONFIG,
	       "bare leeway (no value) refused");
	is_str(err, "leeway: needs a value (leeway=...)", "  message");
	is_int(cfg->leeway, 30, "leeway still 30 after every refusal");
	is_int(set1(cfg, "connect_timeout", "0", err, sizeof(err)),
	       KINDE_E_CONFIG, "connect_timeout=0 refused (minimum 1)");
	ok(set1(cfg, "connect_timeout", "60", err, sizeof(err)) == KINDE_OK &&
	   cfg->connect_timeout == 60, "connect_timeout=60");
	is_int(set1(cfg, "connect_timeout", "61", err, sizeof(err)),
	       KINDE_E_CONFIG, "connect_timeout=61 refused");
	ok(set1(cfg, "timeout", "110", err, sizeof(err)) == KINDE_OK &&
	   cfg->timeout == 110, "timeout=110 (maximum)");
	is_int(set1(cfg, "timeout", "111", err, sizeof(err)), KINDE_E_CONFIG,
	       "timeout=111 refused (under sshd's LoginGraceTime)");
	kinde_config_free(cfg);
}

static void
urls(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	ok(set1(cfg, "domain", "acme.kinde.com", err, sizeof(err)) ==
	   KINDE_OK, "domain as a bare host");
	is_str(cfg->domain, "https://acme.kinde.com", "  gets https://");
	ok(set1(cfg, "domain", "https://acme.kinde.com/", err, sizeof(err)) ==
	   KINDE_OK, "domain with a trailing slash");
	is_str(cfg->domain, "https://acme.kinde.com", "  slash stripped");
	set1(cfg, "domain", "https://acme.kinde.com///", err, sizeof(err));
	is_str(cfg->domain, "https://acme.kinde.com", "  every slash stripped");
	set1(cfg, "domain", "auth.example.com/", err, sizeof(err));
	is_str(cfg->domain, "https://auth.example.com",
	       "  bare host with a slash");
	ok(set1(cfg, "issuer", "https://acme.kinde.com/", err, sizeof(err)) ==
	   KINDE_OK, "issuer with a trailing slash");
	is_str(cfg->issuer, "https://acme.kinde.com/",
	       "  issuer kept byte for byte");
	set1(cfg, "issuer", "acme.kinde.com", err, sizeof(err));
	is_str(cfg->issuer, "https://acme.kinde.com", "  bare issuer host");
	set1(cfg, "jwks_uri", "https://acme.kinde.com/.well-known/jwks",
	     err, sizeof(err));
	is_str(cfg->jwks_uri, "https://acme.kinde.com/.well-known/jwks",
	       "jwks_uri kept");

	is_int(set1(cfg, "domain", "http://acme.kinde.com", err, sizeof(err)),
	       KINDE_E_CONFIG, "http:// refused");
	is_str(err, "domain: http://acme.kinde.com uses http; only https is allowed",
	       "  message");
	is_str(cfg->domain, "https://auth.example.com", "  domain unchanged");
	is_int(set1(cfg, "jwks_uri", "http://x/jwks", err, sizeof(err)),
	       KINDE_E_CONFIG, "http jwks_uri refused");
	is_int(set1(cfg, "issuer", "ftp://acme", err, sizeof(err)),
	       KINDE_E_CONFIG, "ftp:// refused");
	is_str(err, "issuer: ftp://acme is not an https URL", "  message");
	is_int(set1(cfg, "domain", "HTTP://acme", err, sizeof(err)),
	       KINDE_E_CONFIG, "HTTP:// (upper case) refused");
	is_int(set1(cfg, "domain", "", err, sizeof(err)), KINDE_E_CONFIG,
	       "empty URL refused");
	is_int(set1(cfg, "domain", "https://", err, sizeof(err)),
	       KINDE_E_CONFIG, "https:// without a host refused");
	is_str(err, "domain: \"https://\" has no usable host", "  message");
	is_int(set1(cfg, "domain", "https:///path", err, sizeof(err)),
	       KINDE_E_CONFIG, "empty host refused");
	is_int(set1(cfg, "domain", "https://user@evil.example", err,
		    sizeof(err)), KINDE_E_CONFIG, "userinfo refused");
	is_int(set1(cfg, "domain", "https://a b", err, sizeof(err)),
	       KINDE_E_CONFIG, "space refused");
	is_int(set1(cfg, "domain", "https://a\nb", err, sizeof(err)),
	       KINDE_E_CONFIG, "newline refused");
	is_int(set1(cfg, "domain", NULL, err, sizeof(err)), KINDE_E_CONFIG,
	       "bare domain (no value) refused");
	is_str(cfg->domain, "https://auth.example.com",
	       "domain unchanged after every refusal");
	kinde_config_free(cfg);
}

static void
paths_strings_enums(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	ok(set1(cfg, "jwks_file", "/etc/kinde/jwks.json", err, sizeof(err)) ==
	   KINDE_OK && strcmp(cfg->jwks_file, "/etc/kinde/jwks.json") == 0,
	   "absolute path");
	is_int(set1(cfg, "jwks_file", "kinde/jwks.json", err, sizeof(err)),
	       KINDE_E_CONFIG, "relative path refused");
	is_str(err, "jwks_file: \"kinde/jwks.json\" is not an absolute path",
	       "  message");
	is_str(cfg->jwks_file, "/etc/kinde/jwks.json", "  path unchanged");
	ok(set1(cfg, "prompt", "  Token: ", err, sizeof(err)) == KINDE_OK &&
	   strcmp(cfg->prompt, "  Token: ") == 0, "string kept as given");
	ok(set1(cfg, "mode", "apikey", err, sizeof(err)) == KINDE_OK &&
	   cfg->mode == KINDE_MODE_APIKEY, "mode=apikey");
	ok(set1(cfg, "mode", "device", err, sizeof(err)) == KINDE_OK &&
	   cfg->mode == KINDE_MODE_DEVICE, "mode=device");
	is_int(set1(cfg, "mode", "Token", err, sizeof(err)), KINDE_E_CONFIG,
	       "mode=Token refused (exact)");
	is_str(err, "mode: \"Token\" is not one of auto, token, apikey, device",
	       "  message");
	is_int(cfg->mode, KINDE_MODE_DEVICE, "  mode unchanged");
	ok(set1(cfg, "audit", "json", err, sizeof(err)) == KINDE_OK &&
	   cfg->audit == KINDE_AUDIT_JSON, "audit=json");
	is_int(set1(cfg, "audit", "xml", err, sizeof(err)), KINDE_E_CONFIG,
	       "audit=xml refused");
	kinde_config_free(cfg);
}

static void
algorithms(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	ok(set1(cfg, "algorithms", "RS256 ES256", err, sizeof(err)) ==
	   KINDE_OK && cfg->algorithms ==
	   (ALG_BIT(ALG_RS256) | ALG_BIT(ALG_ES256)), "RS256 ES256");
	ok(set1(cfg, "algorithms", "PS256,PS384,PS512,EdDSA", err,
		sizeof(err)) == KINDE_OK &&
	   cfg->algorithms == (ALG_BIT(ALG_PS256) | ALG_BIT(ALG_PS384) |
			       ALG_BIT(ALG_PS512) | ALG_BIT(ALG_EDDSA) |
			       ALG_BIT(ALG_ED25519)),
	   "a comma-separated list replaces the set");
	ok(set1(cfg, "algorithms", "EdDSA", err, sizeof(err)) == KINDE_OK &&
	   cfg->algorithms == (ALG_BIT(ALG_EDDSA) | ALG_BIT(ALG_ED25519)),
	   "EdDSA allows Ed25519 too (RFC 9864's name for it)");
	ok(set1(cfg, "algorithms", "Ed25519", err, sizeof(err)) == KINDE_OK &&
	   cfg->algorithms == ALG_BIT(ALG_ED25519), "Ed25519 alone");
	ok(set1(cfg, "algorithms", "RS256", err, sizeof(err)) == KINDE_OK &&
	   cfg->algorithms == ALG_BIT(ALG_RS256), "back to RS256");
	is_int(set1(cfg, "algorithms", "HS256", err, sizeof(err)),
	       KINDE_E_CONFIG, "HS256 refused");
	is_str(err,
	       "algorithms: \"HS256\" is never accepted (supported: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA, Ed25519)",
	       "  message says never");
	is_int(cfg->algorithms, ALG_BIT(ALG_RS256),
	       "  a refused value leaves the algorithms unchanged");
	is_int(set1(cfg, "algorithms", "none", err, sizeof(err)),
	       KINDE_E_CONFIG, "none refused");
	ok(strstr(err, "\"none\" is never accepted") != NULL, "  message");
	is_int(set1(cfg, "algorithms", "ES256 hs512", err, sizeof(err)),
	       KINDE_E_CONFIG, "ES256 hs512 refused");
	ok(strstr(err, "\"hs512\" is never accepted") != NULL,
	   "  names the bad word");
	is_int(cfg->algorithms, ALG_BIT(ALG_RS256),
	       "  a partly good list leaves the algorithms unchanged");
	is_int(set1(cfg, "algorithms", "RS1", err, sizeof(err)),
	       KINDE_E_CONFIG, "RS1 refused");
	ok(strstr(err, "\"RS1\" is not supported") != NULL, "  not supported");
	is_int(set1(cfg, "algorithms", "rs256", err, sizeof(err)),
	       KINDE_E_CONFIG, "rs256 refused (exact names)");
	is_int(set1(cfg, "algorithms", "", err, sizeof(err)), KINDE_E_CONFIG,
	       "empty list refused");
	is_int(set1(cfg, "algorithms", " , ", err, sizeof(err)),
	       KINDE_E_CONFIG, "list of separators refused");
	ok(cfg->algorithms != 0,
	   "the allowlist is never left empty by a refused value");
	kinde_config_free(cfg);
}

static void
token_types(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	ok(set1(cfg, "token_types", "user", err, sizeof(err)) == KINDE_OK &&
	   cfg->token_types == KINDE_TOKEN_USER, "token_types=user");
	ok(set1(cfg, "token_types", "m2m", err, sizeof(err)) == KINDE_OK &&
	   cfg->token_types == KINDE_TOKEN_M2M, "token_types=m2m");
	ok(set1(cfg, "token_types", "user,m2m", err, sizeof(err)) ==
	   KINDE_OK && cfg->token_types ==
	   (KINDE_TOKEN_USER | KINDE_TOKEN_M2M), "token_types=user,m2m");
	ok(set1(cfg, "token_types", "m2m", err, sizeof(err)) == KINDE_OK,
	   "token_types=m2m again");
	is_int(set1(cfg, "token_types", "admin", err, sizeof(err)),
	       KINDE_E_CONFIG, "token_types=admin refused");
	is_str(err, "token_types: \"admin\" is not a list of user, m2m",
	       "  message");
	is_int(cfg->token_types, KINDE_TOKEN_M2M,
	       "  a refused value leaves token_types unchanged");
	is_int(set1(cfg, "token_types", "user bogus", err, sizeof(err)),
	       KINDE_E_CONFIG, "token_types=user bogus refused");
	is_int(cfg->token_types, KINDE_TOKEN_M2M,
	       "  a partly good list leaves token_types unchanged");
	is_int(set1(cfg, "token_types", "", err, sizeof(err)), KINDE_E_CONFIG,
	       "empty token_types refused");
	is_int(set1(cfg, "token_types", "User", err, sizeof(err)),
	       KINDE_E_CONFIG, "User refused (exact)");
	kinde_config_free(cfg);
}

static void
lists_and_sources(void)
{
	kinde_config_t *cfg = fresh();
	char err[512];

	set1(cfg, "audience", "a, b  c", err, sizeof(err));
	is_str(joined(&cfg->audience), "a|b|c",
	       "a list value splits on commas and spaces");
	set1(cfg, "audience", "d", err, sizeof(err));
	is_str(joined(&cfg->audience), "a|b|c|d",
	       "a second value from the same source appends");
	kinde_config_begin_source(cfg, "arguments");
	set1(cfg, "audience", "x", err, sizeof(err));
	is_str(joined(&cfg->audience), "x",
	       "the first value from a new source replaces");
	set1(cfg, "audience", "y z", err, sizeof(err));
	is_str(joined(&cfg->audience), "x|y|z", "  then appends");
	set1(cfg, "require_scopes", "s1", err, sizeof(err));
	kinde_config_begin_source(cfg, "cli");
	is_str(joined(&cfg->audience), "x|y|z",
	       "a new source that does not set a list leaves it");
	set1(cfg, "require_scopes", "s2", err, sizeof(err));
	is_str(joined(&cfg->require_scopes), "s2",
	       "each list is replaced on its own");
	is_str(joined(&cfg->audience), "x|y|z", "  others untouched");
	set1(cfg, "allowed_orgs", "org_a,org_b", err, sizeof(err));
	is_str(joined(&cfg->allowed_orgs), "org_a|org_b", "allowed_orgs");
	set1(cfg, "require_permissions", "p1", err, sizeof(err));
	set1(cfg, "allowed_client_ids", "c1", err, sizeof(err));
	ok(cfg->require_permissions.n == 1 && cfg->allowed_client_ids.n == 1,
	   "require_permissions and allowed_client_ids are lists");
	{
		char word[600];

		memset(word, 'w', sizeof(word) - 1);
		word[sizeof(word) - 1] = '\0';
		is_int(set1(cfg, "audience", word, err, sizeof(err)),
		       KINDE_E_CONFIG, "a 599-character list word refused");
		is_str(err, "audience: a value is too long", "  message");
	}
	kinde_config_free(cfg);
}

static void
unknown_keys(void)
{
	kinde_config_t *cfg = fresh();

	logs_clear();
	is_int(kinde_config_set(cfg, "bogus", "1"), KINDE_E_CONFIG,
	       "unknown key: refused");
	is_str(kinde_config_error(cfg),
	       "unknown option \"bogus\" (see pam_kinde.conf(5))",
	       "  message");
	is_int(logs.n, 0, "  nothing logged");
	errrec_clear(&cfg->err);
	is_int(kinde_config_set(cfg, "require_scope", "ssh:login"),
	       KINDE_E_CONFIG, "require_scope (for require_scopes) refused");
	is_str(kinde_config_error(cfg),
	       "unknown option \"require_scope\"; did you mean \"require_scopes\"?",
	       "  message suggests require_scopes");
	is_int(cfg->require_scopes.n, 0, "  nothing set");
	errrec_clear(&cfg->err);
	kinde_config_begin_source(cfg, "module arguments");
	is_int(kinde_config_set(cfg, "frobnicate", NULL), KINDE_E_CONFIG,
	       "a bare unknown word (module argument style) refused");
	errrec_clear(&cfg->err);
	is_int(kinde_config_set(cfg, "bad\033[31m", "1"), KINDE_E_CONFIG,
	       "a key with a control character refused");
	ok(strchr(kinde_config_error(cfg), '\033') == NULL,
	   "  the message escapes it");
	errrec_clear(&cfg->err);
	is_int(kinde_config_set(cfg, "Domain", "x"), KINDE_E_CONFIG,
	       "option names are case-sensitive");
	is_str(kinde_config_error(cfg),
	       "unknown option \"Domain\"; did you mean \"domain\"?",
	       "  but the case-insensitive match is suggested");
	/* the first error is kept */
	errrec_clear(&cfg->err);
	kinde_config_set(cfg, "leeway", "x");
	kinde_config_set(cfg, "debug", "x");
	ok(strncmp(kinde_config_error(cfg), "leeway:", 7) == 0,
	   "the config keeps the first error's detail");
	logs_clear();
	kinde_config_free(cfg);
}

static void
suggestions(void)
{
	static const struct {
		const char *key, *want;
	} v[] = {
		{ "require_scope", "require_scopes" },	/* singular */
		{ "allowed_org", "allowed_orgs" },
		{ "audiences", "audience" },		/* plural */
		{ "require_permission", "require_permissions" },
		{ "require_perm", "require_permissions" },	/* prefix */
		{ "allowed_orgs_list", "allowed_orgs" },	/* tail */
		{ "ca-file", "ca_file" },
		{ "DOMAIN", "domain" },
		{ "lewaey", "leeway" },			/* a swap, a typo */
		{ "isuser", "issuer" },
		{ "requrie_scopes", "require_scopes" },	/* a swap */
		{ "clientid", "client_id" },
		{ "user_claims", "user_claim" },
		{ "allow_any_tokens", "allow_any_token" },
		{ "jwks", NULL },		/* a prefix of three */
		{ "xyzzy", NULL },
		{ "scopes", NULL },
		{ "", NULL },
		{ "a_very_long_key_that_is_longer_than_sixty_four_characters_in_all",
		  NULL },
	};
	const char *got;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		got = kinde_config_suggest(v[i].key);
		if (v[i].want == NULL)
			ok(got == NULL, "no suggestion for \"%s\" (got %s)",
			   v[i].key, got ? got : "none");
		else
			is_str(got ? got : "(none)", v[i].want,
			       "suggestion for \"%s\"", v[i].key);
	}
}

/* A string option whose empty value means nothing is refused. */
static void
empty_values(void)
{
	static const char *const keys[] = { "strip_domain", "prompt",
					     "user_claim", "client_id",
					     "device_client_id", "proxy" };
	const struct kinde_option *opts;
	kinde_config_t *cfg = fresh();
	char err[512], want[256];
	size_t i, n, nstr = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		is_int(set1(cfg, keys[i], "", err, sizeof(err)),
		       KINDE_E_CONFIG, "%s = (empty) refused", keys[i]);
		snprintf(want, sizeof(want),
			 "%s: an empty value means nothing here; remove the line for the default",
			 keys[i]);
		is_str(err, want, "  message names %s", keys[i]);
	}
	is_str(cfg->prompt, KINDE_DEFAULT_PROMPT, "  the prompt is unchanged");
	is_str(cfg->user_claim, "sub", "  user_claim is unchanged");
	/* Every string, path and URL option of the table refuses "". */
	opts = kinde_config_options(&n);
	for (i = 0; i < n; i++) {
		if (opts[i].type != OT_STRING && opts[i].type != OT_PATH &&
		    opts[i].type != OT_URL)
			continue;
		nstr++;
		if (set1(cfg, opts[i].name, "", err, sizeof(err)) !=
		    KINDE_E_CONFIG || strncmp(err, opts[i].name,
					      strlen(opts[i].name)) != 0)
			ok(0, "%s = (empty) refused, naming the key",
			   opts[i].name);
	}
	ok(nstr >= 15, "every string, path and URL option refuses \"\" (%zu)",
	   nstr);
	kinde_config_free(cfg);
}

/* ------------------------------------------------------------------ */
/* Files */

static char tmpdir[] = "/tmp/test_config_XXXXXX";

static char *
write_file(const char *name, const char *content, size_t len, mode_t mode)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
	int fd;

	sprintf(path, "%s/%s", tmpdir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		abort();
	close(fd);
	if (chmod(path, mode) != 0)
		abort();
	return path;
}

static char *
write_str(const char *name, const char *content, mode_t mode)
{
	return write_file(name, content, strlen(content), mode);
}

static void
load_good(void)
{
	kinde_config_t *cfg = fresh();
	char *path = write_str("good.conf",
		"# pam_kinde.conf\n"
		"   # an indented comment\n"
		"\n"
		"domain = acme.kinde.com\n"
		"audience=api1 api2\n"
		"\taudience = api3\t\n"
		"leeway=30\r\n"
		"prompt = \"  Token: \"\n"
		"user_claim = \"email\"\n"
		"debug\n"
		"use_first_pass = no\n"
		"algorithms = RS256, PS256\n"
		"require_scopes = openid ssh:login", 0644);

	logs_clear();
	is_int(kinde_config_load_file(cfg, path, false), KINDE_OK,
	       "load a good file");
	is_str(kinde_config_error(cfg), "", "  no error");
	is_str(cfg->domain, "https://acme.kinde.com", "  domain");
	is_str(joined(&cfg->audience), "api1|api2|api3",
	       "  audience lines append within the file");
	is_int(cfg->leeway, 30, "  CRLF line");
	is_str(cfg->prompt, "  Token: ", "  quotes keep spaces");
	is_str(cfg->user_claim, "email", "  quotes removed");
	ok(cfg->debug, "  bare boolean key");
	ok(!cfg->use_first_pass, "  use_first_pass = no");
	is_int(cfg->algorithms, ALG_BIT(ALG_RS256) | ALG_BIT(ALG_PS256),
	       "  algorithms");
	is_str(joined(&cfg->require_scopes), "openid|ssh:login",
	       "  last line without a newline");
	is_int(logs.n, 0, "  nothing logged");
	is_int(kinde_config_finish(cfg), KINDE_OK, "  finish");
	is_str(cfg->issuer, "https://acme.kinde.com", "  issuer from domain");

	/* a second source replaces the file's lists */
	kinde_config_begin_source(cfg, "arguments");
	kinde_config_set(cfg, "audience", "cli");
	is_str(joined(&cfg->audience), "cli",
	       "module arguments replace the file's list");
	logs_clear();
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	/* the file replaces lists set before it */
	cfg = fresh();
	kinde_config_set(cfg, "audience", "default");
	path = write_str("lists.conf", "audience = fromfile\n", 0600);
	kinde_config_load_file(cfg, path, false);
	is_str(joined(&cfg->audience), "fromfile",
	       "a file replaces lists set before it");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	cfg = fresh();
	path = write_str("empty.conf", "", 0600);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_OK,
	       "empty file");
	unlink(path);
	free(path);
	kinde_config_free(cfg);
}

static void
load_err(const char *content, kinde_err_t want, const char *want_msg_after_path,
	 const char *what)
{
	kinde_config_t *cfg = fresh();
	char *path = write_str("bad.conf", content, 0600);
	char want_msg[1024];
	kinde_err_t rc = kinde_config_load_file(cfg, path, false);

	is_int(rc, want, "file error: %s", what);
	snprintf(want_msg, sizeof(want_msg), "%s%s", path,
		 want_msg_after_path);
	is_str(kinde_config_error(cfg), want_msg, "  message of %s", what);
	unlink(path);
	free(path);
	logs_clear();
	kinde_config_free(cfg);
}

static void
load_errors(void)
{
	char *big;

	load_err("domain = acme.kinde.com\n\nleeway = abc\n", KINDE_E_CONFIG,
		 ":3: leeway: \"abc\" is not an integer in 0..3600",
		 "bad integer on line 3");
	load_err("domain\n", KINDE_E_CONFIG,
		 ":1: domain: needs a value (domain=...)",
		 "non-boolean key without a value");
	load_err("# c\nmode = x\n", KINDE_E_CONFIG,
		 ":2: mode: \"x\" is not one of auto, token, apikey, device",
		 "bad enum on line 2");
	load_err("debug = perhaps\n", KINDE_E_CONFIG,
		 ":1: debug: \"perhaps\" is not a boolean (yes/no)",
		 "bad boolean");
	load_err("domain = http://acme.kinde.com\n", KINDE_E_CONFIG,
		 ":1: domain: http://acme.kinde.com uses http; only https is allowed",
		 "http domain");
	load_err("domain = acme.kinde.com\nrequire_scope = ssh:login\n",
		 KINDE_E_CONFIG,
		 ":2: unknown option \"require_scope\"; did you mean \"require_scopes\"?",
		 "a misspelt key names the file, the line and the close key");
	load_err("allowed_org = org_a\n", KINDE_E_CONFIG,
		 ":1: unknown option \"allowed_org\"; did you mean \"allowed_orgs\"?",
		 "allowed_org");
	load_err("unknown_thing = 1\n", KINDE_E_CONFIG,
		 ":1: unknown option \"unknown_thing\" (see pam_kinde.conf(5))",
		 "an unknown key with nothing close");
	load_err("strip_domain =\n", KINDE_E_CONFIG,
		 ":1: strip_domain: an empty value means nothing here; remove the line for the default",
		 "strip_domain = (empty)");
	load_err("prompt = \"\"\n", KINDE_E_CONFIG,
		 ":1: prompt: an empty value means nothing here; remove the line for the default",
		 "prompt = \"\" (empty once unquoted)");
	load_err("leeway = 30 # a comment\n", KINDE_E_CONFIG,
		 ":1: leeway: \"30 # a comment\" is not an integer in 0..3600",
		 "no comments after a value");
	big = malloc(5000 + 16);
	memcpy(big, "prompt = ", 9);
	memset(big + 9, 'x', 5000);
	strcpy(big + 5009, "\n");
	load_err(big, KINDE_E_CONFIG, ":1: line too long", "a 5009-byte line");
	free(big);
}

static void
load_unsafe(void)
{
	kinde_config_t *cfg;
	char *path, *big;
	kinde_err_t rc;
	size_t i;

	cfg = fresh();
	path = write_str("gw.conf", "debug\n", 0664);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_E_UNSAFE,
	       "group-writable file refused");
	ok(strstr(kinde_config_error(cfg), "must not be writable by group or others") != NULL,
	   "  message says why");
	ok(!cfg->debug, "  nothing from it applied");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	cfg = fresh();
	path = write_str("ww.conf", "debug\n", 0602);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_E_UNSAFE,
	       "world-writable file refused");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	cfg = fresh();
	path = write_str("ro.conf", "debug\n", 0644);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_OK,
	       "0644 file accepted (readable by all is fine for a config)");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	/* a FIFO must not hang the login */
	cfg = fresh();
	path = malloc(strlen(tmpdir) + 16);
	sprintf(path, "%s/fifo.conf", tmpdir);
	if (mkfifo(path, 0600) != 0)
		abort();
	alarm(5);
	rc = kinde_config_load_file(cfg, path, false);
	alarm(0);
	is_int(rc, KINDE_E_UNSAFE, "a FIFO refused without hanging");
	ok(strstr(kinde_config_error(cfg), "not a regular file") != NULL,
	   "  not a regular file");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	/* a directory */
	cfg = fresh();
	is_int(kinde_config_load_file(cfg, tmpdir, false), KINDE_E_UNSAFE,
	       "a directory refused");
	kinde_config_free(cfg);

	/* NUL byte */
	cfg = fresh();
	path = write_file("nul.conf", "debug\n\0leeway = 5\n", 18, 0600);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_E_CONFIG,
	       "a NUL byte refused");
	ok(strstr(kinde_config_error(cfg), "contains a NUL byte") != NULL,
	   "  message");
	ok(!cfg->debug, "  nothing from it applied");
	unlink(path);
	free(path);
	kinde_config_free(cfg);

	/* size */
	big = malloc(64 * 1024 + 1);
	memset(big, '#', 64 * 1024 + 1);
	for (i = 99; i < 64 * 1024 + 1; i += 100)
		big[i] = '\n';
	big[64 * 1024 - 1] = '\n';
	cfg = fresh();
	path = write_file("64k.conf", big, 64 * 1024, 0600);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_OK,
	       "a 64 KiB file of comments accepted");
	unlink(path);
	free(path);
	kinde_config_free(cfg);
	cfg = fresh();
	path = write_file("big.conf", big, 64 * 1024 + 1, 0600);
	is_int(kinde_config_load_file(cfg, path, false), KINDE_E_CONFIG,
	       "64 KiB + 1 refused");
	ok(strstr(kinde_config_error(cfg), "larger than 65536 bytes") != NULL,
	   "  message");
	unlink(path);
	free(path);
	kinde_config_free(cfg);
	free(big);

	/* missing */
	cfg = fresh();
	path = malloc(strlen(tmpdir) + 16);
	sprintf(path, "%s/missing.conf", tmpdir);
	is_int(kinde_config_load_file(cfg, path, true), KINDE_OK,
	       "a missing file with missing_ok");
	is_str(kinde_config_error(cfg), "", "  no error recorded");
	is_int(kinde_config_load_file(cfg, path, false), KINDE_E_CONFIG,
	       "a missing file without missing_ok: KINDE_E_CONFIG (kinde.h)");
	ok(strstr(kinde_config_error(cfg), "missing.conf") != NULL,
	   "  message names the file");
	free(path);
	kinde_config_free(cfg);

	/* symlinks are followed (kinde.h): the target is what is judged */
	{
		char *target = write_str("target.conf", "debug\n", 0644);
		char *bad = write_str("bad-target.conf", "debug\n", 0666);
		char *link2 = malloc(strlen(tmpdir) + 16);

		cfg = fresh();
		path = malloc(strlen(tmpdir) + 16);
		sprintf(path, "%s/link.conf", tmpdir);
		sprintf(link2, "%s/link2.conf", tmpdir);
		if (symlink(target, path) != 0 || symlink(bad, link2) != 0)
			abort();
		is_int(kinde_config_load_file(cfg, path, false), KINDE_OK,
		       "a symlink to a good file is followed");
		ok(cfg->debug, "  its options applied");
		is_int(kinde_config_load_file(cfg, link2, false),
		       KINDE_E_UNSAFE,
		       "a symlink to a world-writable file refused");
		unlink(path);
		unlink(link2);
		unlink(target);
		unlink(bad);
		free(target);
		free(bad);
		free(link2);
		free(path);
		kinde_config_free(cfg);
	}

	/* a file owned by another user (root can make one) */
	if (geteuid() == 0) {
		cfg = fresh();
		path = write_str("other.conf", "debug\n", 0644);
		if (chown(path, 12345, 12345) != 0)
			abort();
		is_int(kinde_config_load_file(cfg, path, false),
		       KINDE_E_UNSAFE, "a file owned by another user refused");
		ok(strstr(kinde_config_error(cfg), "owned by uid 12345") != NULL,
		   "  message names the owner");
		unlink(path);
		free(path);
		kinde_config_free(cfg);
	} else {
		skip("not root: cannot make a file owned by another user");
		skip("not root");
	}
}

/* ------------------------------------------------------------------ */

static void
finish(void)
{
	kinde_config_t *cfg;

	cfg = fresh();
	kinde_config_set(cfg, "domain", "https://acme.kinde.com/");
	is_int(kinde_config_finish(cfg), KINDE_OK, "finish: domain only");
	is_str(cfg->issuer, "https://acme.kinde.com",
	       "  issuer defaults to the domain");
	kinde_config_free(cfg);

	cfg = fresh();
	kinde_config_set(cfg, "domain", "https://acme.kinde.com");
	kinde_config_set(cfg, "issuer", "https://auth.acme.com");
	kinde_config_finish(cfg);
	ok(strcmp(cfg->issuer, "https://auth.acme.com") == 0 &&
	   strcmp(cfg->domain, "https://acme.kinde.com") == 0,
	   "finish: an explicit issuer is kept");
	kinde_config_free(cfg);

	cfg = fresh();
	kinde_config_set(cfg, "issuer", "https://acme.kinde.com");
	is_int(kinde_config_finish(cfg), KINDE_OK, "finish: issuer only");
	is_str(cfg->domain, "https://acme.kinde.com",
	       "  domain defaults to the issuer");
	kinde_config_free(cfg);

	cfg = fresh();
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "finish: no domain, no issuer");
	is_str(kinde_config_error(cfg), "no issuer: set domain (or issuer)",
	       "  message");
	kinde_config_free(cfg);

	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "use_first_pass", NULL);
	kinde_config_set(cfg, "try_first_pass", NULL);
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "finish: use_first_pass and try_first_pass");
	is_str(kinde_config_error(cfg),
	       "use_first_pass and try_first_pass exclude each other",
	       "  message");
	kinde_config_free(cfg);

	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "try_first_pass", NULL);
	is_int(kinde_config_finish(cfg), KINDE_OK,
	       "finish: try_first_pass alone");
	kinde_config_free(cfg);

	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "client_secret_file", "/etc/kinde/secret");
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "finish: client_secret_file without client_id");
	is_str(kinde_config_error(cfg),
	       "client_secret_file is set but client_id is not", "  message");
	kinde_config_free(cfg);

	cfg = fresh();
	logs_clear();
	kinde_config_set(cfg, "issuer", "https://acme.kinde.com/");
	is_int(kinde_config_finish(cfg), KINDE_OK,
	       "finish: issuer with a trailing slash is allowed");
	ok(logs.n == 1 && logs.prio[0] == LOG_WARNING &&
	   strstr(logs.msg[0], "ends with '/'") != NULL,
	   "  but warned about");
	logs_clear();
	kinde_config_free(cfg);
}

/* The files a config trusts are judged when it is loaded. */
static void
finish_files(void)
{
	static const struct {
		const char *key;
		mode_t mode;
		kinde_err_t want;
		const char *msg;
	} v[] = {
		{ "client_secret_file", 0600, KINDE_OK, NULL },
		{ "client_secret_file", 0400, KINDE_OK, NULL },
		{ "client_secret_file", 0640, KINDE_E_UNSAFE,
		  "mode 0640 is too open; a secret must not be readable by group or others" },
		{ "client_secret_file", 0604, KINDE_E_UNSAFE, "mode 0604" },
		{ "ca_file", 0644, KINDE_OK, NULL },
		{ "ca_file", 0664, KINDE_E_UNSAFE,
		  "mode 0664 is too open; it must not be writable by group or others" },
		{ "ca_file", 0646, KINDE_E_UNSAFE, "mode 0646" },
	};
	kinde_config_t *cfg;
	char *path, name[64], *missing;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(name, sizeof(name), "trust%zu", i);
		path = write_str(name, "x\n", v[i].mode);
		cfg = fresh();
		kinde_config_set(cfg, "domain", "acme.kinde.com");
		kinde_config_set(cfg, "client_id", "c1");
		kinde_config_set(cfg, v[i].key, path);
		is_int(kinde_config_finish(cfg), v[i].want, "finish: %s %04o",
		       v[i].key, (unsigned)v[i].mode);
		if (v[i].msg != NULL) {
			ok(strncmp(kinde_config_error(cfg), v[i].key,
				   strlen(v[i].key)) == 0 &&
			   strstr(kinde_config_error(cfg), path) != NULL &&
			   strstr(kinde_config_error(cfg), v[i].msg) != NULL,
			   "  message names the key, the file and why");
			if (strstr(kinde_config_error(cfg), v[i].msg) == NULL)
				diag("  got: %s", kinde_config_error(cfg));
		}
		unlink(path);
		free(path);
		kinde_config_free(cfg);
	}

	missing = malloc(strlen(tmpdir) + 16);
	sprintf(missing, "%s/nowhere", tmpdir);
	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "ca_file", missing);
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "finish: a missing ca_file is a configuration error");
	ok(strstr(kinde_config_error(cfg), "No such file") != NULL,
	   "  message says it is missing");
	kinde_config_free(cfg);
	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "client_id", "c1");
	kinde_config_set(cfg, "client_secret_file", missing);
	is_int(kinde_config_finish(cfg), KINDE_E_CONFIG,
	       "finish: a missing client_secret_file too");
	kinde_config_free(cfg);
	free(missing);

	cfg = fresh();
	kinde_config_set(cfg, "domain", "acme.kinde.com");
	kinde_config_set(cfg, "ca_file", tmpdir);
	is_int(kinde_config_finish(cfg), KINDE_E_UNSAFE,
	       "finish: a directory as ca_file refused");
	kinde_config_free(cfg);

	if (geteuid() == 0) {
		path = write_str("other-ca.pem", "x\n", 0644);
		if (chown(path, 12345, 12345) != 0)
			abort();
		cfg = fresh();
		kinde_config_set(cfg, "domain", "acme.kinde.com");
		kinde_config_set(cfg, "ca_file", path);
		is_int(kinde_config_finish(cfg), KINDE_E_UNSAFE,
		       "finish: a ca_file owned by another user refused");
		ok(strstr(kinde_config_error(cfg), "owned by uid 12345") != NULL,
		   "  message names the owner");
		unlink(path);
		free(path);
		kinde_config_free(cfg);
	} else {
		skip("not root: cannot make a file owned by another user");
		skip("not root");
	}
}

/* A policy that admits every token of the issuer is refused. */
static void
check_policy(void)
{
	static const struct {
		const char *kv[6];
		kinde_err_t want;
	} v[] = {
		{ { NULL }, KINDE_E_CONFIG },
		{ { "audience", "https://api.example" }, KINDE_OK },
		{ { "require_scopes", "ssh:login" }, KINDE_OK },
		{ { "require_permissions", "ssh:login" }, KINDE_OK },
		{ { "allow_any_token", "yes" }, KINDE_OK },
		{ { "allow_any_token", "no" }, KINDE_E_CONFIG },
		{ { "allowed_orgs", "org_a", "allowed_client_ids", "c1" },
		  KINDE_E_CONFIG },
		{ { "mode", "apikey", "audience", "https://api.example" },
		  KINDE_E_CONFIG },
		{ { "mode", "apikey", "require_scopes", "ssh:login" }, KINDE_OK },
		{ { "mode", "apikey", "allow_any_token", "yes" }, KINDE_OK },
		{ { "mode", "token", "audience", "https://api.example" },
		  KINDE_OK },
		/* mode=auto takes API keys once client_id is set */
		{ { "client_id", "c1", "audience", "https://api.example" },
		  KINDE_E_CONFIG },
		{ { "client_id", "c1", "require_scopes", "ssh:login" },
		  KINDE_OK },
		{ { "client_id", "c1", "audience", "https://api.example",
		    "mode", "token" }, KINDE_OK },
		{ { "client_id", "c1", "audience", "https://api.example",
		    "allow_any_token", "yes" }, KINDE_OK },
	};
	kinde_config_t *cfg;
	char what[256];
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cfg = fresh();
		kinde_config_set(cfg, "domain", "acme.kinde.com");
		what[0] = '\0';
		for (k = 0; k < 6 && v[i].kv[k] != NULL; k += 2) {
			kinde_config_set(cfg, v[i].kv[k], v[i].kv[k + 1]);
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 " %s=%s", v[i].kv[k], v[i].kv[k + 1]);
		}
		is_int(kinde_config_finish(cfg), KINDE_OK,
		       "finish does not judge the policy:%s", what);
		is_int(kinde_config_check_policy(cfg), v[i].want,
		       "check_policy:%s", what[0] ? what : " nothing");
		if (i == 0)
			is_str(kinde_config_error(cfg),
			       "no audience, require_scopes or require_permissions: every access token the issuer signs, for any application, would log in; set one, or allow_any_token = yes if that is meant",
			       "  message says what to set");
		if (i == 7)
			ok(strstr(kinde_config_error(cfg),
				  "mode=apikey without require_scopes") != NULL,
			   "  mode=apikey: audience does not restrict API keys");
		if (i == 11)
			is_str(kinde_config_error(cfg),
			       "API keys (client_id is set, mode=auto) without require_scopes: every active API key of the issuer would log in (audience does not apply to keys); set require_scopes or mode = token, or allow_any_token = yes if that is meant",
			       "  client_id and only an audience: API keys are open");
		kinde_config_free(cfg);
	}
}

/* "N/SECONDS" or off (the limiter's options), parsed strictly. */
static void
rates(void)
{
	static const char *const bad[] = {
		"10", "10/", "/60", "10/60s", " 10/60", "10 / 60", "-1/60",
		"+5/60", "10/-60", "0/60", "10/0", "1e3/60", "10/60/5",
		"100001/60", "10/604801", "none", "", "0x10/60",
		"99999999999999999999/60",
	};
	kinde_config_t *cfg = kinde_config_new();
	char err[512];
	size_t i;

	ok(cfg->ratelimit_apikey.n == 100 && cfg->ratelimit_apikey.seconds == 60,
	   "ratelimit_apikey defaults to 100/60 (Kinde's API-key guide)");
	ok(cfg->ratelimit_rhost.n == 10 && cfg->ratelimit_rhost.seconds == 60,
	   "ratelimit_rhost defaults to 10/60");
	is_int(cfg->ratelimit_user.n, 0, "ratelimit_user defaults to off");
	ok(cfg->ratelimit_verify.n == 60 && cfg->ratelimit_verify.seconds == 60,
	   "ratelimit_verify defaults to 60/60");
	ok(cfg->lockout_deny == 0 && cfg->lockout_interval == 900 &&
	   cfg->lockout_unlock_time == 600 && !cfg->lockout_even_deny_root,
	   "lockout off, interval 900, unlock 600 (pam_faillock's)");
	is_str(cfg->state_dir, KINDE_STATE_DIR, "state_dir default");
	is_int(set1(cfg, "ratelimit_rhost", "3/120", err, sizeof(err)),
	       KINDE_OK, "ratelimit_rhost=3/120");
	ok(cfg->ratelimit_rhost.n == 3 && cfg->ratelimit_rhost.seconds == 120,
	   "  is 3 within 120 s");
	is_int(set1(cfg, "ratelimit_apikey", "off", err, sizeof(err)),
	       KINDE_OK, "ratelimit_apikey=off");
	is_int(cfg->ratelimit_apikey.n, 0, "  is off");
	is_int(set1(cfg, "ratelimit_user", "OFF", err, sizeof(err)), KINDE_OK,
	       "OFF in capitals");
	is_int(set1(cfg, "ratelimit_verify", "100000/604800", err,
		    sizeof(err)), KINDE_OK, "the bounds themselves");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg->ratelimit_rhost = (struct kinde_limit_rule){ 3, 120 };
		is_int(set1(cfg, "ratelimit_rhost", bad[i], err, sizeof(err)),
		       KINDE_E_CONFIG, "ratelimit_rhost=\"%s\" refused", bad[i]);
		ok(cfg->ratelimit_rhost.n == 3 &&
		   cfg->ratelimit_rhost.seconds == 120, "  value unchanged");
	}
	set1(cfg, "ratelimit_rhost", "10", err, sizeof(err));
	is_str(err, "ratelimit_rhost: \"10\" is not N/SECONDS (e.g. 10/60) or off",
	       "  message for a bare number");
	set1(cfg, "ratelimit_rhost", "0/60", err, sizeof(err));
	is_str(err, "ratelimit_rhost: \"0/60\": N must be in 1..100000 (or off)",
	       "  message for N out of range");
	set1(cfg, "ratelimit_rhost", "5/0", err, sizeof(err));
	is_str(err, "ratelimit_rhost: \"5/0\": SECONDS must be in 1..604800",
	       "  message for SECONDS out of range");
	is_int(set1(cfg, "lockout_deny", "3", err, sizeof(err)), KINDE_OK,
	       "lockout_deny=3");
	is_int(set1(cfg, "lockout_interval", "0", err, sizeof(err)),
	       KINDE_E_CONFIG, "lockout_interval=0 refused");
	is_int(set1(cfg, "lockout_unlock_time", "0", err, sizeof(err)),
	       KINDE_E_CONFIG, "lockout_unlock_time=0 refused");
	is_int(set1(cfg, "state_dir", "var/lib", err, sizeof(err)),
	       KINDE_E_CONFIG, "a relative state_dir refused");
	is_str(kinde_config_suggest("ratelimit_rhosts"), "ratelimit_rhost",
	       "a typo of a limiter option is suggested");
	kinde_config_free(cfg);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		abort();
	defaults();
	table_words();
	booleans();
	integers();
	urls();
	paths_strings_enums();
	algorithms();
	token_types();
	lists_and_sources();
	unknown_keys();
	suggestions();
	empty_values();
	load_good();
	load_errors();
	load_unsafe();
	finish();
	finish_files();
	check_policy();
	rates();
	rmdir(tmpdir);
	logs_clear();
	return done_testing();
}
