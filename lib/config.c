/*
 * config.c - the option table, value parsing and the config file reader.
 */
#include "kinde-build.h"

#include "config.h"
#include "alg.h"
#include "denylist.h"
#include "log.h"
#include "safefile.h"

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

static const struct kinde_option options[] = {
	{ "domain", OPT_URL, OFF(domain), 0, 0,
	  "Kinde domain, https://<sub>.kinde.com or a custom domain" },
	{ "issuer", OPT_URL, OFF(issuer), 0, 0,
	  "expected iss claim, byte for byte (default: domain)" },
	{ "jwks_uri", OPT_URL, OFF(jwks_uri), 0, 0,
	  "key set URL (default: from discovery, else <domain>/.well-known/jwks)" },
	{ "jwks_file", OPT_PATH, OFF(jwks_file), 0, 0,
	  "pinned local key set; no network (air-gapped hosts)" },
	{ "audience", OPT_LIST, OFF(audience), 0, 0,
	  "accepted aud values, any of (default: not checked)" },
	{ "algorithms", OPT_ALGS, OFF(algorithms), 0, 0,
	  "allowed JWS algorithms (default RS256)" },
	{ "leeway", OPT_INT, OFF(leeway), 0, 3600,
	  "clock skew tolerance in seconds (default 60)" },
	{ "require_scopes", OPT_LIST, OFF(require_scopes), 0, 0,
	  "scopes the token or API key must all carry" },
	{ "require_permissions", OPT_LIST, OFF(require_permissions), 0, 0,
	  "permissions the token must all carry" },
	{ "allowed_orgs", OPT_LIST, OFF(allowed_orgs), 0, 0,
	  "org codes accepted, any of (default: any)" },
	{ "allowed_client_ids", OPT_LIST, OFF(allowed_client_ids), 0, 0,
	  "azp (client id) values accepted, any of (default: any)" },
	{ "token_types", OPT_TOKEN_TYPES, OFF(token_types), 0, 0,
	  "user, m2m or both (default both)" },
	{ "allow_any_token", OPT_BOOL, OFF(allow_any_token), 0, 0,
	  "allow a policy with no audience, required scope or permission" },
	{ "user_claim", OPT_STRING, OFF(user_claim), 0, 0,
	  "claim naming the local user (default sub)" },
	{ "user_map_file", OPT_PATH, OFF(user_map_file), 0, 0,
	  "file of '<value> <user>[,<user>...]' lines" },
	{ "strip_domain", OPT_STRING, OFF(strip_domain), 0, 0,
	  "remove @<domain> from the mapped value (email claims)" },
	{ "mode", OPT_MODE, OFF(mode), 0, 0,
	  "auto, token, apikey or device (default auto)" },
	{ "prompt", OPT_STRING, OFF(prompt), 0, 0,
	  "conversation prompt" },
	{ "use_first_pass", OPT_BOOL, OFF(use_first_pass), 0, 0,
	  "take the secret from an earlier module, never prompt" },
	{ "try_first_pass", OPT_BOOL, OFF(try_first_pass), 0, 0,
	  "take the secret from an earlier module, else prompt" },
	{ "account_requires_auth", OPT_BOOL, OFF(account_requires_auth), 0, 0,
	  "account stage denies logins that did not authenticate here" },
	{ "audit", OPT_AUDIT, OFF(audit), 0, 0,
	  "decision log format: text or json (default text)" },
	{ "debug", OPT_BOOL, OFF(debug), 0, 0,
	  "log every check" },
	{ "client_id", OPT_STRING, OFF(client_id), 0, 0,
	  "M2M application client id" },
	{ "client_secret_file", OPT_PATH, OFF(client_secret_file), 0, 0,
	  "file holding the M2M client secret (root-owned, 0600)" },
	{ "m2m_audience", OPT_LIST, OFF(m2m_audience), 0, 0,
	  "audiences of M2M tokens (default <domain>/api)" },
	{ "m2m_scope", OPT_LIST, OFF(m2m_scope), 0, 0,
	  "scopes to request for M2M tokens" },
	{ "apikey_cache_ttl", OPT_INT, OFF(apikey_cache_ttl), 0, 3600,
	  "seconds an accepted API key is remembered (default 60)" },
	{ "apikey_negative_ttl", OPT_INT, OFF(apikey_negative_ttl), 0, 3600,
	  "seconds a refused API key is remembered (default 10)" },
	{ "device_client_id", OPT_STRING, OFF(device_client_id), 0, 0,
	  "client id of the application used for device logins" },
	{ "device_scope", OPT_LIST, OFF(device_scope), 0, 0,
	  "scopes a device login requests (default: openid and require_scopes)" },
	{ "device_audience", OPT_LIST, OFF(device_audience), 0, 0,
	  "audiences a device login requests (default: audience)" },
	{ "device_timeout", OPT_INT, OFF(device_timeout), 10, 600,
	  "seconds a device login waits for approval (default 90)" },
	{ "cache_dir", OPT_PATH, OFF(cache_dir), 0, 0,
	  "on-disk cache directory (default " KINDE_CACHE_DIR ")" },
	{ "ca_file", OPT_PATH, OFF(ca_file), 0, 0,
	  "CA bundle for the issuer's certificate (default: system)" },
	{ "proxy", OPT_STRING, OFF(proxy), 0, 0,
	  "HTTPS proxy URL; environment proxies are ignored" },
	{ "connect_timeout", OPT_INT, OFF(connect_timeout), 1, 60,
	  "seconds to connect (default 5)" },
	{ "timeout", OPT_INT, OFF(timeout), 1, 110,
	  "seconds for a whole request (default 10)" },
	{ "jwks_max_stale", OPT_INT, OFF(jwks_max_stale), 0, 7 * 86400,
	  "seconds a key set is used past its lifetime when the issuer is down (default 86400)" },
	{ "jwks_max_age", OPT_INT, OFF(jwks_max_age), 60, 86400,
	  "seconds a fetched key set is trusted at most, whatever the issuer's max-age (default 86400)" },
	{ "jwks_refetch_cooldown", OPT_INT, OFF(jwks_refetch_cooldown), 1, 86400,
	  "minimum seconds between refetches for unknown kids (default 60)" },
	{ "net_module", OPT_PATH, OFF(net_module), 0, 0,
	  "the HTTPS transport plugin loaded on a cold cache" },
	{ "deny_file", OPT_PATH, OFF(deny_file), 0, 0,
	  "file of 'sub|key_id|jti|kid VALUE' lines refused at once (root-owned)" },
	{ "ratelimit_apikey", OPT_RATE, OFF(ratelimit_apikey), 1, 100000,
	  "attempts per API key, N/SECONDS or off (default 100/60)" },
	{ "ratelimit_rhost", OPT_RATE, OFF(ratelimit_rhost), 1, 100000,
	  "attempts reaching the issuer per remote host (default 10/60)" },
	{ "ratelimit_user", OPT_RATE, OFF(ratelimit_user), 1, 100000,
	  "attempts per local user, N/SECONDS or off (default off)" },
	{ "ratelimit_verify", OPT_RATE, OFF(ratelimit_verify), 1, 100000,
	  "host-wide API-key verifications sent to the issuer (default 60/60)" },
	{ "lockout_deny", OPT_INT, OFF(lockout_deny), 0, 1000,
	  "failures within lockout_interval that lock the user (default 0: off)" },
	{ "lockout_interval", OPT_INT, OFF(lockout_interval), 1, 7 * 86400,
	  "seconds within which lockout_deny failures lock (default 900)" },
	{ "lockout_unlock_time", OPT_INT, OFF(lockout_unlock_time), 1, 7 * 86400,
	  "seconds a locked user stays locked (default 600)" },
	{ "lockout_even_deny_root", OPT_BOOL, OFF(lockout_even_deny_root), 0, 0,
	  "lock root out too (default no)" },
	{ "state_dir", OPT_PATH, OFF(state_dir), 0, 0,
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

	if (cfg->err[0] == '\0') {
		va_start(ap, fmt);
		kinde_vfmt(cfg->err, sizeof(cfg->err), fmt, ap);
		va_end(ap);
	}
	return err;
}

const char *
kinde_config_error(const kinde_config_t *cfg)
{
	return cfg->err;
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
	cfg->mode = MODE_AUTO;
	cfg->audit = AUDIT_TEXT;
	cfg->apikey_cache_ttl = 60;
	cfg->apikey_negative_ttl = 10;
	cfg->device_timeout = 90;
	cfg->connect_timeout = 5;
	cfg->timeout = 10;
	cfg->jwks_max_stale = 86400;
	cfg->jwks_max_age = 86400;
	cfg->jwks_refetch_cooldown = 60;
	cfg->user_claim = strdup("sub");
	cfg->prompt = strdup(KINDE_DEFAULT_PROMPT);
	cfg->cache_dir = strdup(KINDE_CACHE_DIR);
	cfg->ratelimit_apikey = (struct limit_rule){ 100, 60 };
	cfg->ratelimit_rhost = (struct limit_rule){ 10, 60 };
	cfg->ratelimit_verify = (struct limit_rule){ 60, 60 };
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
		case OPT_STRING:
		case OPT_URL:
		case OPT_PATH:
			free(*(char **)field);
			break;
		case OPT_LIST:
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

/*
 * Normalises a URL option: a bare host gets https://, plain http is
 * refused (the key set must come over TLS), trailing slashes go from a
 * domain.  The issuer is kept byte for byte: it is compared, not fetched.
 */
static kinde_err_t
parse_url(kinde_config_t *cfg, const struct kinde_option *o,
	  const char *value, char **out)
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
	if (strstr(value, "://") != NULL && strncmp(value, "https://", 8) != 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: %s is not an https URL", o->name,
				    value);
	if (strncmp(value, "https://", 8) == 0) {
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
	*out = u;
	return KINDE_OK;
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool
parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)v[0]) && v[0] != '-')
		return false;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return false;
	*out = n;
	return true;
}

