/*
 * config.c - the option table, value parsing and the config file reader.
 */
#include "kinde-build.h"

#include "config.h"
#include "alg.h"
#include "denylist.h"
#include "log.h"
#include "safefile.h"
#include "url.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_MAX_SIZE (64 * 1024)
#define CONFIG_MAX_LINE 4096

#define OFF(f) offsetof(struct kinde_config, f)

/*
 * The words of the word-valued options, owned here: kinde_config_set
 * accepts them and its messages list them from these arrays, and a test
 * holds pam_kinde.conf(5) to them.  An OT_ENUM field takes the index of
 * the word (the order of enum kinde_mode, enum kinde_audit, enum
 * kinde_account_check); an OT_FLAGS field the bits 1 << index
 * (KINDE_TOKEN_USER, KINDE_TOKEN_M2M).
 */
static const char *const mode_words[] = { "auto", "token", "apikey",
					  "device", NULL };
static const char *const audit_words[] = { "text", "json", NULL };
static const char *const token_type_words[] = { "user", "m2m", NULL };
static const char *const account_check_words[] = { "none", "kinde",
						   NULL };

static const struct kinde_option options[] = {
	{ "domain", OT_URL, OFF(domain), 0, 0,
	  "Kinde domain, https://<sub>.kinde.com or a custom domain" },
	{ "issuer", OT_URL, OFF(issuer), 0, 0,
	  "expected iss claim, byte for byte (default: domain)" },
	{ "jwks_uri", OT_URL, OFF(jwks_uri), 0, 0,
	  "key set URL (default: from discovery, else <domain>/.well-known/jwks)" },
	{ "jwks_file", OT_PATH, OFF(jwks_file), 0, 0,
	  "pinned local key set; no network (air-gapped hosts)" },
	{ "audience", OT_LIST, OFF(audience), 0, 0,
	  "accepted aud values, any of (default: not checked)" },
	{ "algorithms", OT_ALGS, OFF(algorithms), 0, 0,
	  "allowed JWS algorithms (default RS256)" },
	{ "leeway", OT_INT, OFF(leeway), 0, 3600,
	  "clock skew tolerance in seconds (default 60)" },
	{ "require_scopes", OT_LIST, OFF(require_scopes), 0, 0,
	  "scopes the token or API key must all carry" },
	{ "require_permissions", OT_LIST, OFF(require_permissions), 0, 0,
	  "permissions the token must all carry" },
	{ "allowed_orgs", OT_LIST, OFF(allowed_orgs), 0, 0,
	  "org codes accepted, any of (default: any)" },
	{ "allowed_client_ids", OT_LIST, OFF(allowed_client_ids), 0, 0,
	  "azp (client id) values accepted, any of (default: any)" },
	{ "require_roles", OT_LIST, OFF(require_roles), 0, 0,
	  "role keys the user must all hold (token roles claim; Management API for keys and account_check)" },
	{ "allowed_roles", OT_LIST, OFF(allowed_roles), 0, 0,
	  "role keys of which the user must hold one (default: any)" },
	{ "token_types", OT_FLAGS, OFF(token_types), 0, 0,
	  "token types accepted, any of the words (default both)",
	  token_type_words },
	{ "allow_any_token", OT_BOOL, OFF(allow_any_token), 0, 0,
	  "allow a policy with no audience, required scope or permission" },
	{ "user_claim", OT_STRING, OFF(user_claim), 0, 0,
	  "claim naming the local user (default sub)" },
	{ "user_map_file", OT_PATH, OFF(user_map_file), 0, 0,
	  "file of '<value> <user>[,<user>...]' lines" },
	{ "strip_domain", OT_STRING, OFF(strip_domain), 0, 0,
	  "remove @<domain> from the mapped value (email claims)" },
	{ "mode", OT_ENUM, OFF(mode), 0, 0,
	  "what the answer is taken as, one of the words (default auto)",
	  mode_words },
	{ "prompt", OT_STRING, OFF(prompt), 0, 0,
	  "conversation prompt" },
	{ "use_first_pass", OT_BOOL, OFF(use_first_pass), 0, 0,
	  "take the secret from an earlier module, never prompt" },
	{ "try_first_pass", OT_BOOL, OFF(try_first_pass), 0, 0,
	  "take the secret from an earlier module, else prompt" },
	{ "account_requires_auth", OT_BOOL, OFF(account_requires_auth), 0, 0,
	  "account stage denies logins that did not authenticate here" },
	{ "account_check", OT_ENUM, OFF(account_check), 0, 0,
	  "whether the account stage asks the Management API if the user may log in now, one of the words (default none)",
	  account_check_words },
	{ "account_cache_ttl", OT_INT, OFF(account_cache_ttl), 0, 3600,
	  "seconds an account decision is reused (default 60)" },
	{ "account_max_stale", OT_INT, OFF(account_max_stale), 0, 7 * 86400,
	  "seconds a cached account decision may decide while Kinde is unreachable (default 0: fail closed)" },
	{ "audit", OT_ENUM, OFF(audit), 0, 0,
	  "decision log format, one of the words (default text)",
	  audit_words },
	{ "debug", OT_BOOL, OFF(debug), 0, 0,
	  "log every check" },
	{ "client_id", OT_STRING, OFF(client_id), 0, 0,
	  "M2M application client id" },
	{ "client_secret_file", OT_PATH, OFF(client_secret_file), 0, 0,
	  "file holding the M2M client secret (root-owned, 0600)" },
	{ "m2m_audience", OT_LIST, OFF(m2m_audience), 0, 0,
	  "audiences of M2M tokens (default <domain>/api)" },
	{ "m2m_scope", OT_LIST, OFF(m2m_scope), 0, 0,
	  "scopes to request for M2M tokens" },
	{ "apikey_cache_ttl", OT_INT, OFF(apikey_cache_ttl), 0, 3600,
	  "seconds an accepted API key is remembered (default 60)" },
	{ "apikey_negative_ttl", OT_INT, OFF(apikey_negative_ttl), 0, 3600,
	  "seconds a refused API key is remembered (default 10)" },
	{ "device_client_id", OT_STRING, OFF(device_client_id), 0, 0,
	  "client id of the application used for device logins" },
	{ "device_scope", OT_LIST, OFF(device_scope), 0, 0,
	  "scopes a device login requests (default: openid and require_scopes)" },
	{ "device_audience", OT_LIST, OFF(device_audience), 0, 0,
	  "audiences a device login requests (default: audience)" },
	{ "device_timeout", OT_INT, OFF(device_timeout), 10, 600,
	  "seconds a device login waits for approval (default 90)" },
	{ "device_qr", OT_BOOL, OFF(device_qr), 0, 0,
	  "draw the device login's link as a QR code (default yes)" },
	{ "cache_dir", OT_PATH, OFF(cache_dir), 0, 0,
	  "on-disk cache directory (default " KINDE_CACHE_DIR ")" },
	{ "ca_file", OT_PATH, OFF(ca_file), 0, 0,
	  "CA bundle for the issuer's certificate (default: system)" },
	{ "proxy", OT_STRING, OFF(proxy), 0, 0,
	  "HTTPS proxy URL; environment proxies are ignored" },
	{ "connect_timeout", OT_INT, OFF(connect_timeout), 1, 60,
	  "seconds to connect (default 5)" },
	{ "timeout", OT_INT, OFF(timeout), 1, 110,
	  "seconds for a whole request (default 10)" },
	{ "jwks_max_stale", OT_INT, OFF(jwks_max_stale), 0, 7 * 86400,
	  "seconds a key set is used past its lifetime when the issuer is down (default 86400)" },
	{ "jwks_max_age", OT_INT, OFF(jwks_max_age), 60, 86400,
	  "seconds a fetched key set is trusted at most, whatever the issuer's max-age (default 86400)" },
	{ "jwks_refetch_cooldown", OT_INT, OFF(jwks_refetch_cooldown), 1, 86400,
	  "minimum seconds between refetches for unknown kids (default 60)" },
	{ "net_module", OT_PATH, OFF(net_module), 0, 0,
	  "the HTTPS transport plugin loaded on a cold cache" },
	{ "deny_file", OT_PATH, OFF(deny_file), 0, 0,
	  "file of 'sub|key_id|jti|kid VALUE' lines refused at once (root-owned)" },
	{ "ratelimit_apikey", OT_RATE, OFF(ratelimit_apikey), 1, 100000,
	  "attempts per API key, N/SECONDS or off (default 100/60)" },
	{ "ratelimit_rhost", OT_RATE, OFF(ratelimit_rhost), 1, 100000,
	  "attempts reaching the issuer per remote host (default 10/60)" },
	{ "ratelimit_user", OT_RATE, OFF(ratelimit_user), 1, 100000,
	  "attempts per local user, N/SECONDS or off (default off)" },
	{ "ratelimit_verify", OT_RATE, OFF(ratelimit_verify), 1, 100000,
	  "host-wide API-key verifications sent to the issuer (default 60/60)" },
	{ "lockout_deny", OT_INT, OFF(lockout_deny), 0, 1000,
	  "failures within lockout_interval that lock the user (default 0: off)" },
	{ "lockout_interval", OT_INT, OFF(lockout_interval), 1, 7 * 86400,
	  "seconds within which lockout_deny failures lock (default 900)" },
	{ "lockout_unlock_time", OT_INT, OFF(lockout_unlock_time), 1, 7 * 86400,
	  "seconds a locked user stays locked (default 600)" },
	{ "lockout_even_deny_root", OT_BOOL, OFF(lockout_even_deny_root), 0, 0,
	  "lock root out too (default no)" },
	{ "state_dir", OT_PATH, OFF(state_dir), 0, 0,
	  "limiter and lockout state directory (default " KINDE_STATE_DIR ")" },
};

