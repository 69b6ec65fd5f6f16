/*
 * config.h - the configuration every part reads, and its option table.
 * One table serves the config file, PAM module arguments and kinde-auth's
 * options, so a key means the same thing everywhere.
 */
#ifndef KINDE_CONFIG_H
#define KINDE_CONFIG_H

#include "kinde.h"
#include "errrec.h"
#include "limiter.h"
#include "util.h"

#define KINDE_DEFAULT_PROMPT "Kinde access token or API key: "

struct denylist;

struct kinde_config {
	/* Issuer and keys */
	char *domain;		/* https://x.kinde.com, no trailing slash */
	char *issuer;		/* byte-exact iss; defaults to domain */
	char *jwks_uri;
	char *jwks_file;

	/* Token policy */
	struct strlist audience;
	unsigned algorithms;	/* ALG_BIT mask */
	long leeway;
	struct strlist require_scopes;
	struct strlist require_permissions;
	struct strlist allowed_orgs;
	struct strlist allowed_client_ids;
	struct strlist require_roles;	/* role keys, all of */
	struct strlist allowed_roles;	/* role keys, any of */
	unsigned token_types;	/* KINDE_TOKEN_* mask */
	bool allow_any_token;	/* no audience, scope, permission: meant */

	/* Login (PAM) */
	char *user_claim;
	char *user_map_file;
	char *strip_domain;
	enum kinde_mode mode;
	char *prompt;
	bool use_first_pass;
	bool try_first_pass;
	bool account_requires_auth;
	/* The account stage asks Kinde (account.c). */
	enum kinde_account_check account_check;
	long account_cache_ttl;
	long account_max_stale;
	enum kinde_audit audit;
	bool debug;

	/* M2M client and API keys */
	char *client_id;
	char *client_secret_file;
	struct strlist m2m_audience;
	struct strlist m2m_scope;
	long apikey_cache_ttl;
	long apikey_negative_ttl;

	/* Device login (RFC 8628) */
	char *device_client_id;
	struct strlist device_scope;
	struct strlist device_audience;
	long device_timeout;
	bool device_qr;

	/* Network and caches */
	char *cache_dir;
	char *ca_file;
	char *proxy;
	long connect_timeout;
	long timeout;
	long jwks_max_stale;
	long jwks_max_age;	/* cap on a key set's lifetime (seconds) */
	long jwks_refetch_cooldown;
	char *net_module;

	/* Revocation on this host (denylist.h) */
	char *deny_file;
	struct denylist *deny;	/* parsed at finish; owned */
	/* Attempt limits and lockout (limiter.h) */
	struct limit_rule ratelimit_apikey;
	struct limit_rule ratelimit_rhost;
	struct limit_rule ratelimit_user;
	struct limit_rule ratelimit_verify;
	long lockout_deny;	/* 0: no lockout */
	long lockout_interval;
	long lockout_unlock_time;
	bool lockout_even_deny_root;
	char *state_dir;

	/* Plumbing */
	kinde_log_fn log_fn;
	void *log_ctx;
	unsigned source_gen;
	char source[64];
	struct errrec err;	/* kinde_config_error */
};

/* The type of an option's value: which parser of config.c reads it.
 * (OT_, not OPT_: tools/cli.h has an OPT_ enum of its own.) */
enum kinde_opt_type {
	OT_STRING, OT_URL, OT_PATH, OT_LIST, OT_BOOL, OT_INT,
	OT_ALGS,
	OT_FLAGS,	/* a list of words: a bit each (token_types) */
	OT_ENUM,	/* one of the words: its index (mode, audit) */
	OT_RATE		/* "N/SECONDS" or "off": struct limit_rule */
};

struct kinde_option {
	const char *name;
	enum kinde_opt_type type;
	size_t offset;
	long min, max;		/* OT_INT bounds; OT_RATE: of N */
	const char *help;
	/* OT_ENUM, OT_FLAGS: the words the value is made of, in the order
	 * of their values, NULL-terminated (owned by the table). */
	const char *const *words;
};

/* The option table, for help texts and documentation checks. */
const struct kinde_option *kinde_config_options(size_t *count);
const struct kinde_option *kinde_config_option(const char *name);

/*
 * Parses config text as if read from a file called name (a new source).
 * The fuzz target and the tests use it; kinde_config_load_file adds the
 * file safety checks.
 */
kinde_err_t config_parse_buffer(kinde_config_t *cfg, const char *name,
				const char *text, size_t len);

/*
 * The known option closest to an unknown key (one or two typos, a
 * missing or extra plural s, a unique prefix), or NULL.  Static.
 */
const char *kinde_config_suggest(const char *key);

/* Records the first error's detail on cfg; returns err. */
kinde_err_t config_error(kinde_config_t *cfg, kinde_err_t err,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