/*
 * "N/SECONDS" (N attempts within SECONDS, a sliding window) or "off".
 * Strict: digits only, no sign, no spaces, no unit; N within the
 * option's bounds, SECONDS within a week.  "0/60" is refused, not read
 * as off: a limit of nothing would refuse every login.
 */
static kinde_err_t
parse_rate(kinde_config_t *cfg, const struct kinde_option *o,
	   const char *v, struct limit_rule *out)
{
	const char *slash = strchr(v, '/');
	char n[24];
	long cnt, secs;
	size_t len;

	if (strcasecmp(v, "off") == 0) {
		*out = (struct limit_rule){ 0, 0 };
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
	if (!parse_long(n, o->min, o->max, &cnt))
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\": N must be in %ld..%ld (or off)",
				    o->name, v, o->min, o->max);
	if (!parse_long(slash + 1, 1, 7 * 86400, &secs))
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: \"%s\": SECONDS must be in 1..%d",
				    o->name, v, 7 * 86400);
	out->n = cnt;
	out->seconds = secs;
	return KINDE_OK;
}

static int
parse_token_types(const char *v, unsigned *out)
{
	struct strlist w = { 0 };
	unsigned set = 0;
	size_t i;
	int rc = 0;

	if (strlist_add_words(&w, v) != 0) {
		strlist_clear(&w);	/* words before the bad one */
		return -1;
	}
	for (i = 0; i < w.n; i++) {
		if (strcmp(w.v[i], "user") == 0)
			set |= KINDE_TOKEN_USER;
		else if (strcmp(w.v[i], "m2m") == 0)
			set |= KINDE_TOKEN_M2M;
		else
			rc = -1;
	}
	strlist_clear(&w);
	if (rc == 0 && set == 0)
		rc = -1;
	*out = set;
	return rc;
}