const struct kinde_option *
kinde_config_options(size_t *count)
{
	*count = KINDE_ARRAY_SIZE(options);
	return options;
}

const struct kinde_option *
kinde_config_option(const char *name)
{
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(options); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* Optimal string alignment distance (a swap of neighbours counts 1),
 * ignoring case; capped at 9 (only small distances matter). */
static unsigned
edit_distance(const char *a0, const char *b0)
{
	unsigned d[3][64], i, j, la = (unsigned)strlen(a0),
		 lb = (unsigned)strlen(b0), best;
	char a[64], b[64];

	if (la >= 64 || lb >= 64)
		return 9;
	for (i = 0; i <= la; i++)
		a[i] = (char)tolower((unsigned char)a0[i]);
	for (j = 0; j <= lb; j++)
		b[j] = (char)tolower((unsigned char)b0[j]);
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		unsigned *cur = d[i % 3], *prev = d[(i - 1) % 3],
			 *prev2 = d[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[la % 3][lb] < 9 ? d[la % 3][lb] : 9;
}

const char *
kinde_config_suggest(const char *key)
{
	const char *best = NULL, *prefixed = NULL;
	unsigned dist, best_dist = 9, nprefixed = 0;
	size_t i, klen = strlen(key), olen;

	for (i = 0; i < KINDE_ARRAY_SIZE(options); i++) {
		const char *name = options[i].name;

		dist = edit_distance(key, name);
		if (dist < best_dist) {
			best_dist = dist;
			best = name;
		}
		/* require_perm for require_permissions, or a key with a
		 * tail: allowed_orgs_list. */
		olen = strlen(name);
		if (klen >= 4 && (klen < olen ?
				  strncmp(name, key, klen) == 0 :
				  strncmp(key, name, olen) == 0)) {
			prefixed = name;
			nprefixed++;
		}
	}
	/* One typo in a short name, two in a longer one. */
	if (best != NULL && best_dist <= (klen <= 5 ? 1u : 2u))
		return best;
	return nprefixed == 1 ? prefixed : NULL;
}

kinde_err_t
config_error(kinde_config_t *cfg, kinde_err_t err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errrec_vwrite(&cfg->err, fmt, ap);
	va_end(ap);
	return err;
}

const char *
kinde_config_error(const kinde_config_t *cfg)
{
	return errrec_msg(&cfg->err);
}

kinde_config_t *
kinde_config_new(void)
{
	kinde_config_t *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	cfg->algorithms = ALG_DEFAULT_SET;
	cfg->leeway = 60;
	cfg->token_types = KINDE_TOKEN_USER | KINDE_TOKEN_M2M;
	cfg->mode = KINDE_MODE_AUTO;
	cfg->audit = KINDE_AUDIT_TEXT;
	cfg->apikey_cache_ttl = 60;
	cfg->apikey_negative_ttl = 10;
	cfg->account_cache_ttl = 60;
	cfg->device_timeout = 90;
	cfg->device_qr = true;
	cfg->connect_timeout = 5;
	cfg->timeout = 10;
	cfg->jwks_max_stale = 86400;
	cfg->jwks_max_age = 86400;
	cfg->jwks_refetch_cooldown = 60;
	cfg->user_claim = strdup("sub");
	cfg->prompt = strdup(KINDE_DEFAULT_PROMPT);
	cfg->cache_dir = strdup(KINDE_CACHE_DIR);
	cfg->ratelimit_apikey = (struct kinde_limit_rule){ 100, 60 };
	cfg->ratelimit_rhost = (struct kinde_limit_rule){ 10, 60 };
	cfg->ratelimit_verify = (struct kinde_limit_rule){ 60, 60 };
	cfg->lockout_interval = 900;
	cfg->lockout_unlock_time = 600;
	cfg->state_dir = strdup(KINDE_STATE_DIR);
	if (cfg->user_claim == NULL || cfg->prompt == NULL ||
	    cfg->cache_dir == NULL || cfg->state_dir == NULL) {
		kinde_config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
kinde_config_free(kinde_config_t *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < KINDE_ARRAY_SIZE(options); i++) {
		void *field = (char *)cfg + options[i].offset;

		switch (options[i].type) {
		case OT_STRING:
		case OT_URL:
		case OT_PATH:
			free(*(char **)field);
			break;
		case OT_LIST:
			strlist_clear(field);
			break;
		default:
			break;
		}
	}
	denylist_free(cfg->deny);
	free(cfg);
}

void
kinde_config_set_log(kinde_config_t *cfg, kinde_log_fn fn, void *ctx)
{
	cfg->log_fn = fn;
	cfg->log_ctx = ctx;
}

void
kinde_config_begin_source(kinde_config_t *cfg, const char *name)
{
	cfg->source_gen++;
	kinde_fmt(cfg->source, sizeof(cfg->source), "%s", name);
}

static bool
has_control_or_space(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* One parser a type of option: each sets the field or records why not. */

/*
 * A URL option: a bare host gets https://, plain http is refused (the
 * key set must come over TLS), trailing slashes go from a domain.  The
 * issuer is kept byte for byte: it is compared, not fetched.  The scheme
 * is matched in lower case only, as written by every Kinde page:
 * "HTTPS://x" is refused as "not an https URL".
 */
static kinde_err_t
set_url(kinde_config_t *cfg, const struct kinde_option *o, const char *value,
	void *field)
{
	const char *host;
	size_t len;
	char *u;

	if (value[0] == '\0' || has_control_or_space(value))
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not a URL", o->name, value);
	if (strncmp(value, "http://", 7) == 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: %s uses http; only https is allowed",
				    o->name, value);
	if (strstr(value, "://") != NULL && !is_https_url(value, false))
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: %s is not an https URL", o->name,
				    value);
	if (is_https_url(value, false)) {
		u = strdup(value);
	} else {
		u = malloc(strlen(value) + 9);
		if (u != NULL)
			kinde_fmt(u, strlen(value) + 9, "https://%s", value);
	}
	if (u == NULL)
		return KINDE_E_NOMEM;
	host = u + 8;
	if (*host == '\0' || *host == '/' || strchr(host, '@') != NULL) {
		free(u);
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" has no usable host", o->name,
				    value);
	}
	if (strcmp(o->name, "domain") == 0) {
		len = strlen(u);
		while (len > 9 && u[len - 1] == '/')
			u[--len] = '\0';
	}
	free(*(char **)field);
	*(char **)field = u;
	return KINDE_OK;
}

/* OT_STRING and OT_PATH: a copy.  No string option means anything when
 * empty: "prompt =" or "strip_domain =" is an unfinished line, not a
 * setting. */
static kinde_err_t
set_string(kinde_config_t *cfg, const struct kinde_option *o,
	   const char *value, void *field)
{
	char *s;

	if (o->type == OT_STRING && value[0] == '\0')
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: an empty value means nothing here; remove the line for the default",
				    o->name);
	if (o->type == OT_PATH && value[0] != '/')
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not an absolute path",
				    o->name, value);
	if ((s = strdup(value)) == NULL)
		return KINDE_E_NOMEM;
	free(*(char **)field);
	*(char **)field = s;
	return KINDE_OK;
}

static kinde_err_t
set_list(kinde_config_t *cfg, const struct kinde_option *o,
	 const char *value, void *field)
{
	struct strlist *l = field;
	kinde_err_t rc;

	/* The first value from a newer source replaces, so module
	 * arguments win over the file. */
	if (l->gen != cfg->source_gen) {
		strlist_clear(l);
		l->gen = cfg->source_gen;
	}
	rc = strlist_add_words(l, value);
	if (rc == KINDE_E_CONFIG)
		return config_error(cfg, rc, "%s: a value is too long",
				    o->name);
	return rc;
}

/* 0 and *out set, or -1. */
static int
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static kinde_err_t
set_bool(kinde_config_t *cfg, const struct kinde_option *o,
	 const char *value, void *field)
{
	if (value == NULL) {
		*(bool *)field = true;
		return KINDE_OK;
	}
	if (parse_bool(value, field) != 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not a boolean (yes/no)",
				    o->name, value);
	return KINDE_OK;
}

/* A decimal integer in [min, max] into *out: 0, or -1. */
static int
parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)v[0]) && v[0] != '-')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static kinde_err_t
set_int(kinde_config_t *cfg, const struct kinde_option *o, const char *value,
	void *field)
{
	if (parse_long(value, o->min, o->max, field) != 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not an integer in %ld..%ld",
				    o->name, value, o->min, o->max);
	return KINDE_OK;
}