static int
parse_enum(const char *v, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

kinde_err_t
kinde_config_set(kinde_config_t *cfg, const char *key, const char *value)
{
	static const char *const modes[] = { "auto", "token", "apikey",
					     "device" };
	static const char *const audits[] = { "text", "json" };
	const struct kinde_option *o = kinde_config_option(key);
	kinde_err_t rc = KINDE_OK;
	char bad[128];
	void *field;
	char *s = NULL;
	int e;

	/* An unknown key is refused, never skipped: a misspelt policy key
	 * (require_scope) would otherwise leave its policy silently unset. */
	if (o == NULL) {
		const char *near = kinde_config_suggest(key);

		kinde_escape(key, bad, sizeof(bad));
		if (near != NULL)
			return config_error(cfg, KINDE_E_CONFIG,
					    "unknown option \"%s\"; did you mean \"%s\"?",
					    bad, near);
		return config_error(cfg, KINDE_E_CONFIG,
				    "unknown option \"%s\" (see pam_kinde.conf(5))",
				    bad);
	}
	field = (char *)cfg + o->offset;
	if (value == NULL && o->type != OPT_BOOL)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s: needs a value (%s=...)", key, key);

	switch (o->type) {
	case OPT_STRING:
	case OPT_PATH:
		/* No string option means anything when empty: "prompt =" or
		 * "strip_domain =" is an unfinished line, not a setting. */
		if (o->type == OPT_STRING && value[0] == '\0')
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: an empty value means nothing here; remove the line for the default",
					    key);
		if (o->type == OPT_PATH && value[0] != '/')
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: \"%s\" is not an absolute path",
					    key, value);
		if ((s = strdup(value)) == NULL)
			return KINDE_E_NOMEM;
		free(*(char **)field);
		*(char **)field = s;
		break;
	case OPT_URL:
		rc = parse_url(cfg, o, value, &s);
		if (rc != KINDE_OK)
			return rc;
		free(*(char **)field);
		*(char **)field = s;
		break;
	case OPT_LIST: {
		struct strlist *l = field;

		/* The first value from a newer source replaces, so module
		 * arguments win over the file. */
		if (l->gen != cfg->source_gen) {
			strlist_clear(l);
			l->gen = cfg->source_gen;
		}
		e = strlist_add_words(l, value);
		if (e == -1)
			return KINDE_E_NOMEM;
		if (e != 0)
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: a value is too long", key);
		break;
	}
	case OPT_BOOL:
		if (value == NULL) {
			*(bool *)field = true;
		} else if (!parse_bool(value, field)) {
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: \"%s\" is not a boolean (yes/no)",
					    key, value);
		}
		break;
	case OPT_INT:
		if (!parse_long(value, o->min, o->max, field))
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: \"%s\" is not an integer in %ld..%ld",
					    key, value, o->min, o->max);
		break;
	case OPT_ALGS: {
		unsigned set;

		/* Parsed aside: a refused value leaves the allowlist as it
		 * was, never empty (an empty one would allow nothing, and
		 * jws_parse reads 0 as "decode only"). */
		if (alg_parse_set(value, &set, bad, sizeof(bad)) != 0) {
			bool sym = strncasecmp(bad, "HS", 2) == 0 ||
				   strcasecmp(bad, "none") == 0;

			return config_error(cfg, KINDE_E_CONFIG,
					    "algorithms: \"%s\" is %s (supported: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA, Ed25519)",
					    bad, sym ? "never accepted" :
					    "not supported");
		}
		*(unsigned *)field = set;
		break;
	}
	case OPT_TOKEN_TYPES: {
		unsigned types;

		if (parse_token_types(value, &types) != 0)
			return config_error(cfg, KINDE_E_CONFIG,
					    "token_types: \"%s\" is not a list of user, m2m",
					    value);
		*(unsigned *)field = types;
		break;
	}
	case OPT_MODE:
	case OPT_AUDIT:
		e = o->type == OPT_MODE ?
		    parse_enum(value, modes, KINDE_ARRAY_SIZE(modes)) :
		    parse_enum(value, audits, KINDE_ARRAY_SIZE(audits));
		if (e < 0)
			return config_error(cfg, KINDE_E_CONFIG,
					    "%s: \"%s\" is not one of %s", key,
					    value, o->type == OPT_MODE ?
					    "auto, token, apikey, device" :
					    "text, json");
		*(int *)field = e;
		break;
	case OPT_RATE:
		rc = parse_rate(cfg, o, value, field);
		break;
	}
	return rc;
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
	char *line, *next, *key, *value, *eq, err[512];
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
		if (rc != KINDE_OK) {
			/* Say where: prefix the message with file:line. */
			kinde_fmt(err, sizeof(err), "%s:%u: %s", path, lineno,
				  cfg->err);
			kinde_fmt(cfg->err, sizeof(cfg->err), "%s", err);
		}
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
	char *buf = NULL, err[512];
	kinde_err_t rc;
	bool missing;
	size_t len;

	rc = safefile_read(path, FILE_TRUSTED, CONFIG_MAX_SIZE, &buf, &len,
			   &missing, err, sizeof(err));
	if (rc != KINDE_OK) {
		if (missing && missing_ok)
			return KINDE_OK;
		return config_error(cfg, rc == KINDE_E_IO ? KINDE_E_CONFIG : rc,
				    "%s", err);
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
	char err[512];
	kinde_err_t rc;

	if (path == NULL)
		return KINDE_OK;
	rc = safefile_check_path(path, policy, NULL, err, sizeof(err));
	if (rc == KINDE_E_IO)
		rc = KINDE_E_CONFIG;
	if (rc != KINDE_OK)
		return config_error(cfg, rc, "%s %s", key, err);
	return KINDE_OK;
}