static kinde_err_t
set_algs(kinde_config_t *cfg, const struct kinde_option *o,
	 const char *value, void *field)
{
	unsigned set;
	char bad[128];
	bool sym;

	(void)o;
	/* Parsed aside: a refused value leaves the allowlist as it was,
	 * never empty (an empty one would allow nothing, and jws_parse
	 * reads 0 as "decode only"). */
	if (alg_parse_set(value, &set, bad, sizeof(bad)) != 0) {
		sym = strncasecmp(bad, "HS", 2) == 0 ||
		      strcasecmp(bad, "none") == 0;
		return config_error(cfg, KINDE_E_CONFIG,
				    "algorithms: \"%s\" is %s (supported: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA, Ed25519)",
				    bad, sym ? "never accepted" :
				    "not supported");
	}
	*(unsigned *)field = set;
	return KINDE_OK;
}

/* The index of v among o->words, or -1. */
static int
word_index(const struct kinde_option *o, const char *v)
{
	int i;

	for (i = 0; o->words[i] != NULL; i++)
		if (strcmp(v, o->words[i]) == 0)
			return i;
	return -1;
}

/* o->words joined by ", ", for the messages. */
static void
words_join(const struct kinde_option *o, char *buf, size_t len)
{
	size_t n = 0;

	while (o->words[n] != NULL)
		n++;
	strlist_join(o->words, n, ", ", buf, len);
}

static kinde_err_t
set_enum(kinde_config_t *cfg, const struct kinde_option *o,
	 const char *value, void *field)
{
	int e = word_index(o, value);
	char list[128];

	if (e < 0) {
		words_join(o, list, sizeof(list));
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not one of %s", o->name,
				    value, list);
	}
	*(int *)field = e;
	return KINDE_OK;
}

/* A list of o->words, at least one: their bits (1 << index). */
static kinde_err_t
set_flags(kinde_config_t *cfg, const struct kinde_option *o,
	  const char *value, void *field)
{
	struct strlist w = { 0 };
	unsigned set = 0;
	char list[128];
	size_t i;
	int e, bad = strlist_add_words(&w, value) != KINDE_OK;

	for (i = 0; !bad && i < w.n; i++) {
		e = word_index(o, w.v[i]);
		if (e < 0)
			bad = 1;
		else
			set |= 1u << e;
	}
	strlist_clear(&w);	/* also the words before a bad one */
	if (bad || set == 0) {
		words_join(o, list, sizeof(list));
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not a list of %s", o->name,
				    value, list);
	}
	*(unsigned *)field = set;
	return KINDE_OK;
}

/*
 * "N/SECONDS" (N attempts within SECONDS, a sliding window) or "off".
 * Strict: digits only, no sign, no spaces, no unit; N within the
 * option's bounds, SECONDS within a week.  "0/60" is refused, not read
 * as off: a limit of nothing would refuse every login.
 */