static kinde_err_t
load_deny_file(kinde_config_t *cfg)
{
	char err[512];
	kinde_err_t rc;

	denylist_free(cfg->deny);
	cfg->deny = NULL;
	rc = denylist_load(cfg->deny_file, &cfg->deny, err, sizeof(err));
	if (rc != KINDE_OK)
		return config_error(cfg, rc, "deny_file %s", err);
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
	if (cfg->mode == MODE_DEVICE && cfg->device_client_id == NULL)
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
	bool tokens = cfg->mode != MODE_APIKEY;
	/* mode=auto takes API keys once M2M credentials are configured. */
	bool keys = cfg->mode == MODE_APIKEY ||
		    (cfg->mode == MODE_AUTO && cfg->client_id != NULL);

	if (cfg->allow_any_token)
		return KINDE_OK;
	if (tokens && !keys_restricted && cfg->audience.n == 0)
		return config_error(cfg, KINDE_E_CONFIG,
				    "no audience, require_scopes or require_permissions: every access token the issuer signs, for any application, would log in; set one, or allow_any_token = yes if that is meant");
	if (keys && !keys_restricted)
		return config_error(cfg, KINDE_E_CONFIG,
				    "%s without require_scopes: every active API key of the issuer would log in (audience does not apply to keys); set require_scopes%s, or allow_any_token = yes if that is meant",
				    cfg->mode == MODE_APIKEY ? "mode=apikey" :
				    "API keys (client_id is set, mode=auto)",
				    cfg->mode == MODE_AUTO ? " or mode = token" : "");
	return KINDE_OK;
}