static kinde_err_t
set_rate(kinde_config_t *cfg, const struct kinde_option *o, const char *v,
	 void *field)
{
	struct kinde_limit_rule *out = field;
	const char *slash = strchr(v, '/');
	char n[24];
	long cnt, secs;
	size_t len;

	if (strcasecmp(v, "off") == 0) {
		*out = (struct kinde_limit_rule){ 0, 0 };
		return KINDE_OK;
	}
	len = slash != NULL ? (size_t)(slash - v) : 0;
	if (slash == NULL || len == 0 || len >= sizeof(n) ||
	    strspn(v, "0123456789") != len ||
	    slash[1] == '\0' || strspn(slash + 1, "0123456789") !=
	    strlen(slash + 1))
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\" is not N/SECONDS (e.g. 10/60) or off",
				    o->name, v);
	memcpy(n, v, len);
	n[len] = '\0';
	if (parse_long(n, o->min, o->max, &cnt) != 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\": N must be in %ld..%ld (or off)",
				    o->name, v, o->min, o->max);
	if (parse_long(slash + 1, 1, 7 * 86400, &secs) != 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\": SECONDS must be in 1..%d",
				    o->name, v, 7 * 86400);
	out->n = cnt;
	out->seconds = secs;
	return KINDE_OK;
}

typedef kinde_err_t (*option_setter)(kinde_config_t *cfg,
				     const struct kinde_option *o,
				     const char *value, void *field);

static const option_setter setters[] = {
	[OT_STRING] = set_string, [OT_URL] = set_url, [OT_PATH] = set_string,
	[OT_LIST] = set_list, [OT_BOOL] = set_bool, [OT_INT] = set_int,
	[OT_ALGS] = set_algs, [OT_FLAGS] = set_flags, [OT_ENUM] = set_enum,
	[OT_RATE] = set_rate,
};

/* An unknown key is refused, never skipped: a misspelt policy key
 * (require_scope) would otherwise leave its policy silently unset. */
static kinde_err_t
unknown_option(kinde_config_t *cfg, const char *key)
{
	const char *near = kinde_config_suggest(key);
	char bad[128];

	kinde_escape(key, bad, sizeof(bad));
	if (near != NULL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "unknown option \"%s\"; did you mean \"%s\"?",
				    bad, near);
	return config_error(cfg, KINDE_E_CONFIG,
			    "unknown option \"%s\" (see pam_kinde.conf(5))",
			    bad);
}

kinde_err_t
kinde_config_set(kinde_config_t *cfg, const char *key, const char *value)
{
	const struct kinde_option *o = kinde_config_option(key);

	if (o == NULL)
		return unknown_option(cfg, key);
	if (value == NULL && o->type != OT_BOOL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: needs a value (%s=...)", key, key);
	return setters[o->type](cfg, o, value, (char *)cfg + o->offset);
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Parses `key = value` lines of buf (modified in place), naming errors
 * after path. */
static kinde_err_t
parse_lines(kinde_config_t *cfg, const char *path, char *buf)
{
	char *line, *next, *key, *value, *eq;
	kinde_err_t rc = KINDE_OK;
	unsigned lineno = 0;
	size_t vlen;

	for (line = buf; line != NULL && rc == KINDE_OK; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strlen(line) > CONFIG_MAX_LINE) {
			rc = config_error(cfg, KINDE_E_CONFIG,
					  "%s:%u: line too long", path, lineno);
			break;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		value = NULL;
		if (eq != NULL) {
			*eq = '\0';
			value = trim(eq + 1);
			vlen = strlen(value);
			/* "..." keeps leading or trailing spaces (prompts). */
			if (vlen >= 2 && value[0] == '"' &&
			    value[vlen - 1] == '"') {
				value[vlen - 1] = '\0';
				value++;
			}
		}
		key = trim(key);
		rc = kinde_config_set(cfg, key, value);
		/* Say where: prefix the message with file:line. */
		if (rc != KINDE_OK)
			errrec_prefix(&cfg->err, "%s:%u: ", path, lineno);
	}
	return rc;
}

kinde_err_t
config_parse_buffer(kinde_config_t *cfg, const char *name, const char *text,
		    size_t len)
{
	kinde_err_t rc;
	char *buf;

	if (len > CONFIG_MAX_SIZE)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: larger than %d bytes", name,
				    CONFIG_MAX_SIZE);
	if (memchr(text, '\0', len) != NULL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: contains a NUL byte", name);
	buf = malloc(len + 1);
	if (buf == NULL)
		return KINDE_E_NOMEM;
	memcpy(buf, text, len);
	buf[len] = '\0';
	kinde_config_begin_source(cfg, name);
	rc = parse_lines(cfg, name, buf);
	free(buf);
	return rc;
}

kinde_err_t
kinde_config_load_file(kinde_config_t *cfg, const char *path, bool missing_ok)
{
	struct errrec err = { "" };
	char *buf = NULL;
	kinde_err_t rc;
	bool missing;
	size_t len;

	rc = safefile_read(path, FILE_TRUSTED, CONFIG_MAX_SIZE, &buf, &len,
			   &missing, &err);
	if (rc != KINDE_OK) {
		if (missing && missing_ok)
			return KINDE_OK;
		return config_error(cfg, rc == KINDE_E_IO ? KINDE_E_CONFIG : rc,
				    "%s", errrec_msg(&err));
	}
	kinde_config_begin_source(cfg, path);
	rc = parse_lines(cfg, path, buf);
	free(buf);
	return rc;
}

static kinde_err_t
check_trusted_file(kinde_config_t *cfg, const char *key, const char *path,
		   enum file_policy policy)
{
	struct errrec err = { "" };
	kinde_err_t rc;

	if (path == NULL)
		return KINDE_OK;
	rc = safefile_check_path(path, policy, NULL, &err);
	if (rc == KINDE_E_IO)
		rc = KINDE_E_CONFIG;
	if (rc != KINDE_OK)
		return config_error(cfg, rc, "%s %s", key, errrec_msg(&err));
	return KINDE_OK;
}

static kinde_err_t
load_deny_file(kinde_config_t *cfg)
{
	struct errrec err = { "" };
	kinde_err_t rc;

	denylist_free(cfg->deny);
	cfg->deny = NULL;
	rc = denylist_load(cfg->deny_file, &cfg->deny, &err);
	if (rc != KINDE_OK)
		return config_error(cfg, rc, "deny_file %s", errrec_msg(&err));
	return KINDE_OK;
}

kinde_err_t
kinde_config_finish(kinde_config_t *cfg)
{
	kinde_err_t rc;

	if (cfg->domain == NULL && cfg->issuer != NULL &&
	    (cfg->domain = strdup(cfg->issuer)) == NULL)
		return KINDE_E_NOMEM;
	if (cfg->issuer == NULL && cfg->domain != NULL &&
	    (cfg->issuer = strdup(cfg->domain)) == NULL)
		return KINDE_E_NOMEM;
	if (cfg->issuer == NULL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "no issuer: set domain (or issuer)");
	if (cfg->issuer[strlen(cfg->issuer) - 1] == '/')
		kinde_log(cfg, LOG_WARNING,
			  "issuer %s ends with '/': Kinde issuers do not, "
			  "so tokens will not match", cfg->issuer);
	if ((cfg->client_id == NULL) != (cfg->client_secret_file == NULL) &&
	    cfg->client_secret_file != NULL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "client_secret_file is set but client_id is not");
	if (cfg->mode == KINDE_MODE_DEVICE && cfg->device_client_id == NULL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "mode=device needs device_client_id");
	if (cfg->use_first_pass && cfg->try_first_pass)
		return config_error(cfg, KINDE_E_CONFIG,
				    "use_first_pass and try_first_pass exclude each other");
	/*
	 * The files the config trusts are judged now, on every load: a
	 * secret others can read is exposed whether or not this login needs
	 * it, and a CA others can change decides whose key sets are believed.
	 */
	rc = check_trusted_file(cfg, "client_secret_file",
				cfg->client_secret_file, FILE_SECRET);
	if (rc == KINDE_OK)
		rc = check_trusted_file(cfg, "ca_file", cfg->ca_file,
					FILE_TRUSTED);
	/* Read on every load, so an entry added refuses the next login. */
	if (rc == KINDE_OK && cfg->deny_file != NULL)
		rc = load_deny_file(cfg);
	return rc;
}

kinde_err_t
kinde_config_check_policy(kinde_config_t *cfg)
{
	/* A key carries no permission: require_permissions refuses them
	 * all.  Only require_scopes restricts which keys log in; audience,
	 * client ids and token types do not apply to keys. */
	bool keys_restricted = cfg->require_scopes.n > 0 ||
			       cfg->require_permissions.n > 0;
	bool tokens = cfg->mode != KINDE_MODE_APIKEY;
	/* mode=auto takes API keys once M2M credentials are configured. */
	bool keys = cfg->mode == KINDE_MODE_APIKEY ||
		    (cfg->mode == KINDE_MODE_AUTO && cfg->client_id != NULL);

	if (cfg->allow_any_token)
		return KINDE_OK;
	if (tokens && !keys_restricted && cfg->audience.n == 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "no audience, require_scopes or require_permissions: every access token the issuer signs, for any application, would log in; set one, or allow_any_token = yes if that is meant");
	if (keys && !keys_restricted)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s without require_scopes: every active API key of the issuer would log in (audience does not apply to keys); set require_scopes%s, or allow_any_token = yes if that is meant",
				    cfg->mode == KINDE_MODE_APIKEY ? "mode=apikey" :
				    "API keys (client_id is set, mode=auto)",
				    cfg->mode == KINDE_MODE_AUTO ? " or mode = token" : "");
	return KINDE_OK;
}
